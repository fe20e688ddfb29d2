"""The one module that converts ORM rows to engine input and engine output to rows' values.

`snapshot()` reads the market as the engine sees it: active items of active users that no open
proposal holds, users' cities and trust, the (offer, want) pairs in their cooling-off (and what
those declines taught) and the explicit want lists (`WantMark`: accepted and refused pairs).
`leg_rows()` / `cycle_key()` turn an engine `Proposal` into what `matching_runs` writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

import matching
from apps.accounts.models import UserLocation
from apps.exchange.models import (
    DeclinedPair,
    ItemStatus,
    ItemType,
    ListingItem,
    ProposalItemLock,
    ProposalParticipant,
    WantMark,
)
from matching.rules import keywords
from matching.text import lemmas

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


def accept_rates(user_ids: Iterable[int]) -> dict[int, float]:
    """Each user's past answers to proposals as a smoothed share of acceptances:
    (accepted + 1) / (answered + 2), so a newcomer is 0.5 and one decline is not a verdict."""
    rows = (
        ProposalParticipant.objects.filter(user_id__in=list(user_ids))
        .values("user_id")
        .annotate(
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            declined=Count("pk", filter=Q(declined_at__isnull=False)),
        )
    )
    return {
        r["user_id"]: round((r["accepted"] + 1) / (r["accepted"] + r["declined"] + 2), 4)
        for r in rows
    }


# `matching.UserInfo.accept_rate` is the engine's (issue 14); filled once the engine has it.
_HAS_ACCEPT_RATE = "accept_rate" in matching.UserInfo.__dataclass_fields__


def user_infos(user_ids: Iterable[int]) -> dict[int, matching.UserInfo]:
    """Engine users: their cities (`UserLocation`, else the profile city), trust and (when the
    engine takes it) how often they accepted proposals."""
    from apps.accounts.models import User

    owners = set(user_ids)
    cities: dict[int, set[str]] = {uid: set() for uid in owners}
    for uid, city in UserLocation.objects.filter(user_id__in=owners).values_list("user_id", "city"):
        cities[uid].add(city)
    rates = accept_rates(owners) if _HAS_ACCEPT_RATE else {}
    users = {}
    for uid, city, trust in User.objects.filter(pk__in=owners).values_list(
        "pk", "city", "trust_score"
    ):
        locations = cities[uid] or ({city} if city else set())
        extra = {"accept_rate": rates.get(uid, 0.5)} if _HAS_ACCEPT_RATE else {}
        users[uid] = matching.UserInfo(
            id=uid, locations=frozenset(locations), trust=max(0.0, min(1.0, trust)), **extra
        )
    return users


ITEM_FIELDS = (
    "pk",
    "user_id",
    "item_type",
    "exchange_type",
    "category__slug",
    "item_name",
    "description",
    "value_tenge",
    "duration_days",
    "any_in_category",
    "version",
)


def engine_item(row: tuple) -> matching.Item:
    """A `matching.Item` from a `values_list(*ITEM_FIELDS)` row."""
    pk, uid, item_type, exchange_type, category, name, description, value, duration, anything = row[
        :10
    ]
    return matching.Item(
        id=pk,
        user_id=uid,
        kind=KIND[item_type],
        exchange_type=exchange_type,
        category=category,
        name=name,
        description=description,
        value=int(value),
        duration_days=duration,
        any_in_category=bool(anything) and item_type == ItemType.WANT,
    )


def near_identical_keys(*, user_id: int, name: str, description: str) -> tuple[tuple, frozenset]:
    """Two keys under which offers count as "the same thing" for decline teaching: the owner
    with the name's canonical words (a re-post or a second copy of one item), and the canonical
    words of name + description whoever posts them (a text near-duplicate)."""
    return (user_id, frozenset(lemmas(name))), keywords(name, description)


def _taught(offers: list[tuple], wants: set[int], now) -> set[tuple[int, int]]:
    """Pairs a decline taught: when a want's owner declined a proposal, the offer they were to
    get there and every offer near-identical to it are not proposed to that want again while
    the `DeclinedPair` cools off. `offers` are (pk, user_id, name, description) rows."""
    declined = list(
        DeclinedPair.objects.filter(
            until__gt=now,
            want_id__in=wants,
            proposal__participants__user=F("want__user"),
            proposal__participants__declined_at__isnull=False,
        ).values_list(
            "offer_id", "want_id", "offer__user_id", "offer__item_name", "offer__description"
        )
    )
    if not declined:
        return set()
    by_key: dict[object, list[int]] = defaultdict(list)
    for pk, uid, name, description in offers:
        for key in near_identical_keys(user_id=uid, name=name, description=description):
            if key and key != (uid, frozenset()):
                by_key[key].append(pk)
    taught: set[tuple[int, int]] = set()
    for _offer, want, uid, name, description in declined:
        for key in near_identical_keys(user_id=uid, name=name, description=description):
            taught.update((pk, want) for pk in by_key.get(key, ()))
    return taught


def want_marks(want_ids: Iterable[int]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(accepted, refused) `(offer_id, want_id)` pairs of the wants' explicit want lists."""
    accepted: set[tuple[int, int]] = set()
    refused: set[tuple[int, int]] = set()
    for offer_id, want_id, verdict in WantMark.objects.filter(want_id__in=want_ids).values_list(
        "offer_id", "want_id", "verdict"
    ):
        (accepted if verdict == WantMark.Verdict.YES else refused).add((offer_id, want_id))
    return accepted, refused


def snapshot(*, user_ids: Iterable[int] | None = None) -> Snapshot:
    """Read a consistent market. `user_ids` limits it to those users (the test-flow samples).

    `blocked` is the cooling-off pairs, what decline taught (see `_taught`) and the pairs
    refused in want lists; `accepted` is the pairs marked "подходит".
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _repeatable_read()
        now = timezone.now()
        items_qs = (
            ListingItem.objects.filter(status=ItemStatus.ACTIVE, user__is_active=True)
            .exclude(pk__in=ProposalItemLock.objects.values("item_id"))
            .values_list(*ITEM_FIELDS)
        )
        if user_ids is not None:
            items_qs = items_qs.filter(user_id__in=list(user_ids))
        rows = list(items_qs.order_by("pk"))
        users = user_infos(row[1] for row in rows)
        wants = {row[0] for row in rows if row[2] == ItemType.WANT}
        offers = [(row[0], row[1], row[5], row[6]) for row in rows if row[2] == ItemType.OFFER]
        cooling = set(DeclinedPair.objects.filter(until__gt=now).values_list("offer_id", "want_id"))
        accepted, refused = want_marks(wants)
        taught = _taught(offers, wants, now) - accepted
    return Snapshot(
        market=matching.Market(
            users=users,
            items=[engine_item(row) for row in rows],
            blocked=frozenset(cooling | refused | taught),
            accepted=frozenset(accepted - refused),
        ),
        versions={row[0]: row[10] for row in rows},
        taken_at=now,
    )


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


def _probability(leg: matching.Leg) -> float | None:
    """The engine's acceptance probability of a leg, when it gives one (0..1)."""
    value = getattr(leg, "probability", None)
    return None if value is None else round(max(0.0, min(1.0, float(value))), 4)


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
            "probability": _probability(leg),
            "reasons": [
                {"code": r.code, "message": r.message_ru, "value": r.value} for r in leg.reasons
            ],
        }
        for position, leg in enumerate(proposal.legs)
    ]
