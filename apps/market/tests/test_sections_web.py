"""Game sections on LootLink pages: filters, sort, the listing form's section and attributes."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import Game, Section
from apps.market.models import Listing
from apps.market.tests.factories import HTML, image_bytes, make_listing, snapshot


def _dota():
    return Game.objects.get(slug="dota-2")


def _section(game, name):
    return game.sections.get(name=name)


def _titles(response):
    return [x.title for x in response.context["page"].object_list]


@pytest.fixture
def dota_listings(owner):
    dota = _dota()
    accounts, items = _section(dota, "Аккаунты"), _section(dota, "Предметы")
    make_listing(
        owner,
        title="Аккаунт 5000 MMR",
        game_slug="dota-2",
        section=accounts,
        server="EU West",
        delivery_minutes=60,
        price="3000.00",
    )
    make_listing(
        owner,
        title="Аркана на Pudge",
        game_slug="dota-2",
        section=items,
        server="EU West",
        quantity=1,
        delivery_minutes=5,
        price="900.00",
    )
    make_listing(
        owner,
        title="Сет Juggernaut x10",
        game_slug="dota-2",
        section=items,
        server="Russia",
        quantity=10,
        delivery_minutes=1440,
        price="500.00",
    )
    make_listing(owner, title="Без раздела", game_slug="dota-2")
    return dota


def test_game_page_sections_are_links_that_filter(client, dota_listings):
    r = client.get("/game/dota-2/", **HTML)
    body = r.content.decode()
    assert 'href="?section=predmety"' in body
    assert len(_titles(r)) == 4
    r = client.get("/game/dota-2/", {"section": "predmety"}, **HTML)
    assert r.status_code == 200
    assert sorted(_titles(r)) == ["Аркана на Pudge", "Сет Juggernaut x10"]
    assert 'aria-current="page">Предметы</a>' in r.content.decode()


def test_game_page_filters_by_attributes(client, dota_listings):
    r = client.get("/game/dota-2/", {"section": "predmety", "server": "eu west"}, **HTML)
    assert _titles(r) == ["Аркана на Pudge"]
    r = client.get("/game/dota-2/", {"min_quantity": "5"}, **HTML)
    assert _titles(r) == ["Сет Juggernaut x10"]
    r = client.get("/game/dota-2/", {"max_delivery": "60"}, **HTML)
    assert sorted(_titles(r)) == ["Аккаунт 5000 MMR", "Аркана на Pudge"]


def test_game_page_sorts_by_price_and_delivery(client, dota_listings):
    r = client.get("/game/dota-2/", {"sort": "price"}, **HTML)
    assert _titles(r)[0] == "Сет Juggernaut x10"
    prices = [x.price for x in r.context["page"].object_list]
    assert prices == sorted(prices)
    r = client.get("/game/dota-2/", {"sort": "delivery"}, **HTML)
    assert _titles(r) == [
        "Аркана на Pudge",
        "Аккаунт 5000 MMR",
        "Сет Juggernaut x10",
        "Без раздела",
    ]


def test_game_page_ignores_a_section_of_another_game(client, dota_listings):
    r = client.get("/game/dota-2/", {"section": "no-such-section"}, **HTML)
    assert r.status_code == 200
    assert len(_titles(r)) == 4


def test_game_page_offers_known_servers(client, dota_listings):
    body = client.get("/game/dota-2/", **HTML).content.decode()
    assert '<option value="EU West">' in body
    assert '<option value="Russia">' in body


def test_home_filters_by_kind_across_games(client, owner, dota_listings):
    cs2 = Game.objects.get(slug="cs2")
    make_listing(owner, title="CS2 аккаунт Prime", section=_section(cs2, "Аккаунты"))
    r = client.get("/", {"kind": "accounts"}, **HTML)
    assert sorted(_titles(r)) == ["CS2 аккаунт Prime", "Аккаунт 5000 MMR"]
    r = client.get("/", {"kind": "items", "sort": "-price"}, **HTML)
    assert _titles(r) == ["Аркана на Pudge", "Сет Juggernaut x10"]


def test_card_and_detail_show_section_and_attributes(client, dota_listings):
    body = client.get("/game/dota-2/", {"section": "predmety"}, **HTML).content.decode()
    assert "Dota 2 · Предметы" in body
    assert "10 шт." in body
    listing = Listing.objects.get(title="Сет Juggernaut x10")
    body = client.get(f"/listing/{listing.pk}/", **HTML).content.decode()
    assert "Russia" in body
    assert "До суток" in body
    assert "?section=predmety" in body


def test_home_shows_featured_games_not_the_whole_catalogue(client, db):
    r = client.get("/", **HTML)
    names = {g.name for g in r.context["games"]}
    assert "Dota 2" in names
    assert "2XKO" not in names
    assert "/games/" in r.content.decode()


def test_games_page_lists_all_games_and_searches(client, db):
    body = client.get("/games/", **HTML).content.decode()
    assert "2XKO" in body
    assert "World of Warcraft Classic + Hardcore + Season of Discovery" in body
    r = client.get("/games/", {"q": "roblox"}, **HTML)
    assert [g.name for g in r.context["others"]] == ["Roblox"]


def _upload():
    return SimpleUploadedFile("item.png", image_bytes(), "image/png")


def test_create_listing_with_section_and_attributes(client, owner):
    client.force_login(owner)
    dota = _dota()
    form = client.get("/listing/create/", {"game": dota.pk}, **HTML).content.decode()
    assert "Буст MMR" in form  # the chosen game's sections are offered
    assert "Робуксы" not in form
    currency = _section(dota, "Привязки VHS")
    r = client.post(
        "/listing/create/",
        {
            "game": dota.pk,
            "section": currency.pk,
            "title": "Привязка",
            "description": "Быстро",
            "price": "100",
            "server": " EU West ",
            "quantity": "5000",
            "delivery_minutes": "5",
            "platform": "pc",
            "image": _upload(),
        },
    )
    assert r.status_code == 302
    listing = Listing.objects.get()
    assert (
        listing.section,
        listing.server,
        listing.quantity,
        listing.delivery_minutes,
        listing.platform,
    ) == (currency, "EU West", 5000, 5, "pc")
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert "5\u00a0000" in body


def test_create_listing_refuses_a_section_of_another_game(client, owner):
    client.force_login(owner)
    roblox_section = Section.objects.filter(game__name="Roblox").first()
    r = client.post(
        "/listing/create/",
        {
            "game": _dota().pk,
            "section": roblox_section.pk,
            "title": "X",
            "description": "Y",
            "price": "100",
            "image": _upload(),
        },
    )
    assert r.status_code == 400
    assert not Listing.objects.exists()


def test_contract_fields_alone_still_create_a_listing(client, owner):
    client.force_login(owner)
    r = client.post(
        "/listing/create/",
        {
            "game": _dota().pk,
            "title": "Просто",
            "description": "Y",
            "price": "100",
            "image": _upload(),
        },
    )
    assert r.status_code == 302
    assert Listing.objects.get().section is None


def test_edit_keeps_attributes_a_contract_client_does_not_send(client, owner, dota_listings):
    client.force_login(owner)
    listing = Listing.objects.get(title="Сет Juggernaut x10")
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": "Сет", "description": "D", "price": "450", "status": "active"},
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.quantity, listing.server) == ("Сет", 10, "Russia")
    assert listing.price == Decimal("450")


def test_seller_changes_and_clears_attributes(client, owner, dota_listings):
    client.force_login(owner)
    listing = Listing.objects.get(title="Сет Juggernaut x10")
    accounts = _section(dota_listings, "Аккаунты")
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {
            "title": "Сет",
            "description": "D",
            "price": "450",
            "status": "active",
            "section": accounts.pk,
            "server": "",
            "quantity": "",
            "delivery_minutes": "60",
            "platform": "",
        },
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert (listing.section, listing.server, listing.quantity, listing.delivery_minutes) == (
        accounts,
        "",
        None,
        60,
    )


def test_outsider_cannot_change_a_listings_section(client, outsider, dota_listings):
    listing = Listing.objects.get(title="Сет Juggernaut x10")
    before = snapshot(listing)
    client.force_login(outsider)
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {
            "title": "Сет",
            "description": "D",
            "price": "1",
            "status": "active",
            "section": _section(dota_listings, "Аккаунты").pk,
            "server": "X",
        },
    )
    assert r.status_code in (403, 404)
    assert snapshot(listing) == before


def test_sections_endpoint_feeds_the_listing_form(client, db):
    dota = _dota()
    r = client.get("/listing/sections/", {"game": dota.pk})
    names = [s["name"] for s in r.json()["sections"]]
    assert names == list(dota.sections.values_list("name", flat=True))
    assert client.get("/listing/sections/", {"game": "x"}).json() == {"sections": []}


def test_quantities_are_typed_and_shown_the_russian_way(client, owner):
    client.force_login(owner)
    dota = _dota()
    r = client.post(
        "/listing/create/",
        {
            "game": dota.pk,
            "section": _section(dota, "Привязки VHS").pk,
            "title": "Много",
            "description": "D",
            "price": "12 500,50",
            "quantity": "25\u00a0000",
            "image": _upload(),
        },
    )
    assert r.status_code == 302
    listing = Listing.objects.get()
    assert listing.quantity == 25000
    edit = client.get(f"/listing/{listing.pk}/edit/", **HTML).content.decode()
    assert 'value="25 000"' in edit and 'value="12 500,50"' in edit
    r = client.get("/game/dota-2/", {"min_quantity": "20 000"}, **HTML)
    assert _titles(r) == ["Много"]
    assert "25\u00a0000 шт." in r.content.decode()


def test_counts_are_grouped():
    from apps.market.templatetags.lootlink import ru_plural

    assert ru_plural(1500, "объявление,объявления,объявлений") == "1\u00a0500 объявлений"
    assert ru_plural(21, "объявление,объявления,объявлений") == "21 объявление"
