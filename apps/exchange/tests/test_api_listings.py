import pytest

from apps.common.testing import assert_error
from apps.exchange.models import ItemStatus, ListingItem

CONTRACT_EXAMPLE = {
    "wants": {
        "PERMANENT": [
            {
                "item_name": "Учебник по Python",
                "value_tenge": 15000,
                "description": "Ищу для изучения",
            }
        ],
        "TEMPORARY": [
            {
                "item_name": "Электросамокат",
                "value_tenge": 5000,
                "duration_days": 3,
                "description": "На выходные",
            }
        ],
    },
    "offers": {
        "PERMANENT": [
            {"item_name": "Книга по JS", "value_tenge": 12000, "description": "Могу отдать"}
        ]
    },
}


def create(api, **item):
    body = {
        "item_type": "OFFER",
        "exchange_type": "PERMANENT",
        "item_name": "Дрель",
        "value_tenge": 20000,
        **item,
    }
    return api.post("/api/listings/create", body)


def test_contract_example_creates_every_item_with_inferred_categories(api, owner):
    r = api.post("/api/listings/create-by-categories", CONTRACT_EXAMPLE)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["user_id"] == owner.pk and body["id"] and body["created_at"]
    rows = body["listings"]
    assert [(x["item_type"], x["exchange_type"], x["item_name"]) for x in rows] == [
        ("WANT", "PERMANENT", "Учебник по Python"),
        ("WANT", "TEMPORARY", "Электросамокат"),
        ("OFFER", "PERMANENT", "Книга по JS"),
    ]
    assert rows[0]["duration_days"] is None and rows[1]["duration_days"] == 3
    assert all(x["category"] and x["category_inferred"] for x in rows)
    assert ListingItem.objects.filter(user=owner).count() == 3


def test_explicit_category_is_validated_against_exchange_type(api):
    ok = create(api, category="hand_power_tools")
    assert ok.status_code == 201 and ok.json()["category"] == "hand_power_tools"
    assert ok.json()["category_inferred"] is False
    # `hand_tools` exists only for TEMPORARY exchanges.
    body = assert_error(create(api, category="hand_tools"), 400, "validation_error")
    assert "hand_tools" in body["detail"]
    assert ListingItem.objects.count() == 1


def test_temporary_needs_duration_and_permanent_refuses_it(api):
    assert_error(create(api, exchange_type="TEMPORARY"), 400)
    assert_error(create(api, duration_days=3), 400)
    assert_error(create(api, exchange_type="TEMPORARY", duration_days=0), 400)
    assert_error(create(api, exchange_type="TEMPORARY", duration_days=366), 400)
    assert create(api, exchange_type="TEMPORARY", duration_days=365).status_code == 201
    assert ListingItem.objects.count() == 1


@pytest.mark.parametrize("value", [-1, 1.5, "много", None])
def test_value_must_be_non_negative_integer(api, value):
    assert_error(create(api, value_tenge=value), 400, "validation_error")
    assert not ListingItem.objects.exists()


def test_name_is_trimmed_and_bounded(api):
    r = create(api, item_name="   Дрель   Bosch  ")
    assert r.json()["item_name"] == "Дрель Bosch"
    assert_error(create(api, item_name="   "), 400)
    assert_error(create(api, item_name="x" * 201), 400)


def test_unknown_exchange_type_key_is_refused(api):
    r = api.post(
        "/api/listings/create-by-categories",
        {"wants": {"FOREVER": [{"item_name": "X", "value_tenge": 1}]}},
    )
    assert_error(r, 400)


def test_empty_submission_is_refused(api):
    assert_error(api.post("/api/listings/create-by-categories", {"wants": {}, "offers": {}}), 400)


def test_create_requires_auth(anon_api):
    assert_error(anon_api.post("/api/listings/create-by-categories", CONTRACT_EXAMPLE), 401)
    assert not ListingItem.objects.exists()


def test_public_lists_filter_by_type_category_city_and_text(api, other_api, anon_api, other):
    api.post("/api/listings/create-by-categories", CONTRACT_EXAMPLE)
    other.location_set.update(city="Астана")
    other_api.post(
        "/api/listings/create",
        {
            "item_type": "WANT",
            "exchange_type": "PERMANENT",
            "item_name": "Велосипед",
            "value_tenge": 50000,
        },
    )
    wants = anon_api.get("/api/listings/wants").json()
    assert {w["title"] for w in wants} == {"Учебник по Python", "Электросамокат", "Велосипед"}
    assert {o["title"] for o in anon_api.get("/api/listings/offers").json()} == {"Книга по JS"}
    astana = anon_api.get("/api/listings/wants", {"city": "Астана"}).json()
    assert [w["title"] for w in astana] == ["Велосипед"]
    temporary = anon_api.get("/api/listings/wants", {"exchange_type": "TEMPORARY"}).json()
    assert [w["title"] for w in temporary] == ["Электросамокат"]
    found = anon_api.get("/api/listings/wants", {"q": "PYTHON"}).json()
    assert [w["title"] for w in found] == ["Учебник по Python"]
    assert [w["title"] for w in anon_api.get("/api/listings/wants", {"q": "учебник"}).json()] == [
        "Учебник по Python"
    ]
    category = wants[0]["category"]
    assert all(
        w["category"] == category
        for w in anon_api.get("/api/listings/wants", {"category": category}).json()
    )


def test_pagination_skip_limit_sort_order(api, anon_api):
    for i in range(5):
        create(api, item_name=f"Вещь {i}", value_tenge=1000 * (i + 1))
    r = anon_api.get(
        "/api/listings/offers", {"skip": 1, "limit": 2, "sort": "value", "order": "asc"}
    )
    assert [x["value_tenge"] for x in r.json()] == [2000, 3000]
    assert r["X-Total-Count"] == "5"
    newest = anon_api.get("/api/listings/offers", {"limit": 1}).json()
    assert newest[0]["item_name"] == "Вещь 4"


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"skip": -1}, {"order": "sideways"}, {"sort": "password"}],
)
def test_bad_pagination_returns_400(anon_api, params):
    assert_error(anon_api.get("/api/listings/wants", params), 400, "validation_error")


def test_user_listings_and_unknown_user(api, anon_api, owner):
    create(api)
    assert len(anon_api.get(f"/api/listings/user/{owner.pk}").json()) == 1
    assert_error(anon_api.get("/api/listings/user/999999"), 404)


def test_owner_edits_item_and_category_is_reinferred(api):
    item = create(api, item_name="Дрель").json()
    r = api.put(f"/api/listings/{item['id']}", {"item_name": "Палатка", "value_tenge": 7000})
    assert r.status_code == 200
    assert r.json()["item_name"] == "Палатка" and r.json()["value_tenge"] == 7000
    assert ListingItem.objects.get(pk=item["id"]).version == 2


def test_outsider_cannot_edit_or_archive(api, outsider_api):
    item = create(api).json()
    assert_error(outsider_api.put(f"/api/listings/{item['id']}", {"item_name": "Моё"}), 403)
    assert_error(outsider_api.delete(f"/api/listings/{item['id']}"), 403)
    row = ListingItem.objects.get(pk=item["id"])
    assert row.item_name == "Дрель" and row.status == ItemStatus.ACTIVE and row.version == 1


def test_owner_archives_item_and_it_leaves_public_lists(api, anon_api):
    item = create(api).json()
    r = api.delete(f"/api/listings/{item['id']}")
    assert r.status_code == 200 and r.json()["status"] == "archived"
    assert anon_api.get("/api/listings/offers").json() == []
    assert_error(api.put(f"/api/listings/{item['id']}", {"item_name": "X"}), 400)
