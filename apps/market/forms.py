"""Web forms of LootLink. Field names follow the contract (lootlink-api.ru.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Game
from apps.market.formatting import NBSP, format_rub
from apps.market.models import PRICE_MAX, PRICE_MIN, ListingStatus

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


class RubleField(forms.DecimalField):
    """Roubles with 2 decimals; accepts "1 500,50", "1500.5" and a trailing ₽."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        """A stored price comes back as it was typed: 12 500,50, not 12500.50."""
        if isinstance(value, Decimal | int | float):
            return format_rub(value).removesuffix(f"{NBSP}₽").replace(NBSP, " ")
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("₽", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise
        except InvalidOperation as exc:  # pragma: no cover - DecimalField handles this
            raise forms.ValidationError(_("Введите число")) from exc


SORT_CHOICES = [
    ("-created_at", _("Сначала новые")),
    ("created_at", _("Сначала старые")),
    ("price", _("Сначала дешёвые")),
    ("-price", _("Сначала дорогие")),
]


class ListingFilterForm(forms.Form):
    """The home page's GET filters: invalid values are reported and ignored."""

    search = forms.CharField(label=_("Поиск"), required=False, max_length=100)
    game = forms.ModelChoiceField(
        label=_("Игра"), queryset=Game.objects.all(), required=False, empty_label=_("Все игры")
    )
    min_price = RubleField(label=_("Цена от"), required=False, min_value=Decimal("0"))
    max_price = RubleField(label=_("Цена до"), required=False, min_value=Decimal("0"))
    sort = forms.ChoiceField(label=_("Сортировка"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["search"].widget.attrs.update(
            {"placeholder": _("Название или описание предмета"), "type": "search"}
        )
        self.fields["min_price"].widget.attrs["placeholder"] = "0"
        self.fields["max_price"].widget.attrs["placeholder"] = "∞"

    def filters(self) -> dict:
        """The valid filters only (a bad max_price does not hide the whole page)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        return data


class ListingForm(forms.Form):
    game = forms.ModelChoiceField(
        label=_("Игра"), queryset=Game.objects.all(), empty_label=_("Выберите игру")
    )
    title = forms.CharField(label=_("Название"), max_length=120)
    description = forms.CharField(
        label=_("Описание"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    price = RubleField(label=_("Цена, ₽"), min_value=PRICE_MIN, max_value=PRICE_MAX)
    image = forms.FileField(
        label=_("Изображение"),
        help_text=_("JPEG, PNG, WebP или GIF, до 5 МБ"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = _("Например: AK-47 | Redline (FT)")
        self.fields["price"].widget.attrs["placeholder"] = "1500,00"


class ListingEditForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=120)
    description = forms.CharField(
        label=_("Описание"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    price = RubleField(label=_("Цена, ₽"), min_value=PRICE_MIN, max_value=PRICE_MAX)
    image = forms.FileField(
        label=_("Новое изображение"),
        required=False,
        help_text=_("Необязательно. JPEG, PNG, WebP или GIF, до 5 МБ"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    status = forms.ChoiceField(
        label=_("Статус"),
        choices=[
            (ListingStatus.ACTIVE.value, ListingStatus.ACTIVE.label),
            (ListingStatus.CANCELLED.value, ListingStatus.CANCELLED.label),
        ],
        error_messages={
            "invalid_choice": _("Статусы «Забронировано» и «Продано» выставляются только сделкой")
        },
    )


class PurchaseRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Сообщение продавцу"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("Например: когда вам удобно передать предмет?")}
        ),
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Оценка"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Оценка должна быть от 1 до 5"),
            "required": _("Поставьте оценку от 1 до 5"),
        },
    )
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
