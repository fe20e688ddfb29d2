"""Direct two-person proposals: "Предложить обмен" on a want's or an offer's page (issue 20).

A direct proposal is an ordinary bilateral `Proposal` (participants, legs, item locks), so it
lives the engine's life from then on: accept/decline in `proposals.py`, expiry, withdraw,
receipt, ratings, notifications. What differs is only how it is born:

- on someone's OFFER page, the proposer picks one of their own offers to give for it;
- on someone's WANT page, the proposer picks one of their offers that answers the want and one
  of the owner's offers to get in return.

Each leg's `want` is the item the receiver gets it for: the owner's real want when there is one
(a WANT page), else the item the receiver gives up in exchange. The proposer has said yes by
sending it; the other side gets a notification and answers like any proposal. All items are
locked in pk order and must be active and free (`ProposalItemLock` holds them, unique per item).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.blocks import users_blocked
from apps.accounts.models import User
from apps.common.errors import Conflict, NotFound, ValidationFailed
from apps.exchange.models import (
    ItemStatus,
    ItemType,
    ListingItem,
    Proposal,
    ProposalItemLock,
    ProposalKind,
    ProposalLeg,
    ProposalParticipant,
)
from apps.exchange.proposal_messages import proposal_url
from apps.notifications.services import notify_many

ERRORS = {
    "own_item": "Это ваша позиция: предложить обмен можно только другому человеку.",
    "not_your_offer": "Выберите одно из своих активных предложений.",
    "not_their_offer": "Выберите, что вы хотите получить взамен, из предложений владельца.",
    "inactive": "Одна из позиций уже снята с обмена или обменяна.",
    "held": "Одна из позиций уже участвует в другом обмене. Дождитесь его завершения.",
    "blocked": "Обмен с этим пользователем недоступен.",
}


def _leg(position: int, offer: ListingItem, want: ListingItem) -> ProposalLeg:
    return ProposalLeg(
        position=position,
        giver_id=offer.user_id,
        receiver_id=want.user_id,
        offer=offer,
        want=want,
        score=1.0,
        reasons=[
            {
                "code": "direct",
                "message": f"{offer.user.username} сам предложил этот обмен",
                "value": 1.0,
            }
        ],
    )


def direct_proposal_create(
    *,
    proposer: User,
    target: ListingItem,
    my_offer_id: int,
    their_offer_id: int | None = None,
) -> Proposal:
    """Send a two-person proposal about `target` (someone's want or offer); see the module doc."""
    if target.user_id == proposer.pk:
        raise ValidationFailed(ERRORS["own_item"], code="own_item")
    if users_blocked(proposer.pk, target.user_id):
        raise NotFound(ERRORS["blocked"], code="blocked")
    wanted_id = target.pk if target.item_type == ItemType.OFFER else their_offer_id
    if wanted_id is None:
        raise ValidationFailed(ERRORS["not_their_offer"], code="not_their_offer")
    ttl = timedelta(hours=settings.PROPOSAL_TTL_HOURS)
    try:
        with transaction.atomic():
            ids = sorted({target.pk, my_offer_id, wanted_id})
            items = {
                i.pk: i
                for i in ListingItem.objects.select_for_update()
                .filter(pk__in=ids)
                .select_related("user")
                .order_by("pk")
            }
            mine, theirs, target = items.get(my_offer_id), items.get(wanted_id), items[target.pk]
            if mine is None or mine.user_id != proposer.pk or mine.item_type != ItemType.OFFER:
                raise ValidationFailed(ERRORS["not_your_offer"], code="not_your_offer")
            if (
                theirs is None
                or theirs.user_id != target.user_id
                or theirs.item_type != ItemType.OFFER
            ):
                raise ValidationFailed(ERRORS["not_their_offer"], code="not_their_offer")
            if any(i.status != ItemStatus.ACTIVE or not i.user.is_active for i in items.values()):
                raise Conflict(ERRORS["inactive"], code="item_inactive")
            if ProposalItemLock.objects.filter(item_id__in=ids).exists():
                raise Conflict(ERRORS["held"], code="item_held")
            # What the owner gets `mine` for: their want (a WANT page) or the offer they give.
            owner_side = target if target.item_type == ItemType.WANT else theirs
            legs = [_leg(0, theirs, mine), _leg(1, mine, owner_side)]
            now = timezone.now()
            proposal = Proposal.objects.create(
                kind=ProposalKind.BILATERAL,
                cycle_key="direct:" + "|".join(f"{leg.offer_id}:{leg.want_id}" for leg in legs),
                score=1.0,
                expires_at=now + ttl,
                proposed_by=proposer,
            )
            ProposalParticipant.objects.bulk_create(
                [
                    ProposalParticipant(
                        proposal=proposal, user=proposer, position=0, accepted_at=now
                    ),
                    ProposalParticipant(proposal=proposal, user_id=target.user_id, position=1),
                ]
            )
            for leg in legs:
                leg.proposal = proposal
            ProposalLeg.objects.bulk_create(legs)
            ProposalItemLock.objects.bulk_create(
                [ProposalItemLock(item_id=pk, proposal=proposal) for pk in ids]
            )
            _notify_owner(proposal, proposer, mine, theirs, target)
    except IntegrityError as exc:  # the same items were locked by someone else meanwhile
        raise Conflict(ERRORS["held"], code="item_held") from exc
    return proposal


def _notify_owner(
    proposal: Proposal, proposer: User, mine: ListingItem, theirs: ListingItem, target
) -> None:
    """The owner hears it like an engine match (`bilateral_match`), pushed after commit."""
    message = (
        f"{proposer.username} предлагает обмен: «{mine.item_name}» на ваше «{theirs.item_name}»"
    )
    notify_many(
        [
            (
                target.user_id,
                "bilateral_match",
                {
                    "proposal_id": proposal.pk,
                    "match_id": proposal.pk,
                    "kind": proposal.kind,
                    "message": message,
                    "url": proposal_url(proposal.pk),
                    "partner": proposer.username,
                    "partner_contact": None,
                    "partner_item": mine.item_name,
                    "your_item": theirs.item_name,
                    "score": proposal.score,
                    "direct": True,
                },
            )
        ]
    )
