"""The one module that converts ORM rows to engine input and engine output to rows' values.

`snapshot()` reads the market as the engine sees it: active items of active users that no open
proposal holds, users' cities and trust, and the (offer, want) pairs in their cooling-off.
`leg_rows()` / `cycle_key()` turn an engine `Proposal` into what `matching_runs` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

import matching
from apps.accounts.blocks import blocked_user_pairs
from apps.accounts.models import UserLocation
from apps.exchange.models import (
    DeclinedPair,
    ItemStatus,
    ItemType,
    ListingItem,
    ProposalItemLock,
)

KIND = {ItemType.WANT: matching.WANT, ItemType.OFFER: matching.OFFER}


@dataclass
class Snapshot:
    market: matching.Market
    versions: dict[int, int] = field(default_factory=dict)  # item id -> version when read
    taken_at: object = None


def match_config(**overrides) -> matching.MatchConfig:
    """The engine's settings from Django settings (`MATCH_*`), with per-call overrides."""
    base = {
        "max_cycle": settings.MATCH_MAX_CYCLE,
        "value_tolerance": settings.MATCH_VALUE_TOLERANCE,
        "time_limit_s": settings.MATCH_TIME_LIMIT_SECONDS,
        "shard_users": settings.MATCH_SHARD_USERS or None,
    }
    base.update(overrides)
    return matching.MatchConfig(**base)


def _repeatable_read() -> None:
    # One snapshot for every query of the read (PostgreSQL). Only possible as the first
    # statement of an outermost transaction; SQLite's read transaction is a snapshot already.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def snapshot(*, user_ids: Iterable[int] | None = None) -> Snapshot:
    """Read a consistent market. `user_ids` limits it to those users (the test-flow samples)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _repeatable_read()
        now = timezone.now()
        items_qs = (
            ListingItem.objects.filter(status=ItemStatus.ACTIVE, user__is_active=True)
            .exclude(pk__in=ProposalItemLock.objects.values("item_id"))
            .values_list(
                "pk",
                "user_id",
                "item_type",
                "exchange_type",
                "category__slug",
                "item_name",
                "description",
                "value_tenge",
                "duration_days",
                "version",
            )
        )
        if user_ids is not None:
            items_qs = items_qs.filter(user_id__in=list(user_ids))
        rows = list(items_qs.order_by("pk"))
        owners = {row[1] for row in rows}
        cities: dict[int, set[str]] = {uid: set() for uid in owners}
        for uid, city in UserLocation.objects.filter(user_id__in=owners).values_list(
            "user_id", "city"
        ):
            cities[uid].add(city)
        from apps.accounts.models import User

        users = {}
        for uid, city, trust in User.objects.filter(pk__in=owners).values_list(
            "pk", "city", "trust_score"
        ):
            locations = cities[uid] or ({city} if city else set())
            users[uid] = matching.UserInfo(
                id=uid, locations=frozenset(locations), trust=max(0.0, min(1.0, trust))
            )
        blocked = frozenset(
            DeclinedPair.objects.filter(until__gt=now).values_list("offer_id", "want_id")
        )
        blocked_users = blocked_user_pairs(owners)
    items = [
        matching.Item(
            id=pk,
            user_id=uid,
            kind=KIND[item_type],
            exchange_type=exchange_type,
            category=category,
            name=name,
            description=description,
            value=int(value),
            duration_days=duration,
        )
        for pk, uid, item_type, exchange_type, category, name, description, value, duration, _v in rows
    ]
    blocked |= _pairs_between_blocked_users(items, blocked_users)
    return Snapshot(
        market=matching.Market(
            users=users, items=items, blocked=blocked, blocked_users=blocked_users
        ),
        versions={row[0]: row[9] for row in rows},
        taken_at=now,
    )


def _pairs_between_blocked_users(
    items: list[matching.Item], blocked_users: frozenset[tuple[int, int]]
) -> frozenset[tuple[int, int]]:
    """Every (offer, want) pair between two users who blocked each other, both directions.

    The engine drops legs between blocked users itself (Market.blocked_users); listing the
    pairs in Market.blocked as well keeps the rule on any engine version. Blocks are few, so
    this is a handful of items per pair.
    """
    if not blocked_users:
        return frozenset()
    offers: dict[int, list[int]] = {}
    wants: dict[int, list[int]] = {}
    for it in items:
        (offers if it.kind == matching.OFFER else wants).setdefault(it.user_id, []).append(it.id)
    pairs = set()
    for a, b in blocked_users:
        for giver, receiver in ((a, b), (b, a)):
            for offer in offers.get(giver, ()):
                pairs.update((offer, want) for want in wants.get(receiver, ()))
    return frozenset(pairs)


def cycle_key(proposal: matching.Proposal) -> str:
    """A canonical key of the cycle: its (offer, want) pairs rotated to start at the smallest,
    so every rotation of one cycle has the same key."""
    pairs = [(leg.offer_id, leg.want_id) for leg in proposal.legs]
    start = pairs.index(min(pairs))
    return "|".join(f"{o}:{w}" for o, w in pairs[start:] + pairs[:start])


def item_ids(proposal: matching.Proposal) -> set[int]:
    return {i for leg in proposal.legs for i in (leg.offer_id, leg.want_id)}


def proposal_kind(proposal: matching.Proposal) -> str:
    return "bilateral" if len(proposal.legs) == 2 else "chain"


def proposal_score(proposal: matching.Proposal) -> float:
    """The mean leg score (0..1): the contract's `score`; the engine's own score is the sum."""
    return round(sum(leg.score for leg in proposal.legs) / len(proposal.legs), 4)


def leg_rows(proposal: matching.Proposal) -> list[dict]:
    """Field values of the ProposalLeg rows, in cycle order."""
    return [
        {
            "position": position,
            "giver_id": leg.giver_id,
            "receiver_id": leg.receiver_id,
            "offer_id": leg.offer_id,
            "want_id": leg.want_id,
            "score": round(leg.score, 4),
            "reasons": [
                {"code": r.code, "message": r.message_ru, "value": r.value} for r in leg.reasons
            ],
        }
        for position, leg in enumerate(proposal.legs)
    ]
