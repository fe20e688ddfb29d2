"""Overload: pool settings, 503 + Retry-After when no database connection can be had."""

from __future__ import annotations

import asyncio
import json
from unittest import mock

import pytest
from django.db import OperationalError, connection
from psycopg_pool import PoolTimeout

from apps.common.overload import OverloadGuard, is_overload_error
from config.db_pool import pool_options

HTML = {"HTTP_ACCEPT": "text/html"}


def test_pool_is_on_for_postgresql_outside_tests():
    opts = pool_options({}, is_postgres=True, testing=False)
    assert opts["max_size"] == 10
    assert opts["min_size"] == 2
    assert opts["timeout"] == 10


def test_pool_sizes_come_from_the_environment():
    env = {"DB_POOL_MAX_SIZE": "4", "DB_POOL_MIN_SIZE": "9", "DB_POOL_TIMEOUT": "2.5"}
    opts = pool_options(env, is_postgres=True, testing=False)
    assert opts["max_size"] == 4
    assert opts["min_size"] == 4  # never above the maximum
    assert opts["timeout"] == 2.5


def test_no_pool_for_sqlite_when_turned_off_or_in_tests():
    assert pool_options({}, is_postgres=False, testing=False) is None
    assert pool_options({"DB_POOL": "0"}, is_postgres=True, testing=False) is None
    assert pool_options({}, is_postgres=True, testing=True) is None
    assert pool_options({"DB_POOL": "1"}, is_postgres=True, testing=True)["max_size"] == 10


@pytest.mark.django_db
def test_web_page_answers_503_with_retry_after_when_the_pool_is_exhausted(client):
    with mock.patch(
        "apps.market.selectors.listing_list_active", side_effect=PoolTimeout("pool exhausted")
    ):
        response = client.get("/", **HTML)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Сервер перегружен" in response.content.decode()


@pytest.mark.django_db
def test_api_answers_503_in_the_error_format_on_too_many_clients(client):
    error = OperationalError("FATAL:  sorry, too many clients already")
    with mock.patch("apps.exchange.selectors.item_list_public", side_effect=error):
        response = client.get("/api/listings/offers")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["status_code"] == 503
    assert body["error_type"] == "service_unavailable"
    assert body["code"] == "overloaded"
    assert "перегружен" in body["detail"]


def test_other_database_errors_are_not_overload():
    assert not is_overload_error(OperationalError("no such table: x"))
    assert not is_overload_error(ValueError("too many clients"))
    assert is_overload_error(PoolTimeout("couldn't get a connection after 10.00 sec"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg pool is PostgreSQL only")
@pytest.mark.django_db
def test_an_exhausted_real_pool_raises_what_the_middleware_turns_into_503():
    from psycopg_pool import ConnectionPool

    sd = connection.settings_dict
    conninfo = (
        f"host={sd['HOST'] or '127.0.0.1'} port={sd['PORT'] or 5432} "
        f"user={sd['USER']} dbname={sd['NAME']}"
    )
    pool = ConnectionPool(conninfo, min_size=0, max_size=1, timeout=0.2, open=True)
    try:
        held = pool.getconn()  # the pool's only connection
        with pytest.raises(PoolTimeout) as excinfo:
            pool.getconn()
        pool.putconn(held)
    finally:
        pool.close()
    assert is_overload_error(excinfo.value)
    # Django wraps the driver's error in its own OperationalError; still overload.
    with pytest.raises(OperationalError) as wrapped, connection.wrap_database_errors:
        raise excinfo.value
    assert is_overload_error(wrapped.value)


def _call(app, path: str):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def run():
        await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)

    return run(), sent


def test_guard_answers_503_with_retry_after_when_the_line_is_full():
    gate = asyncio.Event()
    started = []

    async def slow_app(scope, receive, send):
        started.append(scope["path"])
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = OverloadGuard(slow_app, max_active=1, max_wait=30, max_queue=1, retry_after=7)

    async def scenario():
        first, sent1 = _call(guard, "/")
        second, sent2 = _call(guard, "/api/listings/offers")
        third, sent3 = _call(guard, "/api/listings/offers")
        t1 = asyncio.create_task(first)
        await asyncio.sleep(0)
        t2 = asyncio.create_task(second)  # waits in line
        await asyncio.sleep(0)
        await third  # the line is full: refused at once
        gate.set()
        await asyncio.gather(t1, t2)
        return sent1, sent2, sent3

    sent1, sent2, sent3 = asyncio.run(scenario())
    assert sent1[0]["status"] == 200
    assert sent2[0]["status"] == 200  # it waited, then ran
    assert sent3[0]["status"] == 503
    headers = dict(sent3[0]["headers"])
    assert headers[b"retry-after"] == b"7"
    body = json.loads(sent3[1]["body"])
    assert body["error_type"] == "service_unavailable"
    assert started == ["/", "/api/listings/offers"]


def test_guard_answers_503_page_when_the_wait_runs_out():
    never = asyncio.Event()

    async def stuck_app(scope, receive, send):
        await never.wait()

    guard = OverloadGuard(stuck_app, max_active=1, max_wait=0.01, max_queue=10, retry_after=3)

    async def scenario():
        first, _ = _call(guard, "/")
        second, sent = _call(guard, "/game/cs2/")
        t1 = asyncio.create_task(first)
        await asyncio.sleep(0)
        await second
        t1.cancel()
        return sent

    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 503
    assert dict(sent[0]["headers"])[b"retry-after"] == b"3"
    assert "Сервер перегружен" in sent[1]["body"].decode()
