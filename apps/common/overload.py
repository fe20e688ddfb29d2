"""Graceful overload: 503 + Retry-After instead of 500s or unbounded queues.

Two layers (docs/performance.md):

- `OverloadGuard` (ASGI, wraps the whole app in config/asgi.py): at most `max_active` requests
  of one worker process run Django at a time; the rest wait in line (up to `max_wait` seconds,
  at most `max_queue` of them) and are answered 503 when the line is too long or too slow.
  Without it, every in-flight request gets its own thread and database connection.
- `OverloadMiddleware` (Django, the innermost middleware): a request that still cannot get a
  database connection (the pool's wait ran out: psycopg_pool's PoolTimeout, or PostgreSQL's
  "too many clients") is answered 503 instead of 500.

API paths get the API's error body; pages get a short Russian page.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from apps.common.middleware import API_PREFIXES

logger = logging.getLogger(__name__)

OVERLOAD_MARKERS = ("too many clients", "remaining connection slots", "couldn't get a connection")

try:  # psycopg_pool is there with psycopg[pool]; without it only the message check applies
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover
    PoolTimeout = None  # type: ignore[assignment,misc]


def is_overload_error(exc: BaseException) -> bool:
    """The database cannot give this request a connection right now (not a bug)."""
    if PoolTimeout is not None and isinstance(exc, PoolTimeout):
        return True
    if exc.__cause__ is not None and exc.__cause__ is not exc and is_overload_error(exc.__cause__):
        return True  # Django wraps the driver's errors (PoolTimeout) in its OperationalError
    if isinstance(exc, OperationalError) or type(exc).__name__ == "OperationalError":
        text = str(exc).lower()
        return any(marker in text for marker in OVERLOAD_MARKERS)
    return False


def _detail() -> str:
    return _("Сервер перегружен, повторите запрос через несколько секунд")


def _api_body() -> bytes:
    body = {
        "detail": _detail(),
        "status_code": 503,
        "error_type": "service_unavailable",
        "code": "overloaded",
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _html_body() -> bytes:
    title = _("Сервер перегружен")
    text = _detail()
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


def wants_json(path: str, accept: str) -> bool:
    """API paths answer JSON; "/" is the API root for clients and the home page for browsers."""
    if path == "/":
        return "text/html" not in accept
    return path.startswith(API_PREFIXES)


def overload_response(request: HttpRequest) -> HttpResponse:
    retry = settings.OVERLOAD_RETRY_AFTER
    if wants_json(request.path, request.headers.get("Accept", "")):
        response = HttpResponse(_api_body(), status=503, content_type="application/json")
    else:
        response = HttpResponse(_html_body(), status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


class OverloadMiddleware:
    """Innermost middleware: turns "no database connection available" into 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_overload_error(exception):
            return None
        logger.warning("Overloaded (no database connection) on %s: %s", request.path, exception)
        return overload_response(request)


class OverloadGuard:
    """ASGI wrapper: bounded concurrency per worker, a bounded line, 503 + Retry-After beyond."""

    def __init__(
        self,
        app,
        *,
        max_active: int,
        max_wait: float,
        max_queue: int,
        retry_after: int,
    ) -> None:
        self.app = app
        self.max_active = max_active
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.retry_after = retry_after
        self._semaphore: asyncio.Semaphore | None = None
        self.waiting = 0

    @classmethod
    def from_settings(cls, app) -> OverloadGuard | object:
        if settings.OVERLOAD_MAX_ACTIVE <= 0:
            return app
        return cls(
            app,
            max_active=settings.OVERLOAD_MAX_ACTIVE,
            max_wait=settings.OVERLOAD_MAX_WAIT,
            max_queue=settings.OVERLOAD_MAX_QUEUE,
            retry_after=settings.OVERLOAD_RETRY_AFTER,
        )

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.max_active)
        sem = self._semaphore
        if not sem.locked():
            await sem.acquire()  # a free slot: returns at once
        elif self.waiting >= self.max_queue:
            await self._reject(scope, send)
            return
        else:
            self.waiting += 1
            try:
                await asyncio.wait_for(sem.acquire(), timeout=self.max_wait)
            except TimeoutError:
                await self._reject(scope, send)
                return
            finally:
                self.waiting -= 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                sem.release()

        async def send_and_release(message) -> None:
            # The view is done once the response starts (streams then hold no slot).
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            release()

    async def _reject(self, scope, send) -> None:
        accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
        is_api = wants_json(scope.get("path", ""), accept)
        body = _api_body() if is_api else _html_body()
        content_type = b"application/json" if is_api else b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(self.retry_after).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
