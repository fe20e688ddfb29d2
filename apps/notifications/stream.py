"""`GET /api/events/stream`: Server-Sent Events for the signed-in user.

Authenticated by the session cookie (the site's pages), a single-use ticket from
`POST /api/events/ticket`, or a Bearer access token (non-browser clients).

A stream may stay open for hours, so it must not hold scarce resources while it waits:
- the database is touched twice, briefly (who is asking; the unread count), each time in one
  sync call that closes its connection afterwards (`_db_call`); Django would otherwise keep the
  request's connection until the response ends, one PostgreSQL connection per open tab;
- each user may hold at most `STREAM_MAX_PER_USER` streams at once (`_StreamSlots`); one more
  gets 429 in the contract's error format.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from apps.common.middleware import error_response
from apps.notifications import events, selectors

logger = logging.getLogger(__name__)

WSGI_STREAM_SECONDS = 25.0
HEARTBEAT_DEFAULT = 15.0
HEARTBEAT_MIN, HEARTBEAT_MAX = 0.2, 30.0
SLOT_TTL = 6 * 3600  # a slot of a process that died without closing frees itself by then


def _close_connections() -> None:
    """Close this thread's database connections, unless a transaction is open on them (a test
    wrapping everything in one transaction; never the case in autocommit serving)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _db_call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    finally:
        _close_connections()


async def _adb(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await sync_to_async(_db_call)(func, *args, **kwargs)


def _user_from_bearer(token: str) -> int | None:
    from apps.accounts.security import user_from_bearer
    from apps.common.errors import AuthenticationFailed

    try:
        return user_from_bearer(token).pk
    except AuthenticationFailed:
        return None


def _user_from_session(request: HttpRequest) -> int | None:
    user = request.user  # the lazy user of AuthenticationMiddleware: reads the session here
    return user.pk if user.is_authenticated else None


async def _user_id_for(request: HttpRequest) -> int | None:
    ticket = request.GET.get("ticket")
    if ticket:
        key = f"sse-ticket:{ticket}"
        user_id = await cache.aget(key)
        if user_id and await cache.adelete(key):  # the first to delete it wins: single use
            return int(user_id)
        return None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return await _adb(_user_from_bearer, header.split(" ", 1)[1].strip())
    return await _adb(_user_from_session, request)


def _unread_for(user_id: int) -> int:
    from apps.accounts.models import User

    return selectors.unread_count(user=User(pk=user_id))


def _parse_heartbeat(raw: str | None) -> float | None:
    """Seconds between keep-alives, clamped to [0.2, 30]; None when not a finite number."""
    if raw is None or raw == "":
        return HEARTBEAT_DEFAULT
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return min(max(value, HEARTBEAT_MIN), HEARTBEAT_MAX)


class _StreamSlots:
    """Open streams per user, counted in the cache (Redis: across every web process).

    `cache.add` + `incr` are atomic. If the cache is down the stream is still served (the cap
    fails open: a live stream matters more than the cap during an outage)."""

    @staticmethod
    def _key(user_id: int) -> str:
        return f"sse-open:{user_id}"

    def take(self, user_id: int) -> bool:
        key = self._key(user_id)
        try:
            cache.add(key, 0, SLOT_TTL)
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, SLOT_TTL)
            count = 1
        except Exception:  # noqa: BLE001 - cache down: serve without the cap
            logger.warning("stream slot count unavailable", exc_info=True)
            return True
        if count > settings.STREAM_MAX_PER_USER:
            self.give_back(user_id)
            return False
        return True

    def give_back(self, user_id: int) -> None:
        try:
            cache.decr(self._key(user_id))
        except Exception:  # noqa: BLE001 - expired or cache down: nothing to give back
            logger.debug("stream slot release failed", exc_info=True)


slots = _StreamSlots()


class _Slot:
    """One taken slot, given back exactly once: when the stream's generator ends, or when the
    server closes the response (also if the generator never started)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            slots.give_back(self.user_id)


class _Closing:
    """Streaming content with a `close()` Django calls when the response is done."""

    def __init__(self, content, slot: _Slot) -> None:
        self._content = content
        self._slot = slot

    def __iter__(self):
        return iter(self._content)

    def __aiter__(self):
        return aiter(self._content)

    def close(self) -> None:
        self._slot.release()


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _sync_stream(user_id: int, unread: int, heartbeat: float, slot: _Slot):
    try:
        yield "retry: 1000\n\n"
        yield _sse("hello", {"user_id": user_id, "unread": unread})
        for message in events.subscribe_sync(
            user_id, heartbeat=heartbeat, max_seconds=WSGI_STREAM_SECONDS
        ):
            yield ": keep-alive\n\n" if message is None else _sse(message["event"], message["data"])
    finally:
        slot.release()


def _unavailable() -> HttpResponse:
    response = error_response(
        503, _("Поток событий временно недоступен, попробуйте позже"), "service_unavailable"
    )
    response["Retry-After"] = "5"
    return response


async def event_stream(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return error_response(405, _("Метод не поддерживается"))
    heartbeat = _parse_heartbeat(request.GET.get("heartbeat"))
    if heartbeat is None:
        return error_response(
            400, _("heartbeat: ожидается число секунд"), "validation_error", code="bad_heartbeat"
        )
    try:
        user_id = await _user_id_for(request)
    except Exception:  # noqa: BLE001 - the ticket store (Redis) is down
        logger.warning("event stream: authentication store unavailable", exc_info=True)
        return _unavailable()
    if user_id is None:
        return error_response(401, _("Требуется авторизация"), "authentication_error")
    if not await sync_to_async(slots.take)(user_id):
        response = error_response(
            429,
            _("Слишком много открытых потоков событий; закройте лишние вкладки"),
            "rate_limited",
            code="too_many_streams",
        )
        response["Retry-After"] = "30"
        return response
    slot = _Slot(user_id)

    if not hasattr(request, "scope"):
        # Served by a WSGI server (runserver, the test live server): a thread per stream, so
        # each connection lasts at most WSGI_STREAM_SECONDS and the browser reconnects.
        unread_now = await _adb(_unread_for, user_id)
        response = StreamingHttpResponse(
            _Closing(_sync_stream(user_id, unread_now, heartbeat, slot), slot),
            content_type="text/event-stream",
        )
    else:
        # Subscribe before reading the unread count, so nothing published in between is lost;
        # and before answering, so a dead broker is a 503 rather than a broken stream.
        subscription = events.subscribe(user_id, heartbeat=heartbeat)
        try:
            await anext(subscription)  # events.READY
            unread = await _adb(_unread_for, user_id)
        except Exception:  # noqa: BLE001 - broker (Redis) or database down
            logger.warning("event stream: could not start", exc_info=True)
            await subscription.aclose()
            await sync_to_async(slot.release)()
            return _unavailable()
        response = StreamingHttpResponse(
            _Closing(_astream(user_id, unread, subscription, slot), slot),
            content_type="text/event-stream",
        )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _astream(user_id: int, unread: int, subscription, slot: _Slot):
    try:
        # Middleware may have used the request's connection after the view returned: close it
        # before the long wait.
        await sync_to_async(_close_connections)()
        yield "retry: 3000\n\n"
        yield _sse("hello", {"user_id": user_id, "unread": unread})
        async for message in subscription:
            if message is None:
                yield ": keep-alive\n\n"
            else:
                yield _sse(message["event"], message["data"])
    finally:
        try:
            await subscription.aclose()
        finally:
            await sync_to_async(slot.release)()
