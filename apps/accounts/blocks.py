"""Blocking: a user blocks another; no chat, purchase requests or exchanges between them.

The check is symmetric (either side's block stops both), and the blocked side is never told:
its refused actions get the same messages as any other unavailable listing or chat, and no
notification is sent. `blocked_user_pairs` feeds the matching engine (Market.blocked_users).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from apps.accounts.models import User, UserBlock
from apps.common.errors import ValidationFailed


def user_block(*, blocker: User, blocked: User) -> bool:
    """Block `blocked`; True if it is new. Blocking twice changes nothing."""
    if blocker.pk == blocked.pk:
        raise ValidationFailed("Нельзя заблокировать себя", code="block_self")
    try:
        with transaction.atomic():
            UserBlock.objects.create(blocker=blocker, blocked=blocked)
    except IntegrityError:
        return False
    return True


def user_unblock(*, blocker: User, blocked: User) -> bool:
    return UserBlock.objects.filter(blocker=blocker, blocked=blocked).delete()[0] > 0


def users_blocked(a_id: int, b_id: int) -> bool:
    """Whether either of the two users blocked the other."""
    return UserBlock.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_by(*, user: User) -> QuerySet[UserBlock]:
    """The people `user` blocked (for their settings page)."""
    return UserBlock.objects.filter(blocker=user).select_related("blocked")


def blocked_user_pairs(user_ids: Iterable[int] | None = None) -> frozenset[tuple[int, int]]:
    """(blocker, blocked) pairs, limited to pairs of `user_ids` when given."""
    qs = UserBlock.objects.all()
    if user_ids is not None:
        ids = list(user_ids)
        qs = qs.filter(blocker_id__in=ids, blocked_id__in=ids)
    return frozenset(qs.values_list("blocker_id", "blocked_id"))
