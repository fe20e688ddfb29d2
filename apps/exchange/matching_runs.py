"""The matching pipeline: snapshot -> engine (outside any transaction) -> one short write.

A run reads a consistent snapshot (`adapter.snapshot`), computes with the pure engine while
holding no transaction or lock, then writes its proposals in one transaction that first takes
the singleton `MatchingLock` row, so two runs never write at the same time. At write time every
proposal is re-checked against the live rows (items still active, unchanged since the
snapshot, not held by another proposal, pair not cooling off); stale ones are skipped. A run
that fails or dies writes nothing, so the previous proposals stay as they were.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import matching
from apps.accounts.models import User
from apps.exchange import adapter, proposal_messages
from apps.exchange.models import (
    DeclinedPair,
    ItemStatus,
    ListingItem,
    MatchingLock,
    MatchingRun,
    Proposal,
    ProposalItemLock,
    ProposalKind,
    ProposalLeg,
    ProposalParticipant,
)

logger = logging.getLogger(__name__)

STALE_RUN_AFTER = timedelta(hours=1)


def _acquire_write_lock(run: MatchingRun) -> None:
    """Inside a transaction: queue behind any other run's write phase."""
    now = timezone.now()
    if MatchingLock.objects.filter(pk=1).update(locked_at=now, run=run):
        return
    try:  # the row is missing (a flushed test database): create it, then lock it
        with transaction.atomic():
            MatchingLock.objects.create(pk=1, locked_at=now, run=run)
    except IntegrityError:
        MatchingLock.objects.filter(pk=1).update(locked_at=now, run=run)


def _is_stale(
    ep: matching.Proposal,
    snap: adapter.Snapshot,
    items: dict,
    held: set,
    blocked: set,
    inactive: set,
) -> bool:
    ids = adapter.item_ids(ep)
    if ids & held:
        return True
    for pk in ids:
        item = items.get(pk)
        if (
            item is None
            or item.status != ItemStatus.ACTIVE
            or item.version != snap.versions.get(pk)
        ):
            return True
    if any((leg.offer_id, leg.want_id) in blocked for leg in ep.legs):
        return True
    return any(leg.giver_id in inactive for leg in ep.legs)


def write_proposals(
    *, run: MatchingRun, snap: adapter.Snapshot, found: list[matching.Proposal]
) -> tuple[list[Proposal], int, int]:
    """Store the engine's proposals; returns (created, skipped as stale, notifications sent)."""
    ids = set().union(*(adapter.item_ids(ep) for ep in found)) if found else set()
    user_ids = {leg.giver_id for ep in found for leg in ep.legs}
    ttl = timedelta(hours=settings.PROPOSAL_TTL_HOURS)
    created: list[Proposal] = []
    skipped = 0
    with transaction.atomic():
        _acquire_write_lock(run)
        now = timezone.now()
        # Lock the items (pk order) so an edit of one of them waits for us, or we for it.
        items = {
            item.pk: item
            for item in ListingItem.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .only("pk", "status", "version", "user_id")
        }
        held = set(
            ProposalItemLock.objects.filter(item_id__in=ids).values_list("item_id", flat=True)
        )
        blocked = set(
            DeclinedPair.objects.filter(until__gt=now, offer_id__in=ids).values_list(
                "offer_id", "want_id"
            )
        )
        inactive = set(
            User.objects.filter(pk__in=user_ids, is_active=False).values_list("pk", flat=True)
        )
        for ep in sorted(found, key=lambda p: (-p.score, adapter.cycle_key(p))):
            if _is_stale(ep, snap, items, held, blocked, inactive):
                skipped += 1
                continue
            proposal = Proposal.objects.create(
                kind=adapter.proposal_kind(ep),
                cycle_key=adapter.cycle_key(ep),
                score=adapter.proposal_score(ep),
                matching_run=run,
                expires_at=now + ttl,
            )
            ProposalParticipant.objects.bulk_create(
                [
                    ProposalParticipant(proposal=proposal, user_id=leg.giver_id, position=i)
                    for i, leg in enumerate(ep.legs)
                ]
            )
            ProposalLeg.objects.bulk_create(
                [ProposalLeg(proposal=proposal, **row) for row in adapter.leg_rows(ep)]
            )
            item_ids = adapter.item_ids(ep)
            ProposalItemLock.objects.bulk_create(
                [ProposalItemLock(item_id=pk, proposal=proposal) for pk in sorted(item_ids)]
            )
            held |= item_ids
            created.append(proposal)
        notified = proposal_messages.proposals_created(created)
    return created, skipped, notified


def _fail_stale_runs() -> None:
    MatchingRun.objects.filter(
        status=MatchingRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_RUN_AFTER
    ).update(
        status=MatchingRun.Status.FAILED,
        finished_at=timezone.now(),
        errors=["Запуск прерван и не завершился"],
    )


def matching_run(
    *,
    user_id: int | None = None,
    trigger: str = "api",
    config: matching.MatchConfig | None = None,
    sample_user_ids: list[int] | None = None,
) -> MatchingRun:
    """Run the pipeline for one user (`user_id`) or the whole market; never raises.

    `sample_user_ids` limits the market to those users (the test-flow scenarios).
    """
    _fail_stale_runs()
    run = MatchingRun.objects.create(scope_user_id=user_id, trigger=trigger)
    try:
        snap = adapter.snapshot(user_ids=sample_user_ids)
        # each run draws new shards (markets above MATCH_SHARD_USERS users), so users who were
        # in different shards in one run can be matched in a later one
        config = config or adapter.match_config(shard_seed=run.pk)
        result = matching.find_proposals(snap.market, config, focus_user=user_id)
        created, skipped, notified = write_proposals(run=run, snap=snap, found=result.proposals)
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the market is untouched
        logger.exception("matching run %s failed", run.pk)
        run.status = MatchingRun.Status.FAILED
        run.errors = [f"{type(exc).__name__}: {exc}"[:500]]
    else:
        run.status = MatchingRun.Status.SUCCESS
        run.bilateral_count = sum(p.kind == ProposalKind.BILATERAL for p in created)
        run.chain_count = sum(p.kind == ProposalKind.CHAIN for p in created)
        run.participant_count = len(
            set(
                ProposalParticipant.objects.filter(proposal__in=created).values_list(
                    "user_id", flat=True
                )
            )
        )
        run.notified_count = notified
        run.skipped_count = skipped
        stats = result.stats
        run.stats = {
            "items": stats.items,
            "edges": stats.edges,
            "components": stats.components,
            "shard_seed": config.shard_seed,
            "satisfied_wants": stats.satisfied_wants,
            "gap": round(stats.gap, 6),
            "total_s": round(stats.total_s, 4),
            "proposals_by_length": {str(k): v for k, v in stats.proposals_by_length.items()},
        }
    run.finished_at = timezone.now()
    run.save()
    run.created_proposals = created if run.status == MatchingRun.Status.SUCCESS else []
    return run


def matching_status() -> dict:
    """The contract's `/api/matching/status` body: the latest run, however it was started."""
    run = MatchingRun.objects.order_by("-started_at", "-id").first()
    if run is None:
        return {
            "last_run": None,
            "bilateral_matches": 0,
            "chains_discovered": 0,
            "participants_notified": 0,
            "status": "never_run",
        }
    return {
        "last_run": run.finished_at or run.started_at,
        "bilateral_matches": run.bilateral_count,
        "chains_discovered": run.chain_count,
        "participants_notified": run.participant_count,
        "status": run.status,
        "run_id": run.pk,
        "scope": "user" if run.scope_user_id else "all",
        "trigger": run.trigger,
        "errors": run.errors,
    }
