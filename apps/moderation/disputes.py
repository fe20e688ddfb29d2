"""Disputes: a participant complains, both sides write (with image evidence), staff decide.

    open  --(staff decision: outcome complete|cancel, sanction none|warn|ban)-->  resolved

A LootLink dispute moves its deal to `disputed` (apps.market.services.deals, the buyer only,
from accepted or delivered); the decision completes or cancels the deal. A FreeMarket dispute
is opened by a participant of a confirmed or completed exchange against another participant;
the decision completes or cancels a confirmed exchange. The respondent has
DISPUTE_ANSWER_DAYS to answer; after that staff may decide on what they have. Every step is a
timeline event and a notification to the participants; the decision is also in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.common.errors import Conflict, InvalidState, NotFound, ValidationFailed
from apps.exchange.models import Proposal, ProposalParticipant
from apps.exchange.models import ProposalStatus as PS
from apps.exchange.proposal_trust import proposal_close_by_staff
from apps.market.images import image_process
from apps.market.models import PurchaseRequest
from apps.market.services.deals import purchase_request_dispute, purchase_request_resolve
from apps.moderation.audit import audit_record
from apps.moderation.models import (
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeOutcome,
    DisputeReason,
    DisputeStatus,
    Sanction,
)
from apps.moderation.sanctions import _require_reason, _require_staff, user_ban, user_warn
from apps.notifications.services import notify

DEAL_REASONS = (DisputeReason.NOT_RECEIVED, DisputeReason.NOT_AS_DESCRIBED)


def _participants(dispute: Dispute) -> tuple[int, int]:
    return dispute.opened_by_id, dispute.respondent_id


def _tell(dispute: Dispute, user_ids, message: str) -> None:
    for uid in user_ids:
        notify(
            user_id=uid,
            type="dispute_update",
            payload={
                "message": message,
                "url": dispute.get_absolute_url(),
                "dispute_id": dispute.pk,
            },
        )


def _event(dispute: Dispute, *, author: User | None, kind: str, text: str, image=None):
    event = DisputeEvent(dispute=dispute, author=author, kind=kind, text=text.strip())
    if image is not None:
        processed = image_process(image)  # checked and re-encoded like listing images
        event.image.save(processed.image.name, processed.image, save=False)
        event.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    event.save()
    return event


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Опишите, что произошло", code="text_required")
    return text


def _create(dispute: Dispute, *, user: User, text: str, image) -> Dispute:
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError as exc:
        raise Conflict("Спор по этой сделке уже открыт", code="dispute_exists") from exc
    _event(dispute, author=user, kind=DisputeEventKind.OPENED, text=text, image=image)
    due = timezone.localtime(dispute.answer_due_at).strftime("%d.%m.%Y %H:%M")
    _tell(
        dispute,
        [dispute.respondent_id],
        f"{user.username} открыл(а) спор: {dispute.subject} — «{dispute.get_reason_display()}». "
        f"Ответьте до {due}, иначе модератор решит без вашего ответа.",
    )
    _tell(dispute, [user.pk], f"Спор открыт: {dispute.subject}. Модератор рассмотрит его.")
    return dispute


def _due() -> timezone.datetime:
    return timezone.now() + timedelta(days=settings.DISPUTE_ANSWER_DAYS)


@transaction.atomic
def dispute_open_for_deal(
    *, pr: PurchaseRequest, user: User, reason: str, text: str, image=None
) -> Dispute:
    """The buyer disputes an accepted or delivered deal (it becomes `disputed`)."""
    if reason not in DEAL_REASONS:
        raise ValidationFailed("Выберите причину спора", code="bad_reason")
    text = _check_text(text)
    purchase_request_dispute(pr=pr, user=user)  # role and state checks, conditional update
    dispute = Dispute(
        purchase_request=pr,
        opened_by=user,
        respondent_id=pr.seller_id,
        reason=reason,
        answer_due_at=_due(),
    )
    return _create(dispute, user=user, text=text, image=image)


@transaction.atomic
def dispute_open_for_proposal(
    *, proposal: Proposal, user: User, respondent_id: int, reason: str, text: str, image=None
) -> Dispute:
    """A participant of a confirmed or completed exchange disputes another participant."""
    ids = set(
        ProposalParticipant.objects.filter(proposal=proposal).values_list("user_id", flat=True)
    )
    if user.pk not in ids:
        raise NotFound("Предложение не найдено", code="proposal_not_found")
    if respondent_id not in ids or respondent_id == user.pk:
        raise ValidationFailed("Выберите участника обмена", code="bad_respondent")
    if reason not in DisputeReason.values:
        raise ValidationFailed("Выберите причину спора", code="bad_reason")
    if proposal.status not in (PS.CONFIRMED, PS.COMPLETED):
        raise InvalidState(
            "Спор можно открыть только после того, как все приняли обмен",
            code="proposal_not_confirmed",
        )
    text = _check_text(text)
    dispute = Dispute(
        proposal=proposal,
        opened_by=user,
        respondent_id=respondent_id,
        reason=reason,
        answer_due_at=_due(),
    )
    return _create(dispute, user=user, text=text, image=image)


def dispute_get_for(*, user: User, pk: int) -> Dispute:
    """The dispute, for its two sides and staff; anyone else gets 404."""
    qs = Dispute.objects.select_related("opened_by", "respondent", "decided_by", "purchase_request")
    if not user.is_staff:
        qs = qs.filter(Q(opened_by=user) | Q(respondent=user))
    dispute = qs.filter(pk=pk).first()
    if dispute is None:
        raise NotFound("Спор не найден", code="dispute_not_found")
    return dispute


def dispute_open_for(*, pr: PurchaseRequest) -> Dispute | None:
    return Dispute.objects.filter(purchase_request=pr).order_by("-pk").first()


def dispute_list_for(*, user: User) -> QuerySet[Dispute]:
    return Dispute.objects.filter(Q(opened_by=user) | Q(respondent=user)).select_related(
        "opened_by", "respondent"
    )


@transaction.atomic
def dispute_message_add(*, dispute: Dispute, user: User, text: str, image=None) -> DisputeEvent:
    """A side (or staff) adds a message and maybe an image; the others are notified."""
    if not dispute.is_open:
        raise InvalidState("Спор уже решён", code="dispute_resolved")
    if not user.is_staff and user.pk not in _participants(dispute):
        raise NotFound("Спор не найден", code="dispute_not_found")
    text = (text or "").strip()
    if not text and image is None:
        raise ValidationFailed("Напишите сообщение или приложите изображение", code="empty")
    event = _event(dispute, author=user, kind=DisputeEventKind.MESSAGE, text=text, image=image)
    if user.pk == dispute.respondent_id and dispute.answered_at is None:
        Dispute.objects.filter(pk=dispute.pk, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
    others = [uid for uid in _participants(dispute) if uid != user.pk]
    who = "Модератор" if user.is_staff and user.pk not in _participants(dispute) else user.username
    _tell(dispute, others, f"{who} написал(а) в споре: {dispute.subject}")
    return event


OUTCOME_TEXT = {
    DisputeOutcome.COMPLETE: "сделка признана состоявшейся",
    DisputeOutcome.CANCEL: "сделка отменена",
}


@transaction.atomic
def dispute_decide(
    *, dispute: Dispute, staff: User, outcome: str, sanction: str = "", note: str
) -> Dispute:
    """Staff close the dispute: the outcome for the deal/exchange and maybe a sanction against
    the respondent; who decided and why are recorded (dispute row, timeline, audit log)."""
    _require_staff(staff)
    note = _require_reason(note)
    if outcome not in DisputeOutcome.values or sanction not in Sanction.values:
        raise ValidationFailed("Выберите решение", code="bad_decision")
    now = timezone.now()
    decided = Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
        status=DisputeStatus.RESOLVED,
        outcome=outcome,
        sanction=sanction,
        decided_by=staff,
        decision_note=note,
        decided_at=now,
    )
    if decided != 1:
        raise InvalidState("Спор уже решён", code="dispute_resolved")
    dispute.refresh_from_db()
    if dispute.purchase_request_id:
        purchase_request_resolve(pr=dispute.purchase_request, outcome=outcome, reason=note)
    else:
        # An upheld no-show: the exchange did not happen because the respondent did not come.
        upheld = dispute.reason == DisputeReason.NO_SHOW and outcome == DisputeOutcome.CANCEL
        proposal_close_by_staff(
            proposal=dispute.proposal,
            outcome=outcome,
            no_show_id=dispute.respondent_id if upheld else None,
        )
    respondent = dispute.respondent
    if sanction == Sanction.WARN:
        user_warn(user=respondent, staff=staff, reason=note)
    elif sanction == Sanction.BAN:
        user_ban(user=respondent, staff=staff, reason=note)
    summary = OUTCOME_TEXT[outcome]
    if sanction:
        summary += f"; {respondent.username}: {Sanction(sanction).label.lower()}"
    _event(dispute, author=staff, kind=DisputeEventKind.DECIDED, text=f"{summary}. {note}")
    audit_record(
        actor=staff,
        action="dispute_decide",
        target_type="dispute",
        target_id=dispute.pk,
        reason=note,
        outcome=outcome,
        sanction=sanction,
    )
    _tell(
        dispute, _participants(dispute), f"Решение по спору ({dispute.subject}): {summary}. {note}"
    )
    return dispute
