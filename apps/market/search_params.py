"""The filters of a saved search: stored as the page's GET parameters, read back through the
same forms the pages use, so a saved search means exactly what the page showed."""

from __future__ import annotations

from django.http import QueryDict

from apps.catalog.models import Game
from apps.catalog.sections import KIND_LABELS
from apps.market.formatting import format_rub
from apps.market.forms import GameFilterForm, HomeFilterForm

IGNORED = {"page", "sort"}  # a new listing matches regardless of the order of the page


def _form(params: QueryDict | dict, game: Game | None):
    data = params if isinstance(params, QueryDict) else QueryDict(mutable=True)
    if not isinstance(params, QueryDict):
        for key, value in params.items():
            data[key] = value
    if game is not None:
        return GameFilterForm(data, game=game)
    return HomeFilterForm(data)


def search_filters(params: QueryDict | dict, *, game: Game | None, keep_raw: bool = False) -> dict:
    """The valid filters: as ListingFilters keyword arguments, or (keep_raw) as the submitted
    strings of those fields, to be stored."""
    form = _form(params, game)
    filters = {k: v for k, v in form.filters().items() if k not in IGNORED}
    if not keep_raw:
        return filters
    return {k: str(form.data.get(k, "")).strip() for k in filters}


def search_name(raw: dict, *, game: Game | None) -> str:
    """A readable name: "Dota 2 · Предметы · EU West · до 1 000,00 ₽"."""
    form = _form(raw, game)
    filters = form.filters()
    parts: list[str] = []
    chosen_game = game or filters.get("game")
    if chosen_game is not None:
        parts.append(chosen_game.name)
    if filters.get("section") is not None:
        parts.append(filters["section"].name)
    if filters.get("kind"):
        parts.append(str(KIND_LABELS.get(filters["kind"], filters["kind"])))
    if filters.get("search"):
        parts.append(f"«{filters['search']}»")
    if filters.get("server"):
        parts.append(filters["server"])
    if filters.get("min_price") is not None:
        parts.append(f"от {format_rub(filters['min_price'])}")
    if filters.get("max_price") is not None:
        parts.append(f"до {format_rub(filters['max_price'])}")
    return " · ".join(parts)[:200] or "Все объявления"
