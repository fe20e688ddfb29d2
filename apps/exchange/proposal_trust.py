"""Proposals after "everyone accepted" when something goes wrong: a participant withdrawing
before the handover, staff closing a disputed exchange (an upheld no-show costs the no-show
trust), a ban cancelling a user's open proposals.

Same frame as apps/exchange/proposals.py: lock the row, check the state, conditional update,
free the items (delete their `ProposalItemLock` rows) and re-match the others after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.common.errors import InvalidState, ValidationFailed
from apps.exchange import proposal_messages as messages
from apps.exchange.models import Proposal
from apps.exchange.models import ProposalStatus as S
from apps.exchange.proposals import (
    _complete,
    _lock,
    _move,
    _participant,
    _release,
    _rematch_later,
)
from apps.exchange.trust import STRIKES_NO_SHOW, STRIKES_WITHDRAWAL, user_trust_strike
from apps.notifications.services import notify_many


def _cancel(locked: Proposal, *, reason: str, rematch_exclude: set[int]) -> None:
    _move(locked, S.CANCELLED, closed_at=timezone.now(), close_reason=reason)
    _release(locked)
    messages.proposal_cancelled(locked, reason=reason)
    others = locked.participants.exclude(user_id__in=rematch_exclude)
    _rematch_later(list(others.values_list("user_id", flat=True)))


def proposal_withdraw(*, proposal: Proposal, user: User, reason: str) -> Proposal:
    """A participant pulls out of a confirmed exchange before the handover (nobody has
    confirmed receipt yet): the exchange is cancelled, every item is free again, the others
    are told the reason and re-matched, and the withdrawer gets a trust strike."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Укажите причину отказа", code="reason_required")
    with transaction.atomic():
        locked = _lock(proposal.pk)
        _participant(locked, user)  # outsiders: 404
        if locked.status != S.CONFIRMED:
            raise InvalidState(
                "Выйти можно только из обмена, который все приняли",
                code=f"proposal_{locked.status}",
            )
        if locked.participants.filter(received_at__isnull=False).exists():
            raise InvalidState(
                "Передача уже началась: если что-то пошло не так, откройте спор",
                code="handover_started",
            )
        _move(locked, S.CANCELLED, closed_at=timezone.now(), close_reason="withdrawn")
        _release(locked)
        others = list(locked.participants.exclude(user=user).values_list("user_id", flat=True))
        payload = {
            "proposal_id": locked.pk,
            "kind": locked.kind,
            "reason": "withdrawn",
            "url": messages.proposal_url(locked.pk),
            "message": f"{user.username} вышел(а) из обмена до передачи: {reason}. "
            "Ваши вещи снова свободны, подбираем новые варианты.",
        }
        notify_many([(uid, "proposal_cancelled", payload) for uid in others])
        _rematch_later(others)
        user_trust_strike(user_id=user.pk, strikes=STRIKES_WITHDRAWAL)
    return locked


def proposal_cancel_for_ban(*, proposal_id: int, banned_id: int) -> bool:
    """A banned participant's pending or confirmed proposal is cancelled; the others are
    told why and re-matched. False when it was already closed."""
    with transaction.atomic():
        locked = _lock(proposal_id)
        if locked.status not in (S.PENDING, S.CONFIRMED):
            return False
        _cancel(locked, reason="user_banned", rematch_exclude={banned_id})
    return True


def proposal_close_by_staff(
    *, proposal: Proposal, outcome: str, no_show_id: int | None = None
) -> Proposal:
    """A dispute decision on a confirmed exchange: `complete` or `cancel` it.

    A completed exchange keeps its state (the decision's sanction is what matters then).
    `no_show_id`: the participant whose no-show staff upheld; they get no-show strikes.
    """
    with transaction.atomic():
        locked = _lock(proposal.pk)
        if locked.status == S.CONFIRMED:
            if outcome == "complete":
                _complete(locked)
            else:
                _cancel(locked, reason="staff_decision", rematch_exclude=set())
        elif locked.status != S.COMPLETED:
            raise InvalidState("Обмен уже закрыт", code=f"proposal_{locked.status}")
        if no_show_id is not None:
            user_trust_strike(user_id=no_show_id, strikes=STRIKES_NO_SHOW)
    return locked


def proposals_cancel_between(*, a_id: int, b_id: int) -> int:
    """A block: pending proposals holding both users are cancelled (without saying why: the
    blocked side is not told); everyone else in them is re-matched. Confirmed exchanges are
    left to their participants (withdraw or dispute)."""
    both = (
        Proposal.objects.filter(status=S.PENDING, participants__user_id=a_id)
        .filter(participants__user_id=b_id)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in sorted(set(both)):
        with transaction.atomic():
            locked = _lock(pk)
            if locked.status == S.PENDING:
                _cancel(locked, reason="conditions_changed", rematch_exclude=set())
                count += 1
    return count
