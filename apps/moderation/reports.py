"""Reports ("Пожаловаться") and what moderators do with them.

A report names an object the reporter can see (a listing, a want/offer, a user, a message in
one of their chats, a proposal they are in) and whose content it is (`accused`). Moderators
act on a report: hide the object, warn or ban its author (for some days or for good), or
dismiss it. Acting closes every open report on the same object at once; every action is in the
audit log and the reporters are told the report was handled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.chat.models import Message
from apps.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.exchange.models import ItemStatus, ListingItem, Proposal, ProposalParticipant
from apps.exchange.proposals import proposals_cancel_for_items
from apps.market.models import Listing, ListingStatus
from apps.market.services.deals import reject_pending_requests
from apps.moderation.audit import audit_record
from apps.moderation.models import (
    Report,
    ReportAction,
    ReportReason,
    ReportStatus,
    ReportTarget,
)
from apps.moderation.sanctions import _require_reason, _require_staff, user_ban, user_warn
from apps.notifications.services import notify

HIDDEN_MESSAGE = "Сообщение скрыто модератором"
HIDEABLE = (ReportTarget.LISTING, ReportTarget.ITEM, ReportTarget.MESSAGE)
TEMP_BAN_DAYS = 7


@dataclass(frozen=True)
class Target:
    type: str
    obj: object
    accused: User
    title: str
    url: str


def _not_found() -> NotFound:
    return NotFound("Объект не найден", code="report_target_not_found")


def report_target_get(
    *, user: User, target_type: str, target_id: int, accused_id: int | None = None
) -> Target:
    """The object `user` wants to report, if they can see it; otherwise 404."""
    if target_type == ReportTarget.LISTING:
        listing = Listing.objects.select_related("seller").filter(pk=target_id).first()
        if listing is None or (listing.moderation_hidden and listing.seller_id != user.pk):
            raise _not_found()
        return Target(
            target_type, listing, listing.seller, listing.title, listing.get_absolute_url()
        )
    if target_type == ReportTarget.ITEM:
        item = ListingItem.objects.select_related("user").filter(pk=target_id).first()
        if item is None or item.status != ItemStatus.ACTIVE:
            raise _not_found()
        return Target(target_type, item, item.user, item.item_name, "/exchange/")
    if target_type == ReportTarget.USER:
        person = User.objects.filter(pk=target_id, is_active=True, is_deleted=False).first()
        if person is None:
            raise _not_found()
        return Target(
            target_type, person, person, person.username, f"/accounts/profile/{person.username}/"
        )
    if target_type == ReportTarget.MESSAGE:
        message = (
            Message.objects.select_related("sender", "conversation")
            .filter(pk=target_id, conversation__participants__user=user)
            .first()
        )
        if message is None:
            raise _not_found()
        return Target(
            target_type,
            message,
            message.sender,
            message.content[:80],
            message.conversation.get_absolute_url(),
        )
    if target_type == ReportTarget.PROPOSAL:
        proposal = Proposal.objects.filter(pk=target_id, participants__user=user).first()
        if proposal is None:
            raise _not_found()
        members = ProposalParticipant.objects.filter(proposal=proposal).exclude(user=user)
        member = members.select_related("user").filter(user_id=accused_id).first()
        if member is None:
            raise ValidationFailed("Выберите участника обмена", code="bad_accused")
        return Target(
            target_type,
            proposal,
            member.user,
            f"Обмен №{proposal.pk}",
            f"/exchange/proposals/{proposal.pk}/",
        )
    raise _not_found()


def report_create(
    *,
    reporter: User,
    target_type: str,
    target_id: int,
    reason: str,
    comment: str = "",
    accused_id: int | None = None,
) -> Report:
    """File a report; a second open report on the same object by the same user is a 409."""
    target = report_target_get(
        user=reporter, target_type=target_type, target_id=target_id, accused_id=accused_id
    )
    if target.accused.pk == reporter.pk:
        raise PermissionDenied("Нельзя пожаловаться на себя", code="report_self")
    if reason not in ReportReason.values:
        raise ValidationFailed("Выберите причину жалобы", code="bad_reason")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=target_id,
                accused=target.accused,
                reason=reason,
                comment=(comment or "").strip(),
            )
    except IntegrityError as exc:
        raise Conflict("Вы уже пожаловались, жалоба ждёт модератора", code="report_exists") from exc


def report_queue(
    *, status: str = ReportStatus.OPEN, target_type: str = "", reason: str = ""
) -> QuerySet[Report]:
    qs = Report.objects.select_related("reporter", "accused", "handled_by")
    if status:
        qs = qs.filter(status=status)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if reason:
        qs = qs.filter(reason=reason)
    # the oldest open report first: nobody waits forever
    return qs.order_by("created_at", "pk") if status == ReportStatus.OPEN else qs


def report_get_for_staff(*, user: User, pk: int) -> Report:
    if not user.is_staff:
        raise NotFound("Жалоба не найдена", code="report_not_found")
    report = (
        Report.objects.select_related("reporter", "accused", "handled_by").filter(pk=pk).first()
    )
    if report is None:
        raise NotFound("Жалоба не найдена", code="report_not_found")
    return report


def _hide(report: Report) -> dict:
    """Hide the reported object; return what the audit log should keep of it."""
    if report.target_type == ReportTarget.LISTING:
        listing = Listing.objects.select_for_update().get(pk=report.target_id)
        was = listing.status
        Listing.objects.filter(pk=listing.pk).update(
            moderation_hidden=True,
            status=ListingStatus.CANCELLED if was == ListingStatus.ACTIVE else was,
            updated_at=timezone.now(),
        )
        reject_pending_requests(listing_id=listing.pk, reason="объявление скрыто модератором")
        return {"title": listing.title, "status_was": was}
    if report.target_type == ReportTarget.ITEM:
        item = ListingItem.objects.get(pk=report.target_id)
        try:
            with transaction.atomic():
                proposals_cancel_for_items([item.pk], "item_archived")
        except Conflict as exc:  # held by a confirmed exchange: finish or dispute it first
            raise Conflict(
                "Позиция участвует в подтверждённом обмене; скрыть её можно после него",
                code="item_reserved",
            ) from exc
        ListingItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.ARCHIVED, updated_at=timezone.now()
        )
        return {"item_name": item.item_name}
    if report.target_type == ReportTarget.MESSAGE:
        message = Message.objects.get(pk=report.target_id)
        Message.objects.filter(pk=message.pk).update(content=HIDDEN_MESSAGE)
        return {"content": message.content}  # the evidence stays in the audit log
    raise ValidationFailed(
        "Этот объект нельзя скрыть: предупредите или заблокируйте автора", code="not_hideable"
    )


@transaction.atomic
def report_handle(
    *, report: Report, staff: User, action: str, note: str, days: int | None = None
) -> Report:
    """A moderator's decision on a report (and on every open report on the same object)."""
    _require_staff(staff)
    note = _require_reason(note)
    if action not in ReportAction.values:
        raise ValidationFailed("Выберите действие", code="bad_action")
    status = ReportStatus.DISMISSED if action == ReportAction.DISMISS else ReportStatus.ACTIONED
    now = timezone.now()
    fields = {
        "status": status,
        "action": action,
        "handled_by": staff,
        "handled_at": now,
        "resolution_note": note,
    }
    if Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(**fields) != 1:
        raise Conflict("Жалобу уже рассмотрели", code="report_handled")
    same = Report.objects.filter(
        target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN
    )
    reporter_ids = {report.reporter_id, *same.values_list("reporter_id", flat=True)}
    same.update(**fields)
    details: dict = {"report_id": report.pk}
    accused = report.accused
    if action == ReportAction.HIDE:
        details |= _hide(report)
    elif action == ReportAction.WARN:
        user_warn(user=accused, staff=staff, reason=note)
    elif action in (ReportAction.BAN_TEMP, ReportAction.BAN):
        length = (days or TEMP_BAN_DAYS) if action == ReportAction.BAN_TEMP else None
        details["days"] = length
        user_ban(user=accused, staff=staff, reason=note, days=length)
    audit_record(
        actor=staff,
        action=f"report_{action}",
        target_type=report.target_type,
        target_id=report.target_id,
        reason=note,
        **details,
    )
    text = (
        "Ваша жалоба рассмотрена: модератор принял меры. Спасибо!"
        if status == ReportStatus.ACTIONED
        else "Ваша жалоба рассмотрена: нарушений не найдено."
    )
    for uid in sorted(reporter_ids):
        notify(user_id=uid, type="report_handled", payload={"message": text})
    report.refresh_from_db()
    return report
