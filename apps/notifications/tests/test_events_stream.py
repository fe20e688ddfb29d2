"""The live event stream: a new notification reaches an open stream within a second.

Runs on the in-process broker (no REDIS_URL) and on Redis pub/sub (REDIS_URL set).
"""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from apps.common.testing import ApiClient
from apps.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


async def _next_event(chunks, name: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        chunk = await asyncio.wait_for(anext(chunks), max(remaining, 0.01))
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if f"event: {name}" in text:
            return text


async def _open(path: str, **headers):
    response = await AsyncClient().get(path, headers=headers)
    return response


def _receive_one(path: str, user_id: int, **headers) -> tuple[int, float, str]:
    async def scenario():
        response = await _open(path, **headers)
        if response.status_code != 200:
            return response.status_code, 0.0, ""
        chunks = aiter(response.streaming_content)
        try:
            await _next_event(chunks, "hello", 2)
            started = time.monotonic()
            await sync_to_async(notify)(
                user_id=user_id, type="bilateral_match", payload={"message": "Найдено!"}
            )
            text = await _next_event(chunks, "notification", 1.0)
            return 200, time.monotonic() - started, text
        finally:
            await chunks.aclose()

    return asyncio.run(scenario())


def _ticket(user) -> str:
    return ApiClient(user).post("/api/events/ticket", {}).json()["ticket"]


def test_notification_arrives_on_open_stream_within_a_second(owner):
    status, elapsed, text = _receive_one(
        f"/api/events/stream?ticket={_ticket(owner)}&heartbeat=0.2", owner.pk
    )
    assert status == 200
    assert elapsed < 1.0
    assert "Найдено!" in text and '"type": "bilateral_match"' in text


def test_stream_with_bearer_token(owner):
    token = ApiClient(owner).token
    status, elapsed, _ = _receive_one(
        "/api/events/stream?heartbeat=0.2", owner.pk, Authorization=f"Bearer {token}"
    )
    assert status == 200 and elapsed < 1.0


def test_other_users_events_do_not_leak(owner, other):
    ticket = _ticket(owner)

    async def scenario():
        response = await _open(f"/api/events/stream?ticket={ticket}&heartbeat=0.2")
        chunks = aiter(response.streaming_content)
        try:
            await _next_event(chunks, "hello", 2)
            await sync_to_async(notify)(user_id=other.pk, type="x", payload={})
            with pytest.raises(TimeoutError):
                await _next_event(chunks, "notification", 0.6)
        finally:
            await chunks.aclose()

    asyncio.run(scenario())


def test_ticket_is_single_use(owner):
    ticket = _ticket(owner)
    first = _receive_one(f"/api/events/stream?ticket={ticket}&heartbeat=0.2", owner.pk)
    assert first[0] == 200
    again = asyncio.run(_open(f"/api/events/stream?ticket={ticket}"))
    assert again.status_code == 401


def test_stream_without_credentials_is_401(db):
    response = asyncio.run(_open("/api/events/stream"))
    assert response.status_code == 401
    assert response.json()["error_type"] == "authentication_error"
