"""Live-event streams hold no database connection while they wait (finding 6), a user may hold
only a few at once, and a malformed heartbeat is a 400 (finding 7)."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
from django.db import connection, connections
from django.test import AsyncClient

from apps.common.testing import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


class _Reader:
    """Reads a stream in a task, as a browser tab would; `close()` cancels it, as the server
    does when the tab goes away."""

    def __init__(self, response) -> None:
        self.response = response
        self._hello = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for chunk in self.response.streaming_content:
            if b"event: hello" in chunk:
                self._hello.set()

    async def started(self) -> None:
        await asyncio.wait_for(self._hello.wait(), 5)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _backend_count() -> int:
    """Other sessions on this test database (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_open_streams_hold_no_database_connection(owner, settings, monkeypatch):
    """Every connection a stream used is closed again before the stream waits. (SQLite's
    in-memory test database ignores close(), so the calls are recorded; on PostgreSQL the
    server's own count of sessions is checked too.)"""
    settings.STREAM_MAX_PER_USER = 10
    token = ApiClient(owner).token
    clients = [AsyncClient() for _ in range(6)]
    for client in clients[::2]:
        client.force_login(owner)
    test_connection = connections["default"]
    wrapper_class = type(test_connection)
    last_call: dict[int, str] = {}
    real_cursor, real_close = wrapper_class.cursor, wrapper_class.close

    def cursor(self, *args, **kwargs):
        last_call[id(self)] = "cursor"
        return real_cursor(self, *args, **kwargs)

    def close(self, *args, **kwargs):
        last_call[id(self)] = "close"
        return real_close(self, *args, **kwargs)

    postgres = connection.vendor == "postgresql"
    before = _backend_count() if postgres else 0
    monkeypatch.setattr(wrapper_class, "cursor", cursor)
    monkeypatch.setattr(wrapper_class, "close", close)

    async def scenario() -> tuple[dict[int, str], int]:
        responses = []
        try:
            for i, client in enumerate(clients):
                # half by session, half by bearer token: both authenticate from the database
                headers = {"Authorization": f"Bearer {token}"} if i % 2 else {}
                response = await client.get("/api/events/stream?heartbeat=0.2", headers=headers)
                assert response.status_code == 200
                reader = _Reader(response)
                responses.append(reader)
                await reader.started()
            await asyncio.sleep(0.5)  # a few keep-alives later: all six still open and waiting
            state = {k: v for k, v in last_call.items() if k != id(test_connection)}
            backends = await asyncio.to_thread(_backend_count) if postgres else 0
            return state, backends
        finally:
            for reader in responses:
                await reader.close()

    state, backends = asyncio.run(scenario())
    assert state, "the streams did use the database (authentication, unread count)"
    assert set(state.values()) == {"close"}
    if postgres:
        # the helper thread's own count query at most, nothing per stream
        assert backends <= before + 1


def test_more_streams_than_the_cap_get_429(owner, settings):
    settings.STREAM_MAX_PER_USER = 3
    token = ApiClient(owner).token
    headers = {"Authorization": f"Bearer {token}"}

    async def open_one() -> _Reader:
        response = await AsyncClient().get("/api/events/stream?heartbeat=0.2", headers=headers)
        assert response.status_code == 200
        reader = _Reader(response)
        await reader.started()
        return reader

    async def scenario():
        open_ = []
        try:
            for _ in range(3):
                open_.append(await open_one())
            refused = await AsyncClient().get("/api/events/stream", headers=headers)
            await open_.pop().close()  # a closed tab frees its slot
            open_.append(await open_one())
            return refused
        finally:
            for reader in open_:
                await reader.close()

    refused = asyncio.run(scenario())
    assert refused.status_code == 429
    body = json.loads(refused.content)
    assert body["error_type"] == "rate_limited" and body["code"] == "too_many_streams"
    assert int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-inf", "1e400"])
def test_malformed_heartbeat_is_400(owner, value):
    token = ApiClient(owner).token
    response = asyncio.run(
        AsyncClient().get(
            f"/api/events/stream?heartbeat={value}", headers={"Authorization": f"Bearer {token}"}
        )
    )
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error_type"] == "validation_error" and body["code"] == "bad_heartbeat"
