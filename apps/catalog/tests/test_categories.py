import pytest
from django.core.management import call_command

from apps.catalog.inference import suggest_category
from apps.catalog.models import Category, Game
from apps.common.testing import assert_error


def test_categories_returns_v6_with_all_categories(anon_api):
    r = anon_api.get("/v1/categories")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "v6.0"
    assert len(body["categories"]["permanent"]) == 35
    assert len(body["categories"]["temporary"]) == 25
    first = body["categories"]["permanent"][0]
    assert first == {
        "slug": "personal_transport",
        "name": "Личные и спецтранспортные средства",
        "group": "🚗 Транспорт и техника",
        "emoji": "🚗",
        "sort_order": 0,
        "form_schema": None,
    }
    assert body["categories"]["temporary"][0]["slug"] == "bicycles"


def test_categories_unknown_version_returns_404(anon_api):
    assert_error(anon_api.get("/v1/categories", {"version": "v5.0"}), 404, "not_found")


def test_categories_by_type(anon_api):
    r = anon_api.get("/v1/categories/temporary")
    assert r.status_code == 200 and len(r.json()) == 25
    assert [c["sort_order"] for c in r.json()] == sorted(c["sort_order"] for c in r.json())


def test_categories_by_bad_type_returns_400(anon_api):
    assert_error(anon_api.get("/v1/categories/forever"), 400, "validation_error")


def test_category_groups_are_unique_in_order(anon_api):
    r = anon_api.get("/v1/categories/groups/permanent")
    groups = r.json()["groups"]
    assert groups[:2] == ["🚗 Транспорт и техника", "🔧 Инструменты и оборудование"]
    assert len(groups) == len(set(groups)) == 16


def test_load_catalog_is_idempotent(db):
    before = (Category.objects.count(), Game.objects.count())
    call_command("load_catalog")
    call_command("load_catalog")
    # the 11 featured games plus the whole games.json catalogue (issue 20)
    assert (Category.objects.count(), Game.objects.count()) == before == (60, 811)


@pytest.mark.parametrize(
    ("exchange_type", "name", "expected"),
    [
        ("TEMPORARY", "Электросамокат", {"electric_transport", "bicycles"}),
        ("PERMANENT", "Учебник по Python", {"physical_media", "courses_materials"}),
        ("PERMANENT", "Книга по JS", {"physical_media", "courses_materials"}),
        ("TEMPORARY", "Дрель на пару дней", {"hand_tools"}),
        ("PERMANENT", "Детский велосипеда", {"personal_transport", "electric_vehicles"}),
        ("PERMANENT", "Старый диван", {"furniture_appliances"}),
        ("TEMPORARY", "Палатка для похода", {"sports_equipment"}),
    ],
)
def test_suggest_category_understands_russian(db, exchange_type, name, expected):
    suggestion = suggest_category(exchange_type=exchange_type, name=name)
    assert suggestion is not None and suggestion.slug in expected, suggestion


def test_suggest_category_none_for_meaningless_text(db):
    assert suggest_category(exchange_type="PERMANENT", name="qwzx") is None


def test_suggest_endpoint(anon_api):
    r = anon_api.get("/v1/categories/suggest", {"exchange_type": "TEMPORARY", "name": "Велик"})
    assert r.status_code == 200
    assert r.json()["category"] == "bicycles" and r.json()["emoji"] == "🚗"
