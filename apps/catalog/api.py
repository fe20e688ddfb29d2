"""Categories API (v6)."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from apps.catalog import selectors
from apps.catalog.inference import suggest_category

router = Router(tags=["Categories (v6)"])

ExchangeTypePath = Literal["permanent", "temporary"]


class CategoryOut(Schema):
    slug: str
    name: str
    group: str
    emoji: str
    sort_order: int
    form_schema: dict | None


class CategoriesByType(Schema):
    permanent: list[CategoryOut]
    temporary: list[CategoryOut]


class CategoriesOut(Schema):
    version: str
    description: str
    categories: CategoriesByType


class GroupsOut(Schema):
    groups: list[str]


class SuggestOut(Schema):
    category: str | None
    name: str | None
    emoji: str | None
    score: float


@router.get("", response=CategoriesOut)
def categories(request: HttpRequest, version: str = settings.FM_CATEGORY_VERSION):
    found = selectors.category_version_get(version=version)
    rows = list(selectors.categories_for_version(version=found.version))
    return {
        "version": found.version,
        "description": found.description,
        "categories": {
            "permanent": [c for c in rows if c.exchange_type == "PERMANENT"],
            "temporary": [c for c in rows if c.exchange_type == "TEMPORARY"],
        },
    }


@router.get("/groups/{exchange_type}", response=GroupsOut)
def category_groups(
    request: HttpRequest,
    exchange_type: ExchangeTypePath,
    version: str = settings.FM_CATEGORY_VERSION,
):
    rows = selectors.categories_for_version(version=version, exchange_type=exchange_type)
    return {"groups": list(dict.fromkeys(c.group for c in rows))}


@router.get("/suggest", response=SuggestOut)
def category_suggest(
    request: HttpRequest,
    exchange_type: Literal["PERMANENT", "TEMPORARY"],
    name: str,
    description: str = "",
):
    """The category the server would infer for an item (used by the web form as you type)."""
    suggestion = suggest_category(
        exchange_type=exchange_type, name=name[:200], description=description[:2000]
    )
    if suggestion is None:
        return {"category": None, "name": None, "emoji": None, "score": 0.0}
    category = selectors.category_get(exchange_type=exchange_type, slug=suggestion.slug)
    return {
        "category": category.slug,
        "name": category.name,
        "emoji": category.emoji,
        "score": suggestion.score,
    }


@router.get("/{exchange_type}", response=list[CategoryOut])
def categories_by_type(
    request: HttpRequest,
    exchange_type: ExchangeTypePath,
    version: str = settings.FM_CATEGORY_VERSION,
):
    return list(selectors.categories_for_version(version=version, exchange_type=exchange_type))
