"""Redis down (finding 5): public pages and existing sessions keep working; what truly needs
Redis answers 503 in the contract's error body with Retry-After; nothing answers 500.

The app runs against a Redis address where nothing listens (127.0.0.1:1), with short client
timeouts, on both databases.
"""

from __future__ import annotations

import pytest
from django.test import Client

from apps.common.testing import ApiClient, assert_error
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "fm-dead",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DEAD_REDIS
    return settings


@pytest.fixture
def signed_in(owner):
    """A client whose session began while Redis was up."""
    return ApiClient(owner)


def _is_503(response) -> None:
    body = assert_error(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
    assert body["code"] == "store_unavailable"


def test_existing_session_keeps_working(signed_in, redis_down, owner):
    response = signed_in.get("/auth/me")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == owner.username
    assert signed_in.get("/user/cabinet").status_code == 200


def test_revoked_session_is_still_refused(signed_in, redis_down, owner):
    from apps.accounts.models import AuthSession

    AuthSession.objects.filter(user=owner).update(revoked_at="2020-01-01T00:00:00Z")
    assert_error(signed_in.get("/auth/me"), 401)


def test_public_pages_and_lists_work(redis_down, anon_api):
    assert anon_api.get("/health").status_code == 200
    assert anon_api.get("/api/listings/offers").status_code == 200
    assert Client().get("/").status_code == 200


def test_login_needs_the_token_store_503(redis_down, anon_api, owner):
    _is_503(anon_api.post("/auth/login", {"username": "owner", "password": PASSWORD}))


def test_wrong_password_is_still_401(redis_down, anon_api, owner):
    assert_error(anon_api.post("/auth/login", {"username": "owner", "password": "nope"}), 401)


def test_refresh_needs_the_token_store_503(redis_down, anon_api):
    anon_api.client.cookies["refresh_token"] = "abc.def"
    _is_503(anon_api.post("/auth/refresh"))


def test_stream_ticket_503(signed_in, redis_down):
    _is_503(signed_in.post("/api/events/ticket", {}))


def test_web_login_works(redis_down, owner):
    client = Client()
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/my-listings/").status_code == 200


def test_web_page_outage_is_the_503_page(rf):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from apps.common.outage import OutageMiddleware

    middleware = OutageMiddleware(lambda request: None)
    request = rf.get("/exchange/")
    response = middleware.process_exception(request, RedisConnectionError("down"))
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "Сервис временно недоступен" in response.content.decode()
    assert middleware.process_exception(request, ValueError("bug")) is None
