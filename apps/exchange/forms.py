"""Web forms of FreeMarket: one want or offer, locations, filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import City
from apps.catalog.inference import suggest_categories
from apps.catalog.models import Category, ExchangeType
from apps.catalog.selectors import categories_for_version
from apps.exchange.models import ItemType

NO_CATEGORY = "none"


def _category_of(exchange_type: str, slug: str) -> Category | None:
    return categories_for_version(exchange_type=exchange_type).filter(slug=slug).first()


def category_choices() -> list:
    """Choices grouped by exchange type and group, with emoji: value is 'TYPE:slug'."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for c in categories_for_version():
        label = f"{'Временный' if c.exchange_type == 'TEMPORARY' else 'Постоянный'} · {c.group}"
        grouped.setdefault(label, []).append((f"{c.exchange_type}:{c.slug}", f"{c.emoji} {c.name}"))
    return [("", _("— определить по названию —")), *grouped.items()]


class ItemForm(forms.Form):
    item_type = forms.ChoiceField(
        label=_("Что это"), choices=ItemType.choices, widget=forms.RadioSelect
    )
    exchange_type = forms.ChoiceField(
        label=_("Тип обмена"), choices=ExchangeType.choices, widget=forms.RadioSelect
    )
    item_name = forms.CharField(label=_("Название"), max_length=200)
    category = forms.ChoiceField(label=_("Категория"), required=False)
    # Shown only when no category was chosen and the guess from the name is not confident.
    category_choice = forms.ChoiceField(
        label=_("Какая категория подходит?"), required=False, widget=forms.RadioSelect
    )
    any_in_category = forms.BooleanField(
        label=_("Подойдёт что угодно из этой категории"),
        required=False,
        help_text=_(
            "Только для желаний: тогда предложат любую вещь выбранной категории "
            "подходящей стоимости, даже если название не похоже."
        ),
    )
    description = forms.CharField(
        label=_("Описание"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    value_tenge = forms.IntegerField(label=_("Оценка, ₸"), min_value=0, max_value=10**11)
    duration_days = forms.IntegerField(
        label=_("Срок, дней"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Только для временного обмена (1–365)"),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["item_name"].widget.attrs.update(
            {"autocomplete": "off", "data-suggest": "category"}
        )
        if editing:  # type of item and of exchange are fixed once created
            self.fields["item_type"].disabled = True
            self.fields["exchange_type"].disabled = True
        self._suggestions = self._guess() if self.is_bound else []
        choices = [
            (f"{self._exchange_type()}:{s.slug}", f"{c.emoji} {c.name}")
            for s in self._suggestions
            if (c := _category_of(self._exchange_type(), s.slug)) is not None
        ]
        if choices and not self._suggestions[0].confident:
            self.fields["category_choice"].choices = [
                *choices,
                (NO_CATEGORY, _("Ни одна не подходит — оставить без категории")),
            ]
        else:
            self.fields["category_choice"].widget = forms.HiddenInput()

    def _exchange_type(self) -> str:
        if self.fields["exchange_type"].disabled:
            return str(self.initial.get("exchange_type", "PERMANENT"))
        return str(self.data.get("exchange_type") or "PERMANENT")

    def _guess(self) -> list:
        name = str(self.data.get("item_name") or "").strip()
        if self.data.get("category") or not name:
            return []
        return suggest_categories(
            exchange_type=self._exchange_type(),
            name=name[:200],
            description=str(self.data.get("description") or "")[:2000],
        )

    def clean(self):
        data = super().clean()
        exchange_type = data.get("exchange_type")
        category = data.get("category") or ""
        choice = data.get("category_choice") or ""
        doubtful = bool(self._suggestions) and not self._suggestions[0].confident
        if not category and choice and choice != NO_CATEGORY:
            category = choice
        elif not category and not choice and doubtful:
            self.add_error(
                "category",
                _(
                    "Не удалось уверенно определить категорию по названию. Выберите "
                    "подходящую ниже или любую другую в списке."
                ),
            )
        if category:
            ctype, _sep, slug = category.partition(":")
            if exchange_type and ctype != exchange_type:
                self.add_error("category", _("Эта категория относится к другому типу обмена"))
            data["category_slug"] = slug
        else:
            data["category_slug"] = None
        if exchange_type == "TEMPORARY" and not data.get("duration_days"):
            self.add_error("duration_days", _("Укажите срок для временного обмена"))
        if exchange_type == "PERMANENT":
            data["duration_days"] = None
        return data


class LocationsForm(forms.Form):
    locations = forms.MultipleChoiceField(
        label=_("Мои города"),
        choices=City.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("От одного до трёх городов, где вы готовы меняться."),
    )

    def clean_locations(self) -> list[str]:
        value = self.cleaned_data["locations"]
        if not 1 <= len(value) <= 3:
            raise forms.ValidationError(_("Выберите от 1 до 3 городов"))
        return value


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Поиск"), required=False, max_length=100)
    exchange_type = forms.ChoiceField(
        label=_("Тип обмена"), required=False, choices=[("", _("Любой")), *ExchangeType.choices]
    )
    category = forms.ChoiceField(label=_("Категория"), required=False)
    city = forms.ChoiceField(
        label=_("Город"), required=False, choices=[("", _("Все города")), *City.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen: dict[str, str] = {}
        for c in Category.objects.filter(version__is_active=True).order_by("sort_order"):
            seen.setdefault(c.slug, f"{c.emoji} {c.name}")
        self.fields["category"].choices = [
            ("", _("Все категории")),
            *sorted(seen.items(), key=lambda kv: kv[1][2:]),
        ]
