"""Platform-level promises: admin behind staff login, OpenAPI covers the contract, errors."""

import pytest

from apps.accounts.tests.test_security import enable_2fa
from apps.common.testing import assert_error
from conftest import PASSWORD

CONTRACT_ENDPOINTS = [
    ("get", "/health"),
    ("get", "/"),
    ("post", "/api/users/"),
    ("get", "/api/users/{user_id}"),
    ("get", "/api/users/username/{username}"),
    ("put", "/api/users/{user_id}/locations"),
    ("post", "/auth/register"),
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("post", "/auth/logout"),
    ("post", "/auth/change-password"),
    ("post", "/auth/revoke-sessions"),
    ("get", "/auth/me"),
    ("get", "/user/cabinet"),
    ("get", "/user/listings"),
    ("get", "/user/exchanges"),
    ("put", "/user/profile"),
    ("delete", "/user/account"),
    ("get", "/v1/categories"),
    ("get", "/v1/categories/{exchange_type}"),
    ("get", "/v1/categories/groups/{exchange_type}"),
    ("post", "/api/listings/create-by-categories"),
    ("post", "/api/listings/create"),
    ("get", "/api/listings/wants"),
    ("get", "/api/listings/offers"),
    ("get", "/api/listings/user/{user_id}"),
    ("post", "/api/matching/run-pipeline"),
    ("get", "/api/matching/status"),
    ("post", "/api/matching/test-flow"),
    ("post", "/api/chains/discover"),
    ("get", "/api/chains/all"),
    ("get", "/api/chains/user/{user_id}"),
    ("post", "/api/chains/{chain_id}/accept"),
    ("post", "/api/chains/{chain_id}/decline"),
    ("get", "/api/notifications/"),
    ("post", "/api/notifications/{notification_id}/read"),
]


def test_openapi_lists_every_contract_endpoint(anon_api):
    r = anon_api.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    missing = [(m, p) for m, p in CONTRACT_ENDPOINTS if m not in paths.get(p, {})]
    assert missing == []


def test_interactive_docs_are_served(client):
    r = client.get("/docs")
    assert r.status_code == 200 and b"openapi.json" in r.content


def test_admin_requires_staff_login(client, owner, staff):
    assert client.get("/admin/").status_code == 302
    client.login(username="owner", password=PASSWORD)
    r = client.get("/admin/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    # staff log in through the site's login with their 2FA code (apps/accounts/admin_site.py)
    totp = enable_2fa(staff)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.logout()
    client.post("/accounts/login/", {"username": "staffer", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert client.post("/accounts/login/2fa/", {"code": totp.now()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/exchange/listingitem/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/listings/nope", "/auth/nope", "/user/nope", "/v1/nope", "/api/users/abc"]
)
def test_unknown_paths_under_api_prefixes_use_the_error_format(anon_api, path):
    assert_error(anon_api.get(path), 404)


def test_post_to_get_endpoint_returns_405_in_error_format(anon_api):
    r = anon_api.post("/v1/categories")
    assert_error(r, 405, "method_not_allowed")


def test_unexpected_exception_returns_500_without_trace(anon_api, monkeypatch):
    from apps.catalog import selectors

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "category_version_get", boom)
    body = assert_error(anon_api.get("/v1/categories"), 500, "server_error")
    assert "secret" not in body["detail"]


def test_browser_gets_html_home_at_root(client, db):
    r = client.get("/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")


def test_web_404_is_html(client, db):
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
