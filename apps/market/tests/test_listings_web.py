from decimal import Decimal

import pytest
from django.urls import reverse

from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import HTML, game, image_bytes, make_deal, make_listing, snapshot
from apps.notifications.models import Notification


def test_home_for_browser_shows_active_listings_only(client, owner):
    make_listing(owner, title="Активный нож")
    make_listing(owner, title="Проданный нож", status="sold")
    r = client.get("/", **HTML)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Активный нож" in body
    assert "Проданный нож" not in body
    assert "1\u00a0500,00\u00a0₽" in body


def test_home_filters_by_game_and_price(client, owner):
    make_listing(owner, title="Дешёвый скин", price="100.00")
    make_listing(owner, title="Дорогой скин", price="9000.00")
    make_listing(owner, title="Аркана", price="500.00", game_slug="dota-2")
    r = client.get("/", {"game": game().pk, "min_price": "50", "max_price": "1000"}, **HTML)
    titles = [listing.title for listing in r.context["page"].object_list]
    assert titles == ["Дешёвый скин"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["A", "B", "C"]),
        ("-price", ["C", "B", "A"]),
        ("created_at", ["B", "A", "C"]),
        ("-created_at", ["C", "A", "B"]),
    ],
)
def test_home_sorts(client, owner, sort, expected):
    make_listing(owner, title="B", price="200.00")
    make_listing(owner, title="A", price="100.00")
    make_listing(owner, title="C", price="300.00")
    r = client.get("/", {"sort": sort}, **HTML)
    assert [x.title for x in r.context["page"].object_list] == expected


def test_home_search_is_case_insensitive_for_cyrillic(client, owner):
    make_listing(owner, title="Легендарный МЕЧ дракона")
    make_listing(owner, title="Щит")
    r = client.get("/", {"search": "меч"}, **HTML)
    assert [x.title for x in r.context["page"].object_list] == ["Легендарный МЕЧ дракона"]


def test_home_search_matches_description(client, owner):
    make_listing(owner, title="Предмет", description="Редкий нож-бабочка с узором")
    r = client.get("/", {"search": "бабочка"}, **HTML)
    assert r.context["page"].paginator.count == 1


def test_home_ignores_invalid_filters(client, owner):
    make_listing(owner)
    r = client.get("/", {"min_price": "abc", "sort": "hack", "game": "999999", "page": "x"}, **HTML)
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 1


def test_home_paginates_by_twelve(client, owner):
    for i in range(14):
        make_listing(owner, title=f"Item {i}")
    first = client.get("/", **HTML)
    second = client.get("/", {"page": 2}, **HTML)
    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 2


def test_game_page_lists_that_game(client, owner):
    make_listing(owner, title="CS item")
    make_listing(owner, title="Dota item", game_slug="dota-2")
    r = client.get("/game/dota-2/")
    assert r.status_code == 200
    assert [x.title for x in r.context["page"].object_list] == ["Dota item"]
    assert client.get("/game/no-such-game/").status_code == 404


def test_games_page_lists_seeded_games(client, db):
    r = client.get("/games/")
    assert r.status_code == 200
    assert "Dota 2" in r.content.decode()


def test_listing_detail_is_public_and_shows_availability(client, listing):
    r = client.get(f"/listing/{listing.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert listing.title in body
    assert "Доступно для покупки" in body


def test_listing_detail_unknown_returns_404(client, db):
    assert client.get("/listing/999999/").status_code == 404


def test_create_listing_requires_login(client, db):
    r = client.get("/listing/create/")
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


def test_create_listing_with_image(client, owner):
    client.force_login(owner)
    data = {
        "game": game().pk,
        "title": "Нож | Градиент",
        "description": "Factory New",
        "price": "2 499,90",
        "image": _png_upload(),
    }
    r = client.post("/listing/create/", data)
    listing = Listing.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"/listing/{listing.pk}/"
    assert listing.seller == owner
    assert listing.price == Decimal("2499.90")
    assert listing.status == "active"
    assert listing.image.name.endswith(".png")
    assert listing.thumbnail.name.endswith(".jpg")
    assert listing.image.storage.exists(listing.image.name)


def test_create_listing_rejects_a_non_image(client, owner):
    client.force_login(owner)
    fake = _upload("evil.png", b"<?php system($_GET['c']); ?>")
    r = client.post(
        "/listing/create/",
        {"game": game().pk, "title": "X", "description": "Y", "price": "10", "image": fake},
    )
    assert r.status_code == 400
    assert "не является корректным изображением" in r.content.decode()
    assert not Listing.objects.exists()


@pytest.mark.parametrize("price", ["0", "-5", "10.999", "abc", "100000000"])
def test_create_listing_rejects_bad_prices(client, owner, price):
    client.force_login(owner)
    r = client.post(
        "/listing/create/",
        {
            "game": game().pk,
            "title": "X",
            "description": "Y",
            "price": price,
            "image": _png_upload(),
        },
    )
    assert r.status_code == 400
    assert not Listing.objects.exists()


def test_seller_edits_listing(client, owner, listing):
    client.force_login(owner)
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {
            "title": "Новое имя",
            "description": "Новое описание",
            "price": "99.50",
            "status": "cancelled",
        },
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.price, listing.status) == (
        "Новое имя",
        Decimal("99.50"),
        "cancelled",
    )
    assert "новое имя" in listing.search_text


def test_edit_form_shows_the_price_in_russian_format(client, owner, listing):
    Listing.objects.filter(pk=listing.pk).update(price=Decimal("12500.50"))
    client.force_login(owner)
    page = client.get(f"/listing/{listing.pk}/edit/").content.decode()
    assert 'value="12 500,50"' in page
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": listing.title, "description": "x", "price": "12 500,50", "status": "active"},
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.price == Decimal("12500.50")


def test_other_user_cannot_edit_listing(client, other, listing):
    before = snapshot(listing)
    client.force_login(other)
    assert client.get(f"/listing/{listing.pk}/edit/").status_code == 403
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": "Hacked", "description": "x", "price": "1.00", "status": "active"},
    )
    assert r.status_code == 403
    assert snapshot(listing) == before


@pytest.mark.parametrize("status", ["reserved", "sold"])
def test_seller_cannot_set_reserved_or_sold_by_editing(client, owner, listing, status):
    client.force_login(owner)
    before = snapshot(listing)
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": "T", "description": "D", "price": "10.00", "status": status},
    )
    assert r.status_code == 400
    assert "выставляются только сделкой" in r.content.decode()
    assert snapshot(listing) == before


def test_reserved_listing_cannot_be_edited(client, owner, other, listing):
    listing.status = "reserved"
    listing.save()
    make_deal(listing, other, status="accepted")
    before = snapshot(listing)
    client.force_login(owner)
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": "T", "description": "D", "price": "10.00", "status": "active"},
    )
    assert r.status_code == 409
    assert snapshot(listing) == before


def test_cancelling_listing_rejects_pending_requests(client, owner, deal, listing):
    client.force_login(owner)
    client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": listing.title, "description": "D", "price": "10.00", "status": "cancelled"},
    )
    deal.refresh_from_db()
    assert deal.status == "rejected"
    assert Notification.objects.filter(user=deal.buyer, type="deal_rejected").exists()


def test_delete_get_shows_confirmation_and_changes_nothing(client, owner, listing):
    client.force_login(owner)
    r = client.get(f"/listing/{listing.pk}/delete/")
    assert r.status_code == 200
    assert "Удалить объявление?" in r.content.decode()
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_seller_deletes_listing(client, owner, listing):
    client.force_login(owner)
    r = client.post(f"/listing/{listing.pk}/delete/")
    assert r.status_code == 302
    assert not Listing.objects.filter(pk=listing.pk).exists()


def test_other_user_cannot_delete_listing(client, other, listing):
    client.force_login(other)
    assert client.post(f"/listing/{listing.pk}/delete/").status_code == 403
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_delete_with_deal_in_progress_is_refused(client, owner, other, listing):
    make_deal(listing, other, status="accepted")
    Listing.objects.filter(pk=listing.pk).update(status="reserved")
    client.force_login(owner)
    r = client.post(f"/listing/{listing.pk}/delete/")
    assert r.status_code == 409
    assert "идёт сделка" in r.content.decode()
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_finished_deals_and_reviews_survive_listing_deletion(
    client, owner, other, outsider, listing
):
    from apps.market.tests.factories import make_review

    done = make_deal(listing, other, status="completed")
    review = make_review(done, other, rating=4)
    waiting = make_deal(listing, outsider)
    Listing.objects.filter(pk=listing.pk).update(status="sold")
    client.force_login(owner)
    assert client.post(f"/listing/{listing.pk}/delete/").status_code == 302
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.listing is None and done.status == "completed"
    assert done.listing_title == "AK-47 | Redline"
    assert waiting.status == "rejected"
    assert done.reviews.filter(pk=review.pk).exists()
    client.force_login(other)
    page = client.get(f"/transactions/purchase-request/{done.pk}/")
    assert page.status_code == 200
    assert "удалено продавцом" in page.content.decode()
    assert PurchaseRequest.objects.count() == 2


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def _png_upload():
    return _upload("item.png", image_bytes())


def test_listing_pages_link_to_contract_urls(client, owner, listing):
    client.force_login(owner)
    body = client.get(reverse("market:listing_detail", args=[listing.pk])).content.decode()
    assert f"/listing/{listing.pk}/edit/" in body
    assert f"/listing/{listing.pk}/delete/" in body


def test_postgres_search_uses_russian_stemming(client, owner):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text search with the Russian configuration is PostgreSQL-only")
    make_listing(owner, title="Меч дракона", description="Легендарное оружие")
    make_listing(owner, title="Щит")
    r = client.get("/", {"search": "мечи легендарного"}, **HTML)
    assert [x.title for x in r.context["page"].object_list] == ["Меч дракона"]


def test_russian_plurals_on_counts():
    from apps.market.templatetags.lootlink import ru_plural

    forms = "объявление,объявления,объявлений"
    assert [ru_plural(n, forms) for n in (1, 3, 5, 11, 21, 22, 112)] == [
        "1 объявление",
        "3 объявления",
        "5 объявлений",
        "11 объявлений",
        "21 объявление",
        "22 объявления",
        "112 объявлений",
    ]
