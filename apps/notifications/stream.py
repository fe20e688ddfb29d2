"""`GET /api/events/stream`: Server-Sent Events for the signed-in user.

Authenticated by the session cookie (the site's pages), a single-use ticket from
`POST /api/events/ticket`, or a Bearer access token (non-browser clients).
"""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from apps.common.middleware import error_response
from apps.notifications import events, selectors


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
        from apps.accounts.security import user_from_bearer
        from apps.common.errors import AuthenticationFailed

        try:
            user = await sync_to_async(user_from_bearer)(header.split(" ", 1)[1].strip())
        except AuthenticationFailed:
            return None
        return user.pk
    user = await request.auser()
    return user.pk if user.is_authenticated else None


WSGI_STREAM_SECONDS = 25.0


def _unread_for(user_id: int) -> int:
    from apps.accounts.models import User

    return selectors.unread_count(user=User.objects.get(pk=user_id))


def _sync_stream(user_id: int, unread: int, heartbeat: float):
    yield "retry: 1000\n\n"
    yield _sse("hello", {"user_id": user_id, "unread": unread})
    for message in events.subscribe_sync(
        user_id, heartbeat=heartbeat, max_seconds=WSGI_STREAM_SECONDS
    ):
        yield ": keep-alive\n\n" if message is None else _sse(message["event"], message["data"])


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


async def event_stream(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return error_response(405, "Метод не поддерживается")
    user_id = await _user_id_for(request)
    if user_id is None:
        return error_response(401, "Требуется авторизация", "authentication_error")
    heartbeat = float(request.GET.get("heartbeat", 15)) if request.GET.get("heartbeat") else 15.0
    heartbeat = min(max(heartbeat, 0.2), 30.0)

    async def stream():
        from apps.accounts.models import User

        # Subscribe before reading the unread count, so nothing published in between is lost.
        subscription = events.subscribe(user_id, heartbeat=heartbeat)
        try:
            await anext(subscription)  # events.READY
            user = await User.objects.aget(pk=user_id)
            unread = await sync_to_async(selectors.unread_count)(user=user)
            yield "retry: 3000\n\n"
            yield _sse("hello", {"user_id": user_id, "unread": unread})
            async for message in subscription:
                if message is None:
                    yield ": keep-alive\n\n"
                else:
                    yield _sse(message["event"], message["data"])
        finally:
            await subscription.aclose()

    if not hasattr(request, "scope"):
        # Served by a WSGI server (runserver, the test live server): a thread per stream, so
        # each connection lasts at most WSGI_STREAM_SECONDS and the browser reconnects.
        unread_now = await sync_to_async(_unread_for)(user_id)
        response = StreamingHttpResponse(
            _sync_stream(user_id, unread_now, heartbeat), content_type="text/event-stream"
        )
    else:
        response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
