"""Web forms of the accounts pages (LootLink): register, log in, edit the profile."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.phones import phone_normalise
from apps.common.errors import ValidationFailed
from apps.market.forms import IMAGE_ACCEPT
from apps.market.images import avatar_process


class RegisterForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), max_length=254)

    class Meta:
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def clean_username(self) -> str:
        username = super().clean_username()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Пользователь с таким именем уже существует"))
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.annotate(e=Lower("email")).filter(e=email).exists():
            raise forms.ValidationError(_("Пользователь с таким email уже существует"))
        return email


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Имя пользователя или email")


class ProfileForm(forms.ModelForm):
    """The contract's fields; `telegram` is stored in User.telegram_contact."""

    telegram = forms.CharField(
        label=_("Telegram"),
        max_length=64,
        required=False,
        help_text=_("Имя пользователя, например @gamer"),
    )
    avatar = forms.FileField(
        label=_("Аватар"),
        required=False,
        help_text=_("JPEG, PNG, WebP или GIF, до 5 МБ"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "bio", "phone", "discord")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["telegram"].initial = self.instance.telegram_contact
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "tel", "placeholder": "+7 700 000 00 00"}
        )

    def clean_phone(self) -> str | None:
        try:
            phone = phone_normalise(self.cleaned_data.get("phone"))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        if phone != self.instance.phone:
            self.instance.phone_verified = False
        return phone

    def clean_telegram(self) -> str:
        value = self.cleaned_data["telegram"].strip()
        return f"@{value.lstrip('@')}" if value else ""

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        try:
            return avatar_process(upload)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.telegram_contact = self.cleaned_data["telegram"]
        avatar = self.cleaned_data.get("avatar")
        old_avatar = user.avatar.name if avatar and user.avatar else None
        if avatar:
            user.avatar.save(avatar.name, avatar, save=False)
        if commit:
            user.save()
            if old_avatar:
                user.avatar.storage.delete(old_avatar)
        return user
