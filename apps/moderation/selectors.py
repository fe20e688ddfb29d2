"""Reads for the moderators' pages: the reported object in its context, the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.chat.models import Message
from apps.exchange.models import ListingItem, Proposal
from apps.market.models import Listing
from apps.moderation.models import AuditLog, Dispute, DisputeStatus, Report, ReportTarget

CONTEXT_MESSAGES = 4  # messages shown before and after a reported one


def report_context(report: Report) -> dict:
    """What a moderator needs to judge: the object itself plus its surroundings."""
    ctx: dict = {
        "accused_reports": Report.objects.filter(accused=report.accused).count(),
        "accused_actions": AuditLog.objects.filter(target_type="user", target_id=report.accused_id)[
            :10
        ],
        "same_target": Report.objects.filter(
            target_type=report.target_type, target_id=report.target_id
        )
        .exclude(pk=report.pk)
        .select_related("reporter"),
    }
    kind = report.target_type
    if kind == ReportTarget.LISTING:
        ctx["listing"] = (
            Listing.objects.select_related("game", "seller").filter(pk=report.target_id).first()
        )
    elif kind == ReportTarget.ITEM:
        ctx["item"] = (
            ListingItem.objects.select_related("category").filter(pk=report.target_id).first()
        )
    elif kind == ReportTarget.MESSAGE:
        message = Message.objects.select_related("conversation").filter(pk=report.target_id).first()
        ctx["message"] = message
        if message is not None:
            thread = message.conversation.messages.select_related("sender")
            before = list(thread.filter(pk__lt=message.pk).order_by("-pk")[:CONTEXT_MESSAGES])
            after = list(thread.filter(pk__gt=message.pk).order_by("pk")[:CONTEXT_MESSAGES])
            ctx["thread"] = [*before[::-1], message, *after]
    elif kind == ReportTarget.PROPOSAL:
        ctx["proposal"] = Proposal.objects.filter(pk=report.target_id).first()
        if ctx["proposal"] is not None:
            ctx["legs"] = ctx["proposal"].legs.select_related("giver", "receiver", "offer", "want")
    elif kind == ReportTarget.USER:
        ctx["person"] = User.objects.filter(pk=report.target_id).first()
    return ctx


def dispute_queue() -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("opened_by", "respondent")
        .order_by("created_at", "pk")
    )


def audit_list(*, target_type: str = "", target_id: int | None = None) -> QuerySet[AuditLog]:
    qs = AuditLog.objects.select_related("actor")
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id is not None:
        qs = qs.filter(target_id=target_id)
    return qs
