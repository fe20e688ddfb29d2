"""Cheap pages: cached fragments stay correct, per-game counts once, cards fetch few fields."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.market.models import Listing
from apps.market.tests.factories import HTML, make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.LOOTLINK_PAGE_CACHE_SECONDS = 30


def _listing_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "market_listing" in q["sql"]]


def test_home_counts_games_once_and_shows_the_counts(client, owner):
    make_listing(owner, title="Нож")
    make_listing(owner, title="Аркана", game_slug="dota-2")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/", **HTML).content.decode()
    grouped = [sql for sql in _listing_queries(ctx) if "GROUP BY" in sql]
    assert len(grouped) == 1
    assert 'CS2 <span class="chip-count">1</span>' in body


def test_cards_do_not_fetch_descriptions_or_profiles(client, owner):
    make_listing(owner, title="Нож", description="очень длинное описание")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/", **HTML).content.decode()
    page_sql = [sql for sql in _listing_queries(ctx) if "LIMIT" in sql]
    assert page_sql
    assert all('"market_listing"."description"' not in sql for sql in page_sql)
    assert all('"accounts_user"."bio"' not in sql for sql in page_sql)
    assert "Нож" in body
    assert owner.username in body


def test_cached_home_is_served_without_listing_queries(client, owner, page_cache):
    make_listing(owner, title="Меч")
    first = client.get("/", **HTML).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/", **HTML).content.decode()
    assert _listing_queries(ctx) == []
    assert "Меч" in first
    assert "Меч" in second


def test_cached_home_shows_a_new_or_edited_listing_at_once(client, owner, page_cache):
    listing = make_listing(owner, title="Старый меч")
    assert "Старый меч" in client.get("/", **HTML).content.decode()
    listing.title = "Новый лук"
    listing.save()
    make_listing(owner, title="Свежий щит")
    body = client.get("/", **HTML).content.decode()
    assert "Новый лук" in body
    assert "Свежий щит" in body
    assert "Старый меч" not in body


def test_cached_game_page_drops_a_deleted_listing(client, owner, page_cache):
    listing = make_listing(owner, title="Нож-бабочка")
    assert "Нож-бабочка" in client.get("/game/cs2/", **HTML).content.decode()
    listing.delete()
    assert "Нож-бабочка" not in client.get("/game/cs2/", **HTML).content.decode()


def test_cached_fragment_keeps_the_viewer_specific_header(client, owner, other, page_cache):
    make_listing(owner, title="Меч")
    client.get("/", **HTML)  # cached by an anonymous visitor
    client.force_login(other)
    body = client.get("/", **HTML).content.decode()
    assert other.username in body
    assert "Меч" in body


def test_search_results_are_cached_per_query(client, owner, page_cache):
    make_listing(owner, title="Меч")
    make_listing(owner, title="Щит")
    assert "Щит" not in client.get("/", {"search": "меч"}, **HTML).content.decode()
    body = client.get("/", {"search": "щит"}, **HTML).content.decode()
    assert "Щит" in body
    assert Listing.objects.count() == 2


def test_listing_page_shows_similar_listings_fresh_with_the_cache_on(client, owner, page_cache):
    listing = make_listing(owner, title="Главный нож")
    make_listing(owner, title="Похожий нож")
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert "Похожие объявления" in body
    assert "Похожий нож" in body
    make_listing(owner, title="Ещё один нож")
    assert "Ещё один нож" in client.get(listing.get_absolute_url(), **HTML).content.decode()
