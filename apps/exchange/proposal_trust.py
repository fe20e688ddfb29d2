"""Proposals after "everyone accepted" when something goes wrong: staff closing a disputed
exchange, a ban cancelling a user's open proposals.

Same frame as apps/exchange/proposals.py: lock the row, check the state, conditional update,
free the items (delete their `ProposalItemLock` rows) and re-match the others after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.common.errors import InvalidState
from apps.exchange import proposal_messages as messages
from apps.exchange.models import Proposal
from apps.exchange.models import ProposalStatus as S
from apps.exchange.proposals import _complete, _lock, _move, _release, _rematch_later


def _cancel(locked: Proposal, *, reason: str, rematch_exclude: set[int]) -> None:
    _move(locked, S.CANCELLED, closed_at=timezone.now(), close_reason=reason)
    _release(locked)
    messages.proposal_cancelled(locked, reason=reason)
    others = locked.participants.exclude(user_id__in=rematch_exclude)
    _rematch_later(list(others.values_list("user_id", flat=True)))


def proposal_cancel_for_ban(*, proposal_id: int, banned_id: int) -> bool:
    """A banned participant's pending or confirmed proposal is cancelled; the others are
    told why and re-matched. False when it was already closed."""
    with transaction.atomic():
        locked = _lock(proposal_id)
        if locked.status not in (S.PENDING, S.CONFIRMED):
            return False
        _cancel(locked, reason="user_banned", rematch_exclude={banned_id})
    return True


def proposal_close_by_staff(*, proposal: Proposal, outcome: str) -> Proposal:
    """A dispute decision on a confirmed exchange: `complete` or `cancel` it.

    A completed exchange keeps its state (the decision's sanction is what matters then).
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
    return locked
