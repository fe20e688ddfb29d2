"""Categories API (v6)."""

from __future__ import annotations

import hashlib
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja import Router, Schema

from apps.catalog import selectors
from apps.catalog.inference import suggest_categories

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


class SuggestionOut(Schema):
    category: str
    name: str
    emoji: str
    score: float


class SuggestOut(Schema):
    category: str | None
    name: str | None
    emoji: str | None
    score: float
    # Top 3 with their vote shares; `confident`: the first may be filed without asking.
    suggestions: list[SuggestionOut]
    confident: bool


CATEGORY_FIELDS = ("slug", "name", "group", "emoji", "sort_order", "form_schema")


def _categories_payload(version: str) -> dict:
    found = selectors.category_version_get(version=version)
    rows = list(
        selectors.categories_for_version(version=found.version).values(
            "exchange_type", *CATEGORY_FIELDS
        )
    )
    return {
        "version": found.version,
        "description": found.description,
        "categories": {
            kind.lower(): [
                {f: row[f] for f in CATEGORY_FIELDS} for row in rows if row["exchange_type"] == kind
            ]
            for kind in ("PERMANENT", "TEMPORARY")
        },
    }


@router.get("", response=CategoriesOut)
def categories(request: HttpRequest, version: str = settings.FM_CATEGORY_VERSION):
    # perf (#16): the taxonomy changes only with load_catalog; cached CATALOG_CACHE_SECONDS.
    seconds = settings.CATALOG_CACHE_SECONDS
    if seconds <= 0:
        return _categories_payload(version)
    key = f"catalog:categories:{hashlib.sha1(version.encode(), usedforsecurity=False).hexdigest()}"
    payload = cache.get(key)
    if payload is None:
        payload = _categories_payload(version)  # a NotFound is raised, never cached
        cache.set(key, payload, seconds)
    return payload


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
    """The category the server would infer for an item (used by the web form as you type),
    and the top 3 to choose from when the guess is not confident."""
    found = suggest_categories(
        exchange_type=exchange_type, name=name[:200], description=description[:2000]
    )
    by_slug = {
        c.slug: c
        for c in selectors.categories_for_version(exchange_type=exchange_type).filter(
            slug__in=[s.slug for s in found]
        )
    }
    suggestions = [
        {
            "category": s.slug,
            "name": by_slug[s.slug].name,
            "emoji": by_slug[s.slug].emoji,
            "score": s.score,
        }
        for s in found
        if s.slug in by_slug
    ]
    if not suggestions:
        return {
            "category": None,
            "name": None,
            "emoji": None,
            "score": 0.0,
            "suggestions": [],
            "confident": False,
        }
    return {**suggestions[0], "suggestions": suggestions, "confident": found[0].confident}


@router.get("/{exchange_type}", response=list[CategoryOut])
def categories_by_type(
    request: HttpRequest,
    exchange_type: ExchangeTypePath,
    version: str = settings.FM_CATEGORY_VERSION,
):
    return list(selectors.categories_for_version(version=version, exchange_type=exchange_type))
