from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet

from apps.accounts.models import UserLocation
from apps.common.errors import NotFound
from apps.exchange.models import ItemStatus, ListingItem


def item_qs() -> QuerySet[ListingItem]:
    return ListingItem.objects.select_related("category", "user")


def item_get(*, pk: int) -> ListingItem:
    item = item_qs().filter(pk=pk).first()
    if item is None:
        raise NotFound("Позиция не найдена", code="item_not_found")
    return item


def item_list_public(
    *,
    item_type: str | None = None,
    exchange_type: str | None = None,
    category: str | None = None,
    city: str | None = None,
    q: str | None = None,
    user_id: int | None = None,
) -> QuerySet[ListingItem]:
    """Active wants/offers of active users, filtered."""
    qs = item_qs().filter(status=ItemStatus.ACTIVE, user__is_active=True)
    if item_type:
        qs = qs.filter(item_type=item_type)
    if exchange_type:
        qs = qs.filter(exchange_type=exchange_type)
    if category:
        qs = qs.filter(category__slug=category)
    if city:
        # EXISTS, not a join: one row per item without DISTINCT (perf, #16).
        in_city = UserLocation.objects.filter(user_id=OuterRef("user_id"), city=city)
        qs = qs.filter(Exists(in_city))
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if q:
        for word in q.split()[:5]:
            qs = qs.filter(search_text__contains=word.lower())
    return qs


def item_count_public(qs: QuerySet[ListingItem]) -> int:
    """The total of a public list, cached for PUBLIC_LIST_COUNT_SECONDS (perf, #16): counting
    every active want/offer (joined to its user) is most of a list request's cost; a total a
    few seconds old is fine for a list header. Off (0) in tests."""
    seconds = settings.PUBLIC_LIST_COUNT_SECONDS
    if seconds <= 0:
        return qs.count()
    sql = str(qs.order_by().query).encode()
    key = f"exchange:public_count:{hashlib.sha1(sql, usedforsecurity=False).hexdigest()}"
    total = cache.get(key)
    if total is None:
        total = qs.count()
        cache.set(key, total, seconds)
    return total


def items_of_user(*, user_id: int, include_archived: bool = False) -> QuerySet[ListingItem]:
    qs = item_qs().filter(user_id=user_id)
    if not include_archived:
        qs = qs.filter(status=ItemStatus.ACTIVE)
    return qs
