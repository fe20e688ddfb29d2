"""Test helpers shared by every app's tests."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.test import Client


def cache_clear_own_keys() -> None:
    """Delete this test process's cache keys only (Redis is shared with other users)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def force_login_2fa(client: Client, user) -> Client:
    """Log `user` in on the test client with the session marked as having passed 2FA, as the
    real two-step login does (apps/accounts/views_security.login_2fa): staff need the mark for
    the admin and the moderation pages. Tests of the requirement itself log in for real."""
    from apps.accounts.twofactor import SESSION_FLAG

    client.force_login(user)
    session = client.session
    session[SESSION_FLAG] = True
    session.save()
    return client


class ApiClient:
    """A JSON client over the full Django stack (middleware, URL routing, error handling)."""

    def __init__(self, user=None, **defaults: Any) -> None:
        self.client = Client(**defaults)
        self.user = user
        self.token: str | None = None
        if user is not None:
            from apps.accounts.tokens import session_start

            self.token = session_start(user=user).access_token

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Accept": "application/json"}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        merged.update(headers or {})
        return merged

    def request(
        self, method: str, path: str, data: Any = None, headers: dict | None = None, **extra: Any
    ):
        kwargs: dict[str, Any] = {"headers": self._headers(headers), **extra}
        if method == "get":
            return self.client.get(path, data or {}, **kwargs)
        if data is not None:
            kwargs["data"] = json.dumps(data) if not isinstance(data, (str, bytes)) else data
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str, data: Any = None, **kw: Any):
        return self.request("get", path, data, **kw)

    def post(self, path: str, data: Any = None, **kw: Any):
        return self.request("post", path, data, **kw)

    def put(self, path: str, data: Any = None, **kw: Any):
        return self.request("put", path, data, **kw)

    def delete(self, path: str, data: Any = None, **kw: Any):
        return self.request("delete", path, data, **kw)


def assert_error(response, status: int, error_type: str | None = None) -> dict:
    """The contract's error body (plus its stable `code`), with that status (and type, when
    given)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"detail", "status_code", "error_type", "code"}, body
    assert isinstance(body["code"], str) and body["code"], body
    assert body["status_code"] == status
    if error_type:
        assert body["error_type"] == error_type, body
    return body
