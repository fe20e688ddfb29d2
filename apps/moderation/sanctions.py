"""Sanctions against a user: a warning, a temporary or permanent ban, lifting a ban.

A ban takes effect at once everywhere: `is_active=False` makes the web session backend, the
login forms and the JWT auth/refresh refuse the user; `sessions_end_all` revokes their refresh
families and web sessions; their LootLink listings and FreeMarket items are hidden; their open
deals and proposals are cancelled with a notice to the other side. Disputes stay with staff.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import sessions_end_all
from apps.common.errors import InvalidState, PermissionDenied, ValidationFailed
from apps.exchange.models import ItemStatus, ListingItem, Proposal, ProposalStatus
from apps.exchange.proposal_trust import proposal_cancel_for_ban
from apps.market.models import DealStatus, Listing, ListingStatus, PurchaseRequest
from apps.market.services.deals import purchase_request_cancel_for_ban
from apps.moderation.audit import audit_record
from apps.notifications.services import notify


def _require_staff(staff: User) -> None:
    if not staff.is_staff:
        raise PermissionDenied("Действие доступно только модераторам", code="not_staff")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Укажите причину решения", code="reason_required")
    return reason


def user_warn(*, user: User, staff: User, reason: str) -> None:
    """A recorded warning; the user gets a notification with the reason."""
    _require_staff(staff)
    reason = _require_reason(reason)
    with transaction.atomic():
        audit_record(
            actor=staff, action="warn", target_type="user", target_id=user.pk, reason=reason
        )
        notify(
            user_id=user.pk,
            type="moderation_warning",
            payload={"message": f"Предупреждение от модератора: {reason}"},
        )


def user_ban(*, user: User, staff: User, reason: str, days: int | None = None) -> None:
    """Ban `user` (for `days`, or for good): logged out everywhere, listings hidden, open
    deals and proposals cancelled with a notice to the other side."""
    _require_staff(staff)
    reason = _require_reason(reason)
    if user.is_staff:
        raise PermissionDenied("Модератора нельзя заблокировать", code="ban_staff")
    until = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False, banned_until=until)
        user.is_active, user.banned_until = False, until
        audit_record(
            actor=staff,
            action="ban",
            target_type="user",
            target_id=user.pk,
            reason=reason,
            days=days,
        )
        _hide_and_cancel(user)
    sessions_end_all(user=user)


def _hide_and_cancel(user: User) -> None:
    open_deals = PurchaseRequest.objects.filter(
        status__in=(DealStatus.PENDING, DealStatus.ACCEPTED, DealStatus.DELIVERED)
    ).filter(buyer=user) | PurchaseRequest.objects.filter(
        status__in=(DealStatus.PENDING, DealStatus.ACCEPTED, DealStatus.DELIVERED), seller=user
    )
    for pr in open_deals.order_by("pk"):
        purchase_request_cancel_for_ban(pr=pr, banned_id=user.pk)
    Listing.objects.filter(seller=user).exclude(status=ListingStatus.SOLD).update(
        status=ListingStatus.CANCELLED, moderation_hidden=True, updated_at=timezone.now()
    )
    proposals = Proposal.objects.filter(
        participants__user=user,
        status__in=(ProposalStatus.PENDING, ProposalStatus.CONFIRMED),
    ).values_list("pk", flat=True)
    for pk in sorted(set(proposals)):
        proposal_cancel_for_ban(proposal_id=pk, banned_id=user.pk)
    ListingItem.objects.filter(user=user, status=ItemStatus.ACTIVE).update(
        status=ItemStatus.ARCHIVED, updated_at=timezone.now()
    )


def user_unban(*, user: User, staff: User, reason: str) -> None:
    _require_staff(staff)
    reason = _require_reason(reason)
    with transaction.atomic():
        if user.is_deleted:
            raise InvalidState("Аккаунт удалён", code="user_deleted")
        User.objects.filter(pk=user.pk).update(is_active=True, banned_until=None)
        audit_record(
            actor=staff, action="unban", target_type="user", target_id=user.pk, reason=reason
        )
