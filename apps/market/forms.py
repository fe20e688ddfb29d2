"""Web forms of LootLink. Field names follow the contract (lootlink-api.ru.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Game, Section
from apps.catalog.sections import DELIVERY_CHOICES, KIND_CHOICES, PLATFORM_CHOICES
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


class CountField(forms.IntegerField):
    """A whole number typed the Russian way: "5 000" (spaces or no-break spaces between groups)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", " ")
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        return super().to_python(value)


SORT_CHOICES = [
    ("-created_at", _("Сначала новые")),
    ("created_at", _("Сначала старые")),
    ("price", _("Сначала дешёвые")),
    ("-price", _("Сначала дорогие")),
    ("delivery", _("Быстрая передача")),
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


def section_label(section: Section) -> str:
    return section.name


class SectionFilterMixin(forms.Form):
    """Attribute filters shared by the home page and the game pages."""

    server = forms.CharField(label=_("Сервер или регион"), required=False, max_length=60)
    platform = forms.ChoiceField(
        label=_("Платформа"), choices=[("", _("Любая")), *PLATFORM_CHOICES], required=False
    )
    min_quantity = CountField(label=_("Количество от"), required=False, min_value=1)
    max_delivery = forms.TypedChoiceField(
        label=_("Время передачи"),
        choices=[("", _("Любое")), *DELIVERY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )


class HomeFilterForm(SectionFilterMixin, ListingFilterForm):
    """The home page: filters across games by the kind of section ("Аккаунты", "Валюта"...)."""

    kind = forms.ChoiceField(
        label=_("Раздел"), choices=[("", _("Все разделы")), *KIND_CHOICES], required=False
    )
    field_order = [
        "search",
        "game",
        "kind",
        "server",
        "platform",
        "min_quantity",
        "max_delivery",
        "min_price",
        "max_price",
        "sort",
    ]


class GameFilterForm(SectionFilterMixin, ListingFilterForm):
    """A game page: its own sections (by slug in the URL query) and the attribute filters."""

    section = forms.ModelChoiceField(
        label=_("Раздел"),
        queryset=Section.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Все разделы"),
    )
    field_order = [
        "search",
        "section",
        "server",
        "platform",
        "min_quantity",
        "max_delivery",
        "min_price",
        "max_price",
        "sort",
    ]

    def __init__(self, *args, game: Game, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["game"]
        self.fields["section"].queryset = game.sections.all()
        self.fields["section"].label_from_instance = section_label


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name (the extra photos); each is checked by the service."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ListingAttributesForm(forms.Form):
    """The optional section and attributes of a listing (new fields beyond the contract)."""

    section = forms.ModelChoiceField(
        label=_("Раздел"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("Выберите раздел"),
    )
    server = forms.CharField(
        label=_("Сервер или регион"),
        required=False,
        max_length=60,
        help_text=_("Для аккаунтов, валюты, предметов и буста: например, EU West или RU"),
    )
    platform = forms.ChoiceField(
        label=_("Платформа"), choices=[("", _("Не важно")), *PLATFORM_CHOICES], required=False
    )
    quantity = CountField(
        label=_("Количество"),
        required=False,
        min_value=1,
        max_value=2_000_000_000,
        help_text=_("Для валюты и предметов: сколько единиц в лоте"),
    )
    delivery_minutes = forms.TypedChoiceField(
        label=_("Время передачи"),
        choices=[("", _("Не указано")), *DELIVERY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    photos = MultipleImageField(
        label=_("Дополнительные фото"),
        required=False,
        help_text=_("До 7 фото к главному (всего 8): JPEG, PNG, WebP или GIF, до 5 МБ каждое"),
    )

    def set_game(self, game_id) -> None:
        """Offer the chosen game's sections only (none until a game is chosen)."""
        if game_id:
            self.fields["section"].queryset = Section.objects.filter(game_id=game_id)
        self.fields["section"].label_from_instance = section_label


class ListingForm(ListingAttributesForm):
    field_order = [
        "game",
        "section",
        "title",
        "description",
        "price",
        "server",
        "platform",
        "quantity",
        "delivery_minutes",
        "image",
        "photos",
    ]
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
        self.fields["game"].widget.attrs["data-sections-url"] = reverse("market:game_sections")
        game_id = self.data.get("game") if self.is_bound else self.initial.get("game")
        self.set_game(game_id if str(game_id or "").isdigit() else None)


class ListingEditForm(ListingAttributesForm):
    field_order = [
        "title",
        "description",
        "price",
        "section",
        "server",
        "platform",
        "quantity",
        "delivery_minutes",
        "image",
        "photos",
        "status",
    ]
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
