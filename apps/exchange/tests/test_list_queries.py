"""/api/listings/offers|wants: no DISTINCT; the city filter neither duplicates nor drops rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import UserLocation
from apps.exchange.models import Listing, ListingItem

pytestmark = pytest.mark.django_db


def _offer(user, name: str) -> ListingItem:
    parent = Listing.objects.create(user=user)
    return ListingItem.objects.create(
        listing=parent, user=user, item_type="OFFER", exchange_type="PERMANENT", item_name=name
    )


def test_offers_list_runs_without_distinct(client, owner):
    _offer(owner, "Велосипед")
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/listings/offers")
    assert r.status_code == 200
    assert [x["item_name"] for x in r.json()] == ["Велосипед"]
    assert not any("DISTINCT" in q["sql"].upper() for q in ctx.captured_queries)


def test_city_filter_lists_each_item_once(client, owner, other):
    UserLocation.objects.get_or_create(user=owner, city="Алматы")
    UserLocation.objects.get_or_create(user=owner, city="Астана")
    UserLocation.objects.filter(user=other).delete()
    UserLocation.objects.create(user=other, city="Шымкент")
    _offer(owner, "Палатка")
    _offer(other, "Гитара")
    r = client.get("/api/listings/offers", {"city": "Алматы"})
    assert [x["item_name"] for x in r.json()] == ["Палатка"]
    assert r["X-Total-Count"] == "1"
    r = client.get("/api/listings/offers", {"city": "Шымкент"})
    assert [x["item_name"] for x in r.json()] == ["Гитара"]


def test_public_list_total_is_counted_once_while_cached(client, owner, settings):
    settings.PUBLIC_LIST_COUNT_SECONDS = 10
    _offer(owner, "Дрель")
    _offer(owner, "Самокат")
    first = client.get("/api/listings/offers", {"limit": 1})
    assert first["X-Total-Count"] == "2"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/api/listings/offers", {"limit": 1, "skip": 1})
    assert second["X-Total-Count"] == "2"
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    assert [x["item_name"] for x in first.json() + second.json()] == ["Самокат", "Дрель"]
    other_filter = client.get("/api/listings/offers", {"q": "дрель"})
    assert other_filter["X-Total-Count"] == "1"
