"""Coalesced re-matching: changes mark users dirty, one debounced run re-matches them all.

Declines, expiries, cancellations and item edits free items or change what a user offers.
Instead of a run per participant (thousands for an expiry sweep), they add the users to the
`MatchingDirtyUser` table in the same transaction as the change and ask for one re-matching
run after a short debounce (`MATCH_RECHECK_SECONDS` for freed items, `MATCH_DEBOUNCE_SECONDS`
for a user's own edits): every request within the window shares one scheduled task. The run
takes the dirty users marked before it started, solves only the components of the market that
hold their items (or, for one user, the region around them), and clears them on success. It is
single-flight (`scope_key="rematch"`); a run asked for while one is busy comes back after the
debounce. A full run clears every user marked before its snapshot.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.exchange.models import MatchingDirtyUser, MatchingRun

logger = logging.getLogger(__name__)
_local = threading.local()
SCOPE = "rematch"


def schedule_key(delay: int) -> str:
    return f"match-rematch:{delay}"


def mark_dirty(user_ids: Iterable[int]) -> None:
    """Add users to the dirty set (in the caller's transaction, so it commits with the change)."""
    now = timezone.now()
    rows = [MatchingDirtyUser(user_id=uid, marked_at=now) for uid in sorted(set(user_ids))]
    if rows:
        MatchingDirtyUser.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user"], update_fields=["marked_at"]
        )


def rematch_later(user_ids: Iterable[int], *, delay: int | None = None) -> None:
    """Mark users dirty now and ask for a re-matching run once the transaction commits."""
    mark_dirty(user_ids)
    if not settings.MATCH_AUTO_RUN:
        return
    wait = settings.MATCH_RECHECK_SECONDS if delay is None else delay
    if getattr(_local, "delays", None) is not None:
        _local.delays.append(wait)  # inside `deferred()`: one request at the end
    else:
        transaction.on_commit(lambda: schedule(wait))


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, requests for a run are collected and made once at the end (the
    expiry sweep: many transactions, one run)."""
    outer = getattr(_local, "delays", None)
    _local.delays = [] if outer is None else outer
    try:
        yield
    finally:
        delays, _local.delays = _local.delays, outer
        if outer is None and delays:
            schedule(min(delays))


def _inline() -> bool:
    return settings.CELERY_TASK_ALWAYS_EAGER and not settings.MATCH_RUN_IN_THREAD


def schedule(delay: int) -> None:
    """One re-matching run `delay` seconds from now, shared by every request meanwhile."""
    pending = getattr(_local, "delays", None)
    if pending is not None:
        pending.append(delay)
        return
    from apps.exchange import tasks

    if not cache.add(schedule_key(delay), 1, timeout=delay + 60):
        return  # a run is already scheduled and will see this change
    try:
        if settings.MATCH_RUN_IN_THREAD:
            tasks.in_thread(tasks.matching_rematch, delay=delay, key_delay=delay)
        else:
            tasks.matching_rematch.apply_async(kwargs={"key_delay": delay}, countdown=delay)
    except Exception:  # noqa: BLE001 - the periodic full run catches up if the broker is down
        cache.delete(schedule_key(delay))
        logger.warning("re-matching run not queued", exc_info=True)


def rematch_run(*, trigger: str = "rematch") -> MatchingRun | None:
    """Re-match the users marked dirty so far (one run); None when there is nothing to do."""
    from apps.exchange.matching_runs import run_execute, run_start

    cutoff = timezone.now()
    users = sorted(
        MatchingDirtyUser.objects.filter(marked_at__lte=cutoff).values_list("user_id", flat=True)
    )
    if not users:
        return None
    single = users[0] if len(users) == 1 else None
    run, started = run_start(
        user_id=single, trigger=trigger, scope_key=SCOPE, stats={"users": len(users)}
    )
    if not started:  # one is busy: come back after it (never loop when tasks run inline)
        if not _inline():
            schedule(settings.MATCH_RECHECK_SECONDS)
        return None
    run = run_execute(run.pk, only_users=None if single else users)
    if run.status == MatchingRun.Status.SUCCESS:
        MatchingDirtyUser.objects.filter(user_id__in=users, marked_at__lte=cutoff).delete()
    return run
