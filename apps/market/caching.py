"""Cheap public pages (perf, #16): cached per-game counts and cached page fragments.

The home and game pages' content (filters, game chips, the listing grid, pagination) is the
same for every visitor given the query string, so it is rendered once and kept for
LOOTLINK_PAGE_CACHE_SECONDS under a key that includes a "market version". Saving or deleting a
listing bumps the version, so a seller sees their change at once; changes made with a bulk
`update()` (deal status moves) show within the TTL. The header (user menu, unread counts) is
rendered per request. Off when the setting is 0 (the test suite's default).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import get_language

from apps.catalog.models import Game
from apps.market.models import Listing, ListingStatus

VERSION_KEY = "lootlink:listings:version"
COUNTS_KEY = "lootlink:game_counts:{version}"


def ttl() -> int:
    return int(getattr(settings, "LOOTLINK_PAGE_CACHE_SECONDS", 0))


def market_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
    return version


def bump_market_version() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


@receiver(post_save, sender=Listing, dispatch_uid="lootlink_cache_bump_save")
@receiver(post_delete, sender=Listing, dispatch_uid="lootlink_cache_bump_delete")
def _listing_changed(sender, **kwargs) -> None:
    bump_market_version()


def _count_rows() -> list[tuple[int, str, str, int]]:
    counts = dict(
        Listing.objects.filter(status=ListingStatus.ACTIVE)
        .values_list("game_id")
        .annotate(n=Count("id"))
        .values_list("game_id", "n")
    )
    return [
        (pk, name, slug, counts.get(pk, 0))
        for pk, name, slug in Game.objects.values_list("pk", "name", "slug")
    ]


class GameCount:
    """A game with its number of active listings (what the chips and the games page show)."""

    __slots__ = ("pk", "name", "slug", "active_count")

    def __init__(self, pk: int, name: str, slug: str, active_count: int) -> None:
        self.pk, self.name, self.slug, self.active_count = pk, name, slug, active_count

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("market:game_detail", args=[self.slug])


def game_counts() -> list[GameCount]:
    """Every game with its active listing count: one grouped query, cached when caching is on."""
    seconds = ttl()
    if not seconds:
        return [GameCount(*row) for row in _count_rows()]
    key = COUNTS_KEY.format(version=market_version())
    rows = cache.get(key)
    if rows is None:
        rows = _count_rows()
        cache.set(key, rows, seconds)
    return [GameCount(*row) for row in rows]


def cached_fragment(request: HttpRequest, name: str, render: Callable[[], str]) -> str:
    """`render()` once per (page, query string, market version, language) for TTL seconds."""
    seconds = ttl()
    if not seconds or request.method != "GET":
        return render()
    query = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    key = f"lootlink:fragment:{name}:{get_language()}:{market_version()}:{query}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return html
