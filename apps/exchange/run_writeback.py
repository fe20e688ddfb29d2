"""The write phase of a matching run: a few set-based statements in one short transaction.

Everything slow happens outside it. Inside: take the `MatchingLock` row (writers queue), lock
the proposals' items (pk order, so an edit of one of them waits for us or we for it), read the
held items, the cooling-off pairs and the users once, keep the proposals that are still valid,
and insert proposals, participants, legs and item locks with `bulk_create` (chunks of
`MATCH_WRITE_CHUNK` rows). The queries do not grow with the number of proposals, only with
the number of chunks. After commit: notifications (texts built from what the engine returned,
no read-back) in chunks of their own transactions, and `ANALYZE` of the proposal tables after a
large write on PostgreSQL, so the first reads of a fresh database get sane plans.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField
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
    ProposalLeg,
    ProposalParticipant,
)
from apps.exchange.proposal_explain import explain_rows
from apps.notifications.services import notify_many

logger = logging.getLogger(__name__)

NOTIFY_CHUNK = 500
ANALYZE_AFTER = 500  # proposals written by one run
PROPOSAL_TABLES = (
    Proposal._meta.db_table,
    ProposalParticipant._meta.db_table,
    ProposalLeg._meta.db_table,
    ProposalItemLock._meta.db_table,
)


class RunAbandoned(Exception):
    """The run was marked failed meanwhile (its heartbeat went stale): it must not write."""


@dataclass
class WriteResult:
    created: list[Proposal] = field(default_factory=list)
    skipped: int = 0
    participants: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    notifications: list[tuple[int, str, dict]] = field(default_factory=list)

    def __iter__(self) -> Iterator:  # `created, skipped, notified = write_proposals(...)`
        return iter((self.created, self.skipped, len(self.notifications)))


def _chunks(values: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, fields: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain rows: `COPY ... FROM STDIN` on PostgreSQL (one statement, no per-row
    model work), `bulk_create` in chunks elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows),
            batch_size=settings.MATCH_WRITE_CHUNK,
        )
        return
    opts = model._meta
    # Columns the caller does not give get their model default (COPY knows no Django
    # defaults), so a field added later with a default keeps working.
    extra = [
        f
        for f in opts.concrete_fields
        if not f.primary_key and f.attname not in fields and not f.null
    ]
    names = [opts.get_field(f.removesuffix("_id")).column for f in fields]
    names += [f.column for f in extra]
    tail = [f.get_default() for f in extra]
    is_json = [isinstance(f, JSONField) for f in (*map(_field(opts), fields), *extra)]
    columns = ", ".join(f'"{name}"' for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{opts.db_table}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            values = [*row, *tail]
            for i, flag in enumerate(is_json):
                if flag:
                    values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)


def _field(opts):
    return lambda name: opts.get_field(name.removesuffix("_id"))


def _acquire_write_lock(run: MatchingRun) -> None:
    """Inside a transaction: queue behind any other run's write phase, then check that this
    run still counts (a run failed for a stale heartbeat writes nothing)."""
    now = timezone.now()
    if not MatchingLock.objects.filter(pk=1).update(locked_at=now, run=run):
        try:  # the row is missing (a flushed test database): create it, then lock it
            with transaction.atomic():
                MatchingLock.objects.create(pk=1, locked_at=now, run=run)
        except IntegrityError:
            MatchingLock.objects.filter(pk=1).update(locked_at=now, run=run)
    alive = MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING).update(
        heartbeat_at=now
    )
    if not alive:
        raise RunAbandoned(f"run {run.pk} is no longer running")


def _valid(ep: matching.Proposal, snap, items: dict, held: set, blocked: set, users: dict) -> bool:
    ids = adapter.item_ids(ep)
    if ids & held:
        return False
    for pk in ids:
        item = items.get(pk)
        if item is None or item[0] != ItemStatus.ACTIVE or item[1] != snap.versions.get(pk):
            return False
    if any((leg.offer_id, leg.want_id) in blocked for leg in ep.legs):
        return False
    return all(users.get(leg.giver_id, (None, False))[1] for leg in ep.legs)


def write_proposals(
    *, run: MatchingRun, snap: adapter.Snapshot, found: list[matching.Proposal]
) -> WriteResult:
    """Store the engine's proposals that are still valid; notifications follow the commit."""
    chunk = settings.MATCH_WRITE_CHUNK
    ids = sorted(set().union(*(adapter.item_ids(ep) for ep in found))) if found else []
    user_ids = sorted({leg.giver_id for ep in found for leg in ep.legs})
    result = WriteResult()
    accepted: list[matching.Proposal] = []
    t0 = time.monotonic()
    with transaction.atomic():
        _acquire_write_lock(run)
        now = timezone.now()
        items: dict[int, tuple[str, int]] = {}
        for part in _chunks(ids, chunk):
            rows = (
                ListingItem.objects.select_for_update()
                .filter(pk__in=part)
                .order_by("pk")
                .values_list("pk", "status", "version")
            )
            items.update((pk, (status, version)) for pk, status, version in rows)
        held = set(ProposalItemLock.objects.values_list("item_id", flat=True))
        blocked = set(DeclinedPair.objects.filter(until__gt=now).values_list("offer_id", "want_id"))
        users: dict[int, tuple[str, bool]] = {}
        for part in _chunks(user_ids, chunk):
            rows = User.objects.filter(pk__in=part).values_list("pk", "username", "is_active")
            users.update((pk, (name, active)) for pk, name, active in rows)
        for ep in sorted(found, key=lambda p: (-p.score, adapter.cycle_key(p))):
            if not _valid(ep, snap, items, held, blocked, users):
                result.skipped += 1
                continue
            held |= adapter.item_ids(ep)
            accepted.append(ep)
        t1 = time.monotonic()
        expires = now + timedelta(hours=settings.PROPOSAL_TTL_HOURS)
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    kind=adapter.proposal_kind(ep),
                    cycle_key=adapter.cycle_key(ep),
                    score=adapter.proposal_score(ep),
                    matching_run=run,
                    expires_at=expires,
                )
                for ep in accepted
            ],
            batch_size=chunk,
        )
        if proposals and proposals[0].pk is None:  # pragma: no cover - old SQLite
            keys = [p.cycle_key for p in proposals]
            by_key = dict(
                Proposal.objects.filter(matching_run=run, cycle_key__in=keys).values_list(
                    "cycle_key", "pk"
                )
            )
            for p in proposals:
                p.pk = p.id = by_key[p.cycle_key]
        pairs = list(zip(proposals, accepted, strict=True))
        _insert(
            ProposalParticipant,
            ("proposal_id", "user_id", "position"),
            ((p.pk, leg.giver_id, i) for p, ep in pairs for i, leg in enumerate(ep.legs)),
        )
        leg_rows = [(p.pk, row) for p, ep in pairs for row in adapter.leg_rows(ep)]
        # the columns are whatever `adapter.leg_rows` gives (it may grow), plus the proposal
        leg_fields = ("proposal_id", *leg_rows[0][1]) if leg_rows else ("proposal_id",)
        _insert(
            ProposalLeg,
            leg_fields,
            ((pk, *(row[f] for f in leg_fields[1:])) for pk, row in leg_rows),
        )
        _insert(
            ProposalItemLock,
            ("item_id", "proposal_id"),
            ((pk, p.pk) for p, ep in pairs for pk in sorted(adapter.item_ids(ep))),
        )
        t2 = time.monotonic()
    result.timings = {
        "write_check_s": round(t1 - t0, 4),
        "write_insert_s": round(t2 - t1, 4),
        "write_commit_s": round(time.monotonic() - t2, 4),
    }
    result.created = proposals
    result.participants = len({leg.giver_id for ep in accepted for leg in ep.legs})
    result.notifications = _notification_rows(pairs, snap, users)
    return result


def _notification_rows(pairs, snap: adapter.Snapshot, users: dict) -> list[tuple[int, str, dict]]:
    wanted = {leg.offer_id for _, ep in pairs for leg in ep.legs}
    item_names = {it.id: it.name for it in snap.market.items if it.id in wanted}
    usernames = {pk: name for pk, (name, _active) in users.items()}
    rows = []
    for proposal, ep in pairs:
        rows += proposal_messages.created_rows_from_engine(
            proposal_id=proposal.pk,
            kind=proposal.kind,
            score=proposal.score,
            legs=[(leg.giver_id, leg.receiver_id, leg.offer_id) for leg in ep.legs],
            usernames=usernames,
            item_names=item_names,
        )
    return rows


def send_notifications(rows: list[tuple[int, str, dict]]) -> int:
    """After commit: the notifications of a run in chunks, each its own short transaction
    (their live events go out as each chunk commits). Returns how many were stored."""
    sent = 0
    for part in _chunks(rows, NOTIFY_CHUNK):
        with transaction.atomic():
            notify_many(explain_rows(part))  # why each leg fits; three queries per chunk
        sent += len(part)
    return sent


def analyze_after_write(created: int) -> bool:
    """Refresh the planner's statistics of the proposal tables after a large write (PG)."""
    if connection.vendor != "postgresql" or created < ANALYZE_AFTER:
        return False
    with connection.cursor() as cursor:
        for table in PROPOSAL_TABLES:
            cursor.execute(f'ANALYZE "{table}"')
    return True
