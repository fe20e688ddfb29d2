"""End-to-end matching benchmark through the product: ``python -m benchmarks.pipeline``.

Creates its own PostgreSQL database (``fm_bench_pipeline`` on the server of ``--server``,
default ``postgres://postgres@127.0.0.1:5432``), migrates it, seeds a market from
``benchmarks/generator.py`` id for id through the product's models (users, cities, listings,
items), then measures, in this process (tasks inline, no Celery worker):

- a full run (snapshot / engine / write seconds, queries, process peak memory, proposals,
  satisfied wants written beside the engine-only figure for the same market);
- a one-user run for a user none of whose items is held;
- an expiry sweep of up to 2 000 pending proposals, which ends with one coalesced
  re-matching run of the freed users.

The database is dropped at the end (``--keep`` keeps it). Never part of the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DB_NAME = "fm_bench_pipeline"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup(server: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    _admin(server, f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{server}/{DB_NAME}"
    os.environ.pop("REDIS_URL", None)  # tasks inline, in-process cache
    os.environ["MATCH_RUN_IN_THREAD"] = "0"
    os.environ["DEMO_DATA"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Counter:
    """Counts the queries of this thread's connection while active."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _seed(market) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from apps.accounts.models import User, UserLocation
    from apps.catalog.models import Category
    from apps.exchange.models import ItemType, Listing, ListingItem

    cats = dict(Category.objects.filter(version__is_active=True).values_list("slug", "pk"))
    password = make_password(None)
    kinds = {"want": ItemType.WANT, "offer": ItemType.OFFER}
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    pk=u.id,
                    username=f"bench{u.id}",
                    email=f"bench{u.id}@example.com",
                    password=password,
                    city=sorted(u.locations)[0],
                    trust_score=u.trust,
                )
                for u in market.users.values()
            ],
            batch_size=5000,
        )
        UserLocation.objects.bulk_create(
            [
                UserLocation(user_id=u.id, city=city)
                for u in market.users.values()
                for city in sorted(u.locations)
            ],
            batch_size=5000,
        )
        Listing.objects.bulk_create(
            [Listing(pk=uid, user_id=uid) for uid in market.users], batch_size=5000
        )
        ListingItem.objects.bulk_create(
            [
                ListingItem(
                    pk=it.id,
                    listing_id=it.user_id,
                    user_id=it.user_id,
                    item_type=kinds[it.kind],
                    exchange_type=it.exchange_type,
                    category_id=cats.get(it.category),
                    item_name=it.name,
                    description=it.description,
                    value_tenge=it.value,
                    duration_days=it.duration_days if it.exchange_type == "TEMPORARY" else None,
                    search_text=f"{it.name} {it.description}".lower(),
                )
                for it in market.items
            ],
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:  # ids were given explicitly: move the sequences on
        for model in (User, Listing, ListingItem):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
            cursor.execute(f'ANALYZE "{table}"')


def _measure(label: str, call) -> tuple[object, dict]:
    from django.db import connection

    counter = Counter()
    started = time.monotonic()
    with connection.execute_wrapper(counter):
        result = call()
    return result, {
        "phase": label,
        "seconds": round(time.monotonic() - started, 2),
        "queries": counter.n,
        "peak_mib": round(_peak_mib()),
    }


def _row(run, measured: dict) -> dict:
    stats = run.stats if run is not None else {}
    return measured | {
        "snapshot_s": stats.get("snapshot_s"),
        "engine_s": stats.get("engine_s"),
        "write_s": stats.get("write_s"),
        "write_check_s": stats.get("write_check_s"),
        "write_insert_s": stats.get("write_insert_s"),
        "notify_s": stats.get("notify_s"),
        "proposals": (run.bilateral_count + run.chain_count) if run is not None else 0,
        "satisfied": stats.get("satisfied_wants"),
        "skipped": run.skipped_count if run is not None else 0,
        "safety_stop": stats.get("safety_stop"),
        "status": run.status if run is not None else "-",
    }


def bench(users: int, seed: int) -> list[dict]:
    from django.db.models import Count
    from django.utils import timezone

    import matching
    from apps.exchange import adapter
    from apps.exchange.matching_runs import matching_run
    from apps.exchange.models import (
        ListingItem,
        MatchingRun,
        Proposal,
        ProposalItemLock,
        ProposalLeg,
    )
    from apps.exchange.proposals import proposals_expire_due
    from benchmarks.generator import generate_market

    market = generate_market(users, seed=seed)
    _, seeded = _measure("seed", lambda: _seed(market))
    rows = [seeded | {"items": len(market.items)}]
    _emit(rows[0])
    run, measured = _measure("full run", lambda: matching_run(trigger="bench"))
    full = _row(run, measured)
    full["legs_written"] = ProposalLeg.objects.filter(proposal__matching_run=run).count()
    full_run_pk = run.pk
    rows.append(full)
    _emit(full)
    held = ProposalItemLock.objects.values("item_id")
    candidates = (
        ListingItem.objects.exclude(pk__in=held)
        .values("user_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("user_id")
    )
    user_id = candidates.first()["user_id"]
    run, measured = _measure("one-user run", lambda: matching_run(user_id=user_id, trigger="bench"))
    rows.append(_row(run, measured))
    _emit(rows[-1])
    due = list(
        Proposal.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)[:2000]
    )
    Proposal.objects.filter(pk__in=due).update(expires_at=timezone.now())
    expired, measured = _measure(
        f"expiry sweep ({len(due)})", lambda: proposals_expire_due(limit=len(due))
    )
    rematch = MatchingRun.objects.filter(trigger="rematch").order_by("-pk").first()
    row = _row(rematch, measured)
    row["expired"] = expired
    row["rematch_users"] = rematch.stats.get("users") if rematch else 0
    rows.append(row)
    _emit(row)
    started = time.monotonic()
    engine = matching.find_proposals(market, adapter.match_config(shard_seed=full_run_pk))
    full["engine_only_satisfied"] = engine.stats.satisfied_wants
    full["engine_only_s"] = round(time.monotonic() - started, 2)
    _emit({"phase": "engine only", "satisfied": engine.stats.satisfied_wants})
    return rows


def _emit(row: dict) -> None:
    print(f"[{row['phase']}] {row}", flush=True)


def _print(rows: list[dict]) -> None:
    cols = [
        "phase",
        "seconds",
        "queries",
        "peak_mib",
        "snapshot_s",
        "engine_s",
        "write_s",
        "notify_s",
        "proposals",
        "satisfied",
        "legs_written",
        "engine_only_satisfied",
        "skipped",
    ]
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join("" if row.get(c) is None else str(row.get(c)) for c in cols))
    for row in rows:
        extra = {k: v for k, v in row.items() if k not in cols}
        if extra:
            print(f"  {row['phase']}: {extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10000", help="market size(s), comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.users.split(",")]
    if len(sizes) != 1:
        print("one size per process (the database is seeded once)", file=sys.stderr)
        return 2
    parts = urlsplit(args.server)
    server = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    _setup(server)
    try:
        print(f"users={sizes[0]} seed={args.seed} database={DB_NAME} (tasks inline, one process)")
        _print(bench(sizes[0], args.seed))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _admin(server, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
