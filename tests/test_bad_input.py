"""Bad input gets 400 / 404 / 413 in the contract's error body, never a 500, and the same on
SQLite and PostgreSQL (finding 7)."""

from __future__ import annotations

import time

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

from apps.common.testing import assert_error
from apps.exchange.models import ListingItem

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/listings/wants",
    "/api/listings/offers",
    "/api/chains/all",
    "/api/matches/all",
    "/api/notifications/",
    "/user/listings",
    "/user/exchanges",
]

ITEM = {
    "item_type": "OFFER",
    "exchange_type": "PERMANENT",
    "item_name": "Дрель",
    "value_tenge": 1000,
}


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("skip", ["99999999999999999999999", "-1", "100001"])
def test_out_of_range_skip_is_400_on_every_list(staff_api, path, skip):
    assert_error(staff_api.get(path, {"skip": skip}), 400, "validation_error")


@pytest.mark.parametrize("limit", ["0", "101", "99999999999999999999999", "-5"])
def test_out_of_range_limit_is_400(api, limit):
    assert_error(api.get("/api/listings/offers", {"limit": limit}), 400, "validation_error")


def test_deepest_allowed_skip_is_an_empty_page(api):
    response = api.get("/api/listings/offers", {"skip": 100_000})
    assert response.status_code == 200 and response.json() == []


def test_unknown_sort_is_400(api):
    assert_error(api.get("/api/listings/offers", {"sort": "password"}), 400, "validation_error")


def test_nul_in_json_body_is_400_and_stores_nothing(api):
    body = assert_error(api.post("/api/listings/create", {**ITEM, "item_name": "Др\x00ель"}), 400)
    assert body["code"] == "nul_character"
    assert not ListingItem.objects.exists()


def test_nul_in_nested_json_is_400(api):
    payload = {"offers": [{**ITEM, "description": "x\x00"}], "wants": []}
    assert_error(api.post("/api/listings/create-by-categories", payload), 400)


def test_nul_in_query_is_400(anon_api):
    assert_error(anon_api.get("/api/listings/offers", {"q": "дрель\x00"}), 400)
    assert_error(anon_api.get("/v1/categories/suggest", {"name": "a\x00b"}), 400)


def test_nul_in_path_is_404(anon_api):
    assert_error(anon_api.get("/api/users/username/own%00er"), 404, "not_found")


def test_nul_in_login_is_400_not_500(anon_api):
    assert_error(anon_api.post("/auth/login", {"username": "a\x00", "password": "x"}), 400)


def test_escaped_backslash_u0000_text_is_fine(api):
    """The six characters `\\u0000` typed as text are not a NUL."""
    response = api.post("/api/listings/create", {**ITEM, "item_name": "код \\u0000"})
    assert response.status_code == 201, response.content
    assert ListingItem.objects.get().item_name == "код \\u0000"


def test_seven_megabyte_body_is_413(api):
    big = {**ITEM, "description": "я" * (7 * 1024 * 1024 // 2)}
    body = assert_error(api.post("/api/listings/create", big), 413, "payload_too_large")
    assert body["code"] == "payload_too_large"
    assert not ListingItem.objects.exists()


def _token(sub) -> str:
    now = int(time.time())
    claims = {"sub": sub, "sid": "x" * 32, "type": "access", "iat": now, "exp": now + 60}
    return jwt.encode(claims, settings.JWT_SECRET, algorithm="HS256")


@pytest.mark.parametrize("sub", ["abc", "1.5", "99999999999999999999999", "", "-1"])
def test_token_with_non_numeric_sub_is_401(anon_api, sub):
    response = anon_api.get("/auth/me", headers={"Authorization": f"Bearer {_token(sub)}"})
    assert_error(response, 401)


def test_web_form_with_nul_is_a_russian_400_page(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("exchange:item_create"),
        {
            "item_type": "OFFER",
            "exchange_type": "PERMANENT",
            "item_name": "Дрель\x00",
            "value_tenge": "5000",
            "category": "",
            "description": "",
        },
    )
    assert response.status_code == 400
    assert "недопустимый символ (NUL)" in response.content.decode()
    assert not ListingItem.objects.exists()


def test_web_login_with_nul_is_400_not_500(client, owner):
    response = client.post("/accounts/login/", {"username": "ow\x00ner", "password": "x"})
    assert response.status_code == 400
    assert "недопустимый символ (NUL)" in response.content.decode()


def test_web_search_with_nul_is_400_page(client):
    response = client.get("/", {"q": "меч\x00"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "Некорректный запрос" in response.content.decode()


def test_update_item_with_null_name_is_400_not_500(api, owner):
    item_id = api.post("/api/listings/create", ITEM).json()["id"]
    for field in ("item_name", "description", "value_tenge"):
        assert_error(api.put(f"/api/listings/{item_id}", {field: None}), 400, "validation_error")
    assert ListingItem.objects.get(pk=item_id).item_name == "Дрель"


def test_guard_lets_large_file_uploads_through_to_the_view(rf):
    """Files stream to disk past the in-memory limit: the guard reads only the form fields."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import HttpResponse

    from apps.common.input_guard import InputGuardMiddleware

    seen = []
    guard = InputGuardMiddleware(
        lambda request: seen.append(request.FILES["f"].size) or HttpResponse()
    )
    upload = SimpleUploadedFile("a.bin", b"\x00" * (7 * 1024 * 1024))
    for path in ("/accounts/profile-edit/", "/api/listings/create"):
        assert guard(rf.post(path, {"f": upload, "title": "ok"})).status_code == 200
        upload.seek(0)
    assert seen == [7 * 1024 * 1024] * 2
