import re

import pytest
from django.urls import reverse

from apps.exchange.models import ItemStatus, ListingItem
from apps.exchange.services import ItemDraft, listing_create


@pytest.fixture
def web(client, owner):
    client.force_login(owner)
    return client


def make_item(user, name="Дрель", item_type="OFFER", **kw):
    _, items = listing_create(
        user=user,
        drafts=[
            ItemDraft(
                item_type=item_type,
                exchange_type=kw.pop("exchange_type", "PERMANENT"),
                item_name=name,
                value_tenge=kw.pop("value_tenge", 10000),
                **kw,
            )
        ],
    )
    return items[0]


def test_dashboard_requires_login(client):
    r = client.get(reverse("exchange:dashboard"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_create_want_with_inferred_category(web, owner):
    r = web.post(
        reverse("exchange:item_create"),
        {
            "item_type": "WANT",
            "exchange_type": "TEMPORARY",
            "item_name": "  Палатка  ",
            "value_tenge": "5000",
            "duration_days": "3",
            "category": "",
            "description": "",
        },
    )
    assert r.status_code == 302
    item = ListingItem.objects.get(user=owner)
    assert (item.item_name, item.item_type, item.duration_days) == ("Палатка", "WANT", 3)
    assert item.category.slug == "sports_equipment" and item.category_inferred
    page = web.get(reverse("exchange:dashboard")).content.decode()
    assert "Палатка" in page and "Категория определена автоматически" in page


def test_create_form_shows_russian_errors_and_saves_nothing(web):
    r = web.post(
        reverse("exchange:item_create"),
        {
            "item_type": "OFFER",
            "exchange_type": "TEMPORARY",
            "item_name": "Дрель",
            "value_tenge": "-5",
            "category": "PERMANENT:hand_power_tools",
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "Укажите срок для временного обмена" in page
    assert "Эта категория относится к другому типу обмена" in page
    assert not ListingItem.objects.exists()


def test_explicit_category_is_kept(web, owner):
    web.post(
        reverse("exchange:item_create"),
        {
            "item_type": "OFFER",
            "exchange_type": "PERMANENT",
            "item_name": "Что-то",
            "value_tenge": "100",
            "category": "PERMANENT:money_crypto",
        },
    )
    item = ListingItem.objects.get(user=owner)
    assert item.category.slug == "money_crypto" and not item.category_inferred


def test_edit_own_item(web, owner):
    item = make_item(owner)
    r = web.post(
        reverse("exchange:item_edit", args=[item.pk]),
        {
            "item_name": "Перфоратор",
            "value_tenge": "12000",
            "category": "",
            "description": "x",
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.item_name, item.value_tenge, item.version) == ("Перфоратор", 12000, 2)


def test_outsider_cannot_edit_or_archive_returns_404(client, outsider, owner):
    item = make_item(owner)
    client.force_login(outsider)
    assert client.get(reverse("exchange:item_edit", args=[item.pk])).status_code == 404
    assert (
        client.post(
            reverse("exchange:item_edit", args=[item.pk]), {"item_name": "Моё", "value_tenge": "1"}
        ).status_code
        == 404
    )
    assert client.post(reverse("exchange:item_archive", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.item_name == "Дрель" and item.status == ItemStatus.ACTIVE


def test_archive_get_confirms_and_changes_nothing_post_archives(web, owner):
    item = make_item(owner)
    r = web.get(reverse("exchange:item_archive", args=[item.pk]))
    assert r.status_code == 200 and "Убрать в архив?" in r.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    web.post(reverse("exchange:item_archive", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == ItemStatus.ARCHIVED


def test_archive_requires_csrf(client, owner):
    item = make_item(owner)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(reverse("exchange:item_archive", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE


def names(response) -> set[str]:
    return set(
        re.findall(r'class="fm-item__name">(?:<a [^>]*>)?([^<]+)<', response.content.decode())
    )


def test_browse_filters(client, owner, other):
    make_item(owner, "Велосипед", item_type="WANT")
    make_item(other, "Палатка", item_type="WANT", exchange_type="TEMPORARY", duration_days=2)
    other.location_set.update(city="Шымкент")
    url = reverse("exchange:browse", args=["wants"])
    assert names(client.get(url)) == {"Велосипед", "Палатка"}
    assert names(client.get(url, {"city": "Шымкент"})) == {"Палатка"}
    assert names(client.get(url, {"q": "велосипед"})) == {"Велосипед"}
    assert names(client.get(url, {"exchange_type": "TEMPORARY"})) == {"Палатка"}
    assert client.get(reverse("exchange:browse", args=["nothing"])).status_code == 404


def test_locations_page_saves_one_to_three(web, owner):
    r = web.post(reverse("exchange:locations"), {"locations": ["Астана", "Шымкент"]})
    assert r.status_code == 302
    assert owner.locations == ["Астана", "Шымкент"]
    r = web.post(reverse("exchange:locations"), {"locations": []})
    assert r.status_code == 200 and "Обязательное поле" in r.content.decode()
    r = web.post(reverse("exchange:locations"), {"locations": ["Москва"]})
    assert r.status_code == 200
    assert owner.locations == ["Астана", "Шымкент"]
