"""Reads of proposals (bilateral matches and chains): the access gate and the public shapes."""

from __future__ import annotations

from typing import Literal, get_args

from django.db.models import Avg, Count, Prefetch, QuerySet

from apps.common.errors import NotFound
from apps.common.pagination import PageParams, paginate
from apps.exchange.models import (
    HOLDING_STATUSES,
    Proposal,
    ProposalKind,
    ProposalLeg,
    ProposalParticipant,
    ProposalRating,
    ProposalStatus,
)
from apps.exchange.proposal_messages import contact_of

SORT_FIELDS = {
    "created": "created_at",
    "created_at": "created_at",
    "score": "score",
    "expires": "expires_at",
    "status": "status",
}
ProposalSort = Literal["created", "created_at", "score", "expires", "status"]
assert set(get_args(ProposalSort)) == set(SORT_FIELDS)
REVEALED = (ProposalStatus.CONFIRMED, ProposalStatus.COMPLETED)


def proposal_qs() -> QuerySet[Proposal]:
    return Proposal.objects.prefetch_related(
        Prefetch("participants", ProposalParticipant.objects.select_related("user")),
        Prefetch(
            "legs",
            ProposalLeg.objects.select_related(
                "giver", "receiver", "offer__category", "want__category"
            ),
        ),
    )


def proposal_get_for(*, user, pk: int, kind: str | None = None) -> Proposal:
    """A proposal its participant (or staff) may see; anyone else gets 404."""
    qs = proposal_qs().filter(pk=pk)
    if kind:
        qs = qs.filter(kind=kind)
    if not user.is_staff:
        qs = qs.filter(participants__user=user)
    proposal = qs.first()
    if proposal is None:
        raise NotFound("Предложение не найдено", code="proposal_not_found")
    return proposal


def proposal_list(
    *, kind: str | None = None, user_id: int | None = None, status: str | None = None
) -> QuerySet[Proposal]:
    qs = proposal_qs()
    if kind:
        qs = qs.filter(kind=kind)
    if user_id is not None:
        qs = qs.filter(participants__user_id=user_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def proposal_page(qs: QuerySet[Proposal], page: PageParams) -> dict:
    """The contract's paginated body: {items, total, skip, limit}."""
    rows, total = paginate(qs, page, sort_fields=SORT_FIELDS)
    return {
        "items": [proposal_row(p) for p in rows],
        "total": total,
        "skip": page.skip,
        "limit": page.limit,
    }


def proposal_row(proposal: Proposal) -> dict:
    """The list shape: {id, participants: [usernames], items: [offered item ids], ...}."""
    participants = list(proposal.participants.all())
    legs = list(proposal.legs.all())
    return {
        "id": proposal.pk,
        "kind": proposal.kind,
        "participants": [p.user.username for p in participants],
        "items": [leg.offer_id for leg in legs],
        "status": proposal.status,
        "score": proposal.score,
        "created_at": proposal.created_at,
        "expires_at": proposal.expires_at,
        "accepted": sum(p.accepted_at is not None for p in participants),
        "total_participants": len(participants),
    }


def _item(item) -> dict:
    return {
        "id": item.pk,
        "name": item.item_name,
        "exchange_type": item.exchange_type,
        "category": item.category.slug if item.category else None,
        "value_tenge": item.value_tenge,
        "duration_days": item.duration_days,
    }


def proposal_detail(proposal: Proposal, *, viewer) -> dict:
    """Everything about one proposal; contacts only once everyone has accepted."""
    revealed = proposal.status in REVEALED
    return proposal_row(proposal) | {
        "confirmed_at": proposal.confirmed_at,
        "completed_at": proposal.completed_at,
        "closed_at": proposal.closed_at,
        "close_reason": proposal.close_reason,
        "members": [
            {
                "user_id": p.user_id,
                "username": p.user.username,
                "email_verified": p.user.email_verified,
                "phone_verified": p.user.phone_verified,
                "decision": p.decision,
                "received": p.received_at is not None,
                "contact": contact_of(p.user) if revealed else None,
                **(
                    {"decline_reason": p.decline_reason}
                    if p.user_id == viewer.pk or viewer.is_staff
                    else {}
                ),
            }
            for p in proposal.participants.all()
        ],
        "legs": [
            {
                "position": leg.position,
                "giver": leg.giver.username,
                "giver_id": leg.giver_id,
                "receiver": leg.receiver.username,
                "receiver_id": leg.receiver_id,
                "offer": _item(leg.offer),
                "want": _item(leg.want),
                "score": leg.score,
                "reasons": leg.reasons,
            }
            for leg in proposal.legs.all()
        ],
    }


def _partner(proposal: Proposal, user) -> tuple[str, list[str]]:
    """The user who gives to `user` and the categories of what `user` receives."""
    legs = [leg for leg in proposal.legs.all() if leg.receiver_id == user.pk]
    if not legs:
        return "", []
    leg = legs[0]
    categories = [c.slug for c in (leg.offer.category, leg.want.category) if c is not None]
    return leg.giver.username, sorted(set(categories))


def exchanges_for_user(*, user, page: PageParams) -> tuple[list[dict], int]:
    """`/user/exchanges`: the user's matches and chains (any status), newest first."""
    rows, total = paginate(proposal_list(user_id=user.pk), page, sort_fields=SORT_FIELDS)
    out = []
    for proposal in rows:
        partner, categories = _partner(proposal, user)
        out.append(
            proposal_row(proposal)
            | {
                "match_id": proposal.pk,
                "chain_id": proposal.pk if proposal.kind == ProposalKind.CHAIN else None,
                "partner_username": partner,
                "matching_categories": categories,
            }
        )
    return out, total


def active_exchanges_for_cabinet(*, user) -> list[dict]:
    """The cabinet's open proposals (pending or confirmed)."""
    qs = proposal_list(user_id=user.pk).filter(status__in=HOLDING_STATUSES)[:50]
    out = []
    for proposal in qs:
        partner, _ = _partner(proposal, user)
        out.append(
            {
                "chain_id": proposal.pk,
                "kind": proposal.kind,
                "status": proposal.status,
                "partner_name": partner,
                "score": proposal.score,
                "expires_at": proposal.expires_at,
            }
        )
    return out


def exchange_rating_summary(*, user_id: int) -> tuple[float, int]:
    """FreeMarket exchange ratings only (average, count), shown apart from LootLink reviews."""
    row = ProposalRating.objects.filter(rated_id=user_id).aggregate(avg=Avg("score"), n=Count("id"))
    return round(float(row["avg"] or 0), 2), row["n"]
