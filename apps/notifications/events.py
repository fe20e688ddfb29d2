"""Live events for signed-in users: Redis pub/sub, or an in-process broker when embedded.

`publish(user_id, event, data)` may be called from any thread (views, inline tasks, Celery
workers); `subscribe(user_id)` is an async iterator used by the SSE view. With REDIS_URL every
process (web workers, Celery) reaches every open stream; without it, only streams in this
process, which is the whole app in the embedded default (one uvicorn process, tasks inline).
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue as queue_module
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "fm:events:"


def channel_for(user_id: int) -> str:
    return f"{CHANNEL_PREFIX}{settings.CACHE_KEY_PREFIX}:{user_id}"


class _LocalBroker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[int, set[tuple]] = defaultdict(set)

    def add(self, user_id: int, loop: asyncio.AbstractEventLoop | None, queue) -> None:
        with self._lock:
            self._subs[user_id].add((loop, queue))

    def remove(self, user_id: int, loop: asyncio.AbstractEventLoop | None, queue) -> None:
        with self._lock:
            self._subs[user_id].discard((loop, queue))
            if not self._subs[user_id]:
                del self._subs[user_id]

    def publish(self, user_id: int, message: str) -> None:
        with self._lock:
            targets = list(self._subs.get(user_id, ()))
        for loop, queue in targets:
            if loop is None:  # a thread-side subscriber (WSGI servers)
                queue.put_nowait(message)
                continue
            try:
                loop.call_soon_threadsafe(queue.put_nowait, message)
            except RuntimeError:  # loop closed: the stream is gone
                self.remove(user_id, loop, queue)


local_broker = _LocalBroker()
_redis_client = None
_redis_lock = threading.Lock()


def _sync_redis():
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(settings.REDIS_URL)
        return _redis_client


def publish(user_id: int, event: str, data: dict) -> None:
    """Send one event to every open stream of the user. Never raises: events are best effort,
    the notification row is the record."""
    message = json.dumps({"event": event, "data": data}, ensure_ascii=False, default=str)
    try:
        if settings.REDIS_URL:
            _sync_redis().publish(channel_for(user_id), message)
        else:
            local_broker.publish(user_id, message)
    except Exception:  # noqa: BLE001 - a dead broker must not break the write that notified
        logger.warning("event publish failed for user %s", user_id, exc_info=True)


READY = {"event": "ready", "data": {}}


async def subscribe(user_id: int, *, heartbeat: float = 15.0) -> AsyncIterator[dict | None]:
    """Yield events for the user as dicts; None every `heartbeat` seconds of silence.

    The first item is `READY`, yielded once the subscription is live: a caller that awaits it
    before reading state (e.g. the unread count) misses no event published after that read.
    """
    if settings.REDIS_URL:
        import redis.asyncio as aredis

        client = aredis.Redis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        await pubsub.subscribe(channel_for(user_id))
        try:
            # Wait for the server's confirmation: from then on every publish reaches us.
            await pubsub.get_message(ignore_subscribe_messages=False, timeout=5)
            yield READY
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=heartbeat)
                if msg is None:
                    yield None
                    continue
                yield json.loads(msg["data"])
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()
            await client.aclose()
    else:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        local_broker.add(user_id, loop, queue)
        try:
            yield READY
            while True:
                try:
                    raw = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except TimeoutError:
                    yield None
                    continue
                yield json.loads(raw)
        finally:
            local_broker.remove(user_id, loop, queue)


def subscribe_sync(user_id: int, *, heartbeat: float, max_seconds: float):
    """The same events for a thread (a WSGI server): ends after `max_seconds` so the thread is
    freed; the browser's EventSource reconnects by itself."""
    deadline = time.monotonic() + max_seconds
    if settings.REDIS_URL:
        pubsub = _sync_redis().pubsub()
        pubsub.subscribe(channel_for(user_id))
        try:
            while (left := deadline - time.monotonic()) > 0:
                msg = pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=min(heartbeat, left)
                )
                yield json.loads(msg["data"]) if msg else None
        finally:
            pubsub.close()
    else:
        queue: queue_module.Queue = queue_module.Queue()
        local_broker.add(user_id, None, queue)
        try:
            while (left := deadline - time.monotonic()) > 0:
                try:
                    yield json.loads(queue.get(timeout=min(heartbeat, left)))
                except queue_module.Empty:
                    yield None
        finally:
            local_broker.remove(user_id, None, queue)
