"""Favourites with price-drop alerts and saved searches that notify about new listings."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import Game
from apps.market.models import Favourite, Listing, SavedSearch
from apps.market.tests.factories import HTML, image_bytes, make_listing, snapshot
from apps.notifications.models import Notification


def _edit(client, listing, **changes):
    data = {
        "title": listing.title,
        "description": listing.description,
        "price": str(listing.price),
        "status": listing.status,
        **changes,
    }
    return client.post(f"/listing/{listing.pk}/edit/", data)


def test_buyer_favourites_a_listing_and_sees_it_in_favourites(client, other, listing):
    client.force_login(other)
    page = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert "В избранное" in page
    r = client.post(f"/listing/{listing.pk}/favourite/")
    assert r.status_code == 302
    fav = Favourite.objects.get(user=other)
    assert fav.price_when_added == listing.price
    assert "В избранном" in client.get(listing.get_absolute_url(), **HTML).content.decode()
    body = client.get("/favourites/", **HTML).content.decode()
    assert listing.title in body
    assert "Цена не менялась" in body
    client.post(f"/listing/{listing.pk}/favourite/")  # twice: still one row
    assert Favourite.objects.count() == 1


def test_price_drop_notifies_favouriters_once_per_drop(client, owner, other, outsider, listing):
    Favourite.objects.create(user=other, listing=listing, price_when_added=listing.price)
    client.force_login(owner)
    assert _edit(client, listing, price="1 200,00").status_code == 302
    alert = Notification.objects.get(user=other, type="watch_price_drop")
    assert alert.payload["url"] == listing.get_absolute_url()
    assert "1\u00a0500,00\u00a0₽ → 1\u00a0200,00\u00a0₽" in alert.message
    assert not Notification.objects.filter(user=outsider).exists()
    listing.refresh_from_db()
    _edit(client, listing, price="1300")  # a rise: nothing
    listing.refresh_from_db()
    _edit(client, listing, title="Новое название")  # same price: nothing
    assert Notification.objects.filter(type="watch_price_drop").count() == 1
    client.force_login(other)
    body = client.get("/favourites/", **HTML).content.decode()
    assert "Цена снизилась" in body


def test_no_alert_when_the_listing_goes_off_sale_with_a_lower_price(client, owner, other, listing):
    Favourite.objects.create(user=other, listing=listing, price_when_added=listing.price)
    client.force_login(owner)
    _edit(client, listing, price="100", status="cancelled")
    assert not Notification.objects.filter(type="watch_price_drop").exists()


def test_seller_cannot_favourite_own_listing(client, owner, listing):
    client.force_login(owner)
    r = client.post(f"/listing/{listing.pk}/favourite/")
    assert r.status_code == 400
    assert not Favourite.objects.exists()


def test_favourite_needs_login_and_post(client, other, listing):
    r = client.post(f"/listing/{listing.pk}/favourite/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    client.force_login(other)
    assert client.get(f"/listing/{listing.pk}/favourite/").status_code == 405
    assert not Favourite.objects.exists()


def test_hidden_listing_cannot_be_favourited(client, owner, other):
    hidden = make_listing(owner, moderation_hidden=True, status="cancelled")
    client.force_login(other)
    assert client.post(f"/listing/{hidden.pk}/favourite/").status_code == 404
    assert not Favourite.objects.exists()


def test_unfavourite_touches_only_own_row(client, other, outsider, listing):
    Favourite.objects.create(user=other, listing=listing, price_when_added=listing.price)
    client.force_login(outsider)
    client.post(f"/listing/{listing.pk}/unfavourite/")
    assert Favourite.objects.filter(user=other).exists()
    client.force_login(other)
    client.post(f"/listing/{listing.pk}/unfavourite/")
    assert not Favourite.objects.exists()


def _create(client, **data):
    payload = {
        "game": Game.objects.get(slug="dota-2").pk,
        "title": "Аркана",
        "description": "D",
        "price": "900",
        "image": SimpleUploadedFile("a.png", image_bytes(), "image/png"),
    }
    payload.update(data)
    return client.post("/listing/create/", payload)


def test_saved_search_notifies_about_a_new_matching_listing(
    client, owner, other, django_capture_on_commit_callbacks
):
    dota = Game.objects.get(slug="dota-2")
    items = dota.sections.get(name="Предметы")
    client.force_login(other)
    r = client.post(
        "/searches/save/",
        {"scope": "dota-2", "section": "predmety", "max_price": "1 000", "page": "2"},
    )
    assert r.status_code == 302
    search = SavedSearch.objects.get(user=other)
    assert search.params == {"section": "predmety", "max_price": "1 000"}
    assert search.name == "Dota 2 · Предметы · до 1\u00a0000,00\u00a0₽"
    assert search.name in client.get("/searches/", **HTML).content.decode()

    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        _create(client, title="Дорогая аркана", price="5000", section=items.pk)
        _create(client, title="Аккаунт", section=dota.sections.get(name="Аккаунты").pk)
        _create(client, title="Аркана Pudge", price="900", section=items.pk)
    notes = Notification.objects.filter(user=other, type="watch_new_listing")
    assert [n.payload["listing_title"] for n in notes] == ["Аркана Pudge"]
    new = Listing.objects.get(title="Аркана Pudge")
    assert notes[0].payload["url"] == new.get_absolute_url()
    assert "Dota 2 · Предметы" in notes[0].message
    assert not Notification.objects.filter(user=owner, type="watch_new_listing").exists()


def test_matching_twice_notifies_once(owner, other):
    from apps.market.services.watch import saved_search_create, saved_searches_notify

    saved_search_create(user=other, params={"search": "меч"}, game=None)
    listing = make_listing(owner, title="Легендарный меч")
    assert saved_searches_notify(listing_id=listing.pk) == 1
    assert saved_searches_notify(listing_id=listing.pk) == 0
    assert Notification.objects.filter(type="watch_new_listing").count() == 1


def test_home_saved_search_by_kind(owner, other):
    from apps.market.services.watch import saved_search_create, saved_searches_notify

    saved_search_create(user=other, params={"kind": "accounts"}, game=None)
    cs2 = Game.objects.get(slug="cs2")
    skin = make_listing(owner, title="Скин", section=cs2.sections.get(name="Предметы"))
    account = make_listing(owner, title="Аккаунт", section=cs2.sections.get(name="Аккаунты"))
    assert saved_searches_notify(listing_id=skin.pk) == 0
    assert saved_searches_notify(listing_id=account.pk) == 1


def test_empty_search_is_not_saved(client, other):
    client.force_login(other)
    r = client.post("/searches/save/", {"sort": "price"})
    assert r.status_code == 400
    assert not SavedSearch.objects.exists()


def test_save_search_button_shows_on_filtered_pages(client, other):
    client.force_login(other)
    body = client.get("/game/dota-2/", {"section": "predmety"}, **HTML).content.decode()
    assert "Сохранить поиск" in body
    assert "/searches/save/?scope=dota-2&amp;section=predmety" in body
    confirm = client.get("/searches/save/", {"scope": "dota-2", "section": "predmety"}, **HTML)
    assert "Dota 2 · Предметы" in confirm.content.decode()
    assert not SavedSearch.objects.exists()  # the GET only asks
    assert "Сохранить поиск" not in client.get("/game/dota-2/", **HTML).content.decode()


def test_outsider_cannot_delete_someone_elses_search(client, other, outsider):
    from apps.market.services.watch import saved_search_create

    search = saved_search_create(user=other, params={"search": "нож"}, game=None)
    before = snapshot(search)
    client.force_login(outsider)
    assert client.post(f"/searches/{search.pk}/delete/").status_code == 404
    assert snapshot(search) == before
    assert search.name not in client.get("/searches/", **HTML).content.decode()
    client.force_login(other)
    assert client.post(f"/searches/{search.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


def test_price_drop_is_formatted_in_roubles(client, owner, other):
    listing = make_listing(owner, price="12500.50")
    Favourite.objects.create(user=other, listing=listing, price_when_added=listing.price)
    client.force_login(owner)
    _edit(client, listing, price="12 000")
    note = Notification.objects.get(type="watch_price_drop")
    assert note.payload["new_price"] == str(Decimal("12000.00"))
    assert "12\u00a0500,50\u00a0₽" in note.message
