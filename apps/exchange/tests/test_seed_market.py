"""`manage.py seed_market`: a realistic market, appended, searchable at once."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import User, UserLocation
from apps.catalog.models import Game
from apps.exchange.models import ListingItem
from apps.market.models import PRICE_MAX, PRICE_MIN, Listing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed(**opts) -> str:
    out = StringIO()
    args = [f"--{k}={v}" for k, v in {"users": 6, "listings": 40, "items": 30, **opts}.items()]
    call_command("seed_market", *args, stdout=out)
    return out.getvalue()


def test_seeds_users_listings_and_wants_offers(media):
    out = seed(games=15)
    assert "seeded 6 users, 40 listings, 30 wants/offers" in out
    assert User.objects.filter(username__startswith="seed_").count() == 6
    assert Game.objects.count() >= 15
    listings = list(Listing.objects.all())
    assert len(listings) == 40
    assert all(re.search("[а-яА-Я]", x.title) for x in listings)  # Russian titles
    assert all(PRICE_MIN <= x.price <= PRICE_MAX for x in listings)
    assert len({x.game_id for x in listings}) > 3
    assert all(x.search_text == f"{x.title} {x.description}".lower() for x in listings)
    # A handful of generated JPEG covers, reused, really on disk.
    images = {x.image.name for x in listings}
    assert 1 < len(images) <= 8
    assert all((media / name).read_bytes()[:3] == b"\xff\xd8\xff" for name in images)
    assert ListingItem.objects.count() == 30
    assert {i.item_type for i in ListingItem.objects.all()} == {"WANT", "OFFER"}
    assert UserLocation.objects.filter(user__username__startswith="seed_").exists()


def test_seeded_users_can_log_in(client):
    seed()
    user = User.objects.filter(username__startswith="seed_").first()
    assert client.login(username=user.username, password="seed-password-1")


def test_a_second_run_appends(media):
    seed()
    seed()
    assert User.objects.filter(username__startswith="seed_").count() == 12
    assert Listing.objects.count() == 80


def test_seeded_listings_show_on_the_home_page_and_in_search(client):
    seed()
    r = client.get("/", HTTP_ACCEPT="text/html")
    assert r.context["page"].paginator.count == Listing.objects.filter(status="active").count()
    word = Listing.objects.filter(status="active").first().title.split()[1]
    r = client.get("/", {"search": word}, HTTP_ACCEPT="text/html")
    assert r.context["page"].paginator.count >= 1
