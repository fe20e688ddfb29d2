"""Matching runs: single-flight start, snapshot -> engine -> short write, heartbeat, status.

A run is a `MatchingRun` row. Starting one inserts the row in `running` state; a partial unique
constraint allows one running run per scope (`all`, `user:<id>`, `rematch`), so a second start
of the same scope gets the running one back instead (single-flight, on both databases). The run
reads a consistent snapshot, computes with the pure engine while holding no transaction or lock
(`run_engine`), and writes in one short set-based transaction (`run_writeback`); notifications
follow the commit. While it works it beats `heartbeat_at` (a side thread every
`MATCH_HEARTBEAT_SECONDS`, and at every phase); a running run whose heartbeat is older than
`MATCH_RUN_STALE_SECONDS` is failed by the next status read, the next start or the periodic
reaper, and a failed run can no longer write. A run that fails writes nothing.

HTTP callers use `matching_run_request`: the run goes to a Celery task (or, in the embedded
default, a background thread), the request waits `MATCH_RUN_WAIT_SECONDS` at most and answers
with the run's id and status if it is still running.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

import matching
from apps.exchange import adapter, run_engine, run_writeback
from apps.exchange.models import MatchingDirtyUser, MatchingRun, ProposalKind

logger = logging.getLogger(__name__)
RUNNING = MatchingRun.Status.RUNNING


def scope_key_for(user_id: int | None) -> str:
    return "all" if user_id is None else f"user:{user_id}"


def runs_reap() -> int:
    """Fail running runs whose heartbeat is stale (the process died); returns how many."""
    limit = timezone.now() - timedelta(seconds=settings.MATCH_RUN_STALE_SECONDS)
    return MatchingRun.objects.filter(status=RUNNING, heartbeat_at__lt=limit).update(
        status=MatchingRun.Status.FAILED,
        finished_at=timezone.now(),
        errors=["Запуск прерван: нет сигнала о работе (heartbeat)"],
    )


def run_start(
    *, user_id: int | None = None, trigger: str = "api", scope_key: str | None = "", **fields
) -> tuple[MatchingRun, bool]:
    """Create a running run for the scope, or return the one already running: (run, started).

    `scope_key=""` derives the scope from `user_id`; `None` runs without single-flight.
    """
    runs_reap()
    key = scope_key_for(user_id) if scope_key == "" else scope_key
    now = timezone.now()
    for _ in range(3):
        try:
            with transaction.atomic():
                run = MatchingRun.objects.create(
                    scope_key=key,
                    scope_user_id=user_id,
                    trigger=trigger,
                    heartbeat_at=now,
                    **fields,
                )
            return run, True
        except IntegrityError:
            running = MatchingRun.objects.filter(scope_key=key, status=RUNNING).first()
            if running is not None:
                return running, False
    raise RuntimeError(f"could not start a run for {key}")  # pragma: no cover


class Heartbeat:
    """Beats the run row from a side thread while the run works (the engine may hold a core
    for minutes); `beat()` also beats at once from the caller's thread."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"beat-{run_id}")

    def beat(self) -> None:
        MatchingRun.objects.filter(pk=self.run_id, status=RUNNING).update(
            heartbeat_at=timezone.now()
        )

    def _loop(self) -> None:
        try:
            while not self._stop.wait(settings.MATCH_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # noqa: BLE001 - a missed beat is retried, never fatal
                    logger.warning("heartbeat of run %s failed", self.run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _stats(result: matching.MatchResult, config: matching.MatchConfig, **extra) -> dict:
    stats = result.stats
    return {
        "items": stats.items,
        "edges": stats.edges,
        "components": stats.components,
        "shard_seed": config.shard_seed,
        "satisfied_wants": stats.satisfied_wants,
        "gap": round(stats.gap, 6),
        "total_s": round(stats.total_s, 4),
        "proposals_by_length": {str(k): v for k, v in stats.proposals_by_length.items()},
    } | extra


def _finish(run: MatchingRun, **fields) -> MatchingRun:
    """Conditional: a run the reaper failed meanwhile stays failed."""
    fields["finished_at"] = timezone.now()
    MatchingRun.objects.filter(pk=run.pk, status=RUNNING).update(**fields)
    run.refresh_from_db()
    return run


def _fail(run: MatchingRun, exc: Exception) -> MatchingRun:
    logger.exception("matching run %s failed", run.pk)
    run.created_proposals = []
    return _finish(
        run, status=MatchingRun.Status.FAILED, errors=[f"{type(exc).__name__}: {exc}"[:500]]
    )


def run_write(
    run: MatchingRun,
    snap: adapter.Snapshot,
    result: matching.MatchResult,
    config: matching.MatchConfig,
    *,
    timings: dict,
    dirty_before=None,
    **extra,
) -> MatchingRun:
    """Write phase and bookkeeping of a run whose engine phase is done."""
    started = time.monotonic()
    written = run_writeback.write_proposals(run=run, snap=snap, found=result.proposals)
    rows = written.notifications
    timings["write_s"] = round(time.monotonic() - started, 4)
    timings.update(written.timings)
    if dirty_before is not None:  # a full run covered everyone marked before its snapshot
        MatchingDirtyUser.objects.filter(marked_at__lte=dirty_before).delete()

    # The write transaction has committed: notifications go out now, in chunks of their own
    # (a caller's outer transaction, as in the test-flow samples, keeps them with the rest).
    run_writeback.send_notifications(rows)
    timings["analyzed"] = run_writeback.analyze_after_write(len(written.created))
    timings["notify_s"] = round(time.monotonic() - started - timings["write_s"], 4)
    created = written.created
    run = _finish(
        run,
        status=MatchingRun.Status.SUCCESS,
        bilateral_count=sum(p.kind == ProposalKind.BILATERAL for p in created),
        chain_count=sum(p.kind == ProposalKind.CHAIN for p in created),
        participant_count=written.participants,
        notified_count=len(rows),
        skipped_count=written.skipped,
        stats={**run.stats, **_stats(result, config, **timings, **extra)},
    )
    run.created_proposals = created
    return run


def run_execute(
    run_id: int,
    *,
    config: matching.MatchConfig | None = None,
    config_overrides: dict | None = None,
    sample_user_ids: list[int] | None = None,
    only_users: list[int] | None = None,
) -> MatchingRun:
    """Do the work of a started run; never raises (a failure is recorded on the run).

    `only_users` (a re-matching run) solves only the components holding their items.
    """
    run = MatchingRun.objects.get(pk=run_id)
    run.created_proposals = []
    try:
        with Heartbeat(run.pk) as heart:
            t0 = time.monotonic()
            dirty_before = timezone.now() if run.scope_key == "all" else None
            snap = adapter.snapshot(user_ids=sample_user_ids)
            t1 = time.monotonic()
            heart.beat()
            # each run draws new shards (markets above MATCH_SHARD_USERS users), so users who
            # were in different shards in one run can be matched in a later one
            config = config or adapter.match_config(shard_seed=run.pk, **(config_overrides or {}))
            focus = run.scope_user_id if only_users is None else None
            prepared = matching.prepare(snap.market, config, focus_user=focus)
            scope = set(only_users) if only_users is not None else None
            components = run_engine.scoped_components(prepared, scope)
            if _fanout(run, components):
                return _fanout_start(run, snap, prepared, components)
            solutions, safety_stop = run_engine.solve_in_process(
                prepared, components, beat=heart.beat
            )
            result = matching.assemble(prepared, solutions)
            t2 = time.monotonic()
            heart.beat()
            timings = {"snapshot_s": round(t1 - t0, 4), "engine_s": round(t2 - t1, 4)}
            return run_write(
                run,
                snap,
                result,
                config,
                timings=timings,
                dirty_before=dirty_before,
                safety_stop=safety_stop,
                solved_components=len(components),
            )
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the market is untouched
        return _fail(run, exc)


def _fanout(run: MatchingRun, components: list) -> bool:
    return (
        settings.MATCH_FANOUT
        and run.scope_key == "all"
        and len(components) > 1
        and not settings.MATCH_RUN_IN_THREAD
    )


def _fanout_start(run, snap, prepared, components) -> MatchingRun:
    from celery import chord

    from apps.exchange import tasks

    groups = run_engine.deal(components, settings.MATCH_FANOUT_GROUPS)
    run_engine.fanout_store(run.pk, snap, prepared, components, groups)
    MatchingRun.objects.filter(pk=run.pk).update(
        stats={"fanout_groups": len(groups), "solved_components": len(components)}
    )
    limit = prepared.config.time_limit_s
    header = [tasks.matching_solve_group.si(run.pk, g, limit) for g in range(len(groups))]
    chord(header)(tasks.matching_assemble.s(run.pk, len(groups)))
    run.refresh_from_db()
    run.created_proposals = []
    return run


def run_assemble(run_id: int, groups: int, safety_stops: list[bool]) -> MatchingRun:
    """The chord's last step: assemble the groups' solutions and write the proposals."""
    run = MatchingRun.objects.get(pk=run_id)
    try:
        with Heartbeat(run.pk):
            snap, prepared, solutions = run_engine.fanout_collect(run_id, groups)
            result = matching.assemble(prepared, solutions)
            return run_write(
                run,
                snap,
                result,
                prepared.config,
                timings={"fanout_groups": groups},
                safety_stop=any(safety_stops),
                solved_components=len(solutions),
            )
    except Exception as exc:  # noqa: BLE001
        run_engine.fanout_drop(run_id, groups)
        return _fail(run, exc)


def matching_run(
    *,
    user_id: int | None = None,
    trigger: str = "api",
    config: matching.MatchConfig | None = None,
    sample_user_ids: list[int] | None = None,
) -> MatchingRun:
    """Run the pipeline now, in this process, for one user (`user_id`) or the whole market.

    Single-flight: if a run of the same scope is running, that run is returned untouched.
    `sample_user_ids` limits the market to those users (the test-flow scenarios).
    """
    key = None if sample_user_ids is not None else ""
    run, started = run_start(user_id=user_id, trigger=trigger, scope_key=key)
    if not started:
        run.created_proposals = []
        return run
    return run_execute(run.pk, config=config, sample_user_ids=sample_user_ids)


def run_dispatch(run_id: int, **kwargs) -> None:
    """Execute a started run elsewhere: a Celery task, or a thread in the embedded default
    (inline when tasks are eager, as in tests)."""
    from apps.exchange import tasks

    if settings.MATCH_RUN_IN_THREAD:
        tasks.in_thread(tasks.matching_run_execute, run_id, **kwargs)
        return
    try:
        tasks.matching_run_execute.apply_async(args=[run_id], kwargs=kwargs)
    except Exception as exc:  # noqa: BLE001 - a dead broker fails this run, not the request
        _fail(MatchingRun.objects.get(pk=run_id), exc)


def matching_run_request(
    *, user_id: int | None, trigger: str, config_overrides: dict | None = None
) -> tuple[MatchingRun, bool]:
    """Start (or join) the scope's run without holding the caller for the whole of it:
    wait `MATCH_RUN_WAIT_SECONDS` at most. Returns (run as it stands, started by this call)."""
    run, started = run_start(user_id=user_id, trigger=trigger)
    if started:
        run_dispatch(run.pk, config_overrides=config_overrides)
    deadline = time.monotonic() + settings.MATCH_RUN_WAIT_SECONDS
    pause = 0.05
    while True:
        run.refresh_from_db()
        if run.status != RUNNING or time.monotonic() >= deadline:
            return run, started
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
