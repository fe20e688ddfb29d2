"""PostgreSQL connection pool options (psycopg 3's pool through Django's `pool` option).

Each worker process keeps at most DB_POOL_MAX_SIZE connections; a request waits up to
DB_POOL_TIMEOUT seconds for one, then gets 503 (apps/common/overload.py) instead of opening
connection number 101 and failing with "too many clients already". On by default with
PostgreSQL outside tests (DB_POOL=0 turns it off; the test suite opts in with DB_POOL=1).
Budget: workers x DB_POOL_MAX_SIZE (+ Celery) must stay under PostgreSQL's max_connections.
"""

from __future__ import annotations

from collections.abc import Mapping


def pool_options(environ: Mapping[str, str], *, is_postgres: bool, testing: bool) -> dict | None:
    if not is_postgres:
        return None
    raw = (environ.get("DB_POOL") or "").strip().lower()
    enabled = (raw in {"1", "true", "yes", "on"}) if raw else not testing
    max_size = int(environ.get("DB_POOL_MAX_SIZE", "10"))
    if not enabled or max_size <= 0:
        return None
    min_size = min(int(environ.get("DB_POOL_MIN_SIZE", "2")), max_size)
    return {
        "min_size": min_size,
        "max_size": max_size,
        "timeout": float(environ.get("DB_POOL_TIMEOUT", "10")),
        # A connection idle this long is closed (the pool refills to min_size).
        "max_idle": float(environ.get("DB_POOL_MAX_IDLE", "300")),
    }
