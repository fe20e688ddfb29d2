"""Trust & safety: disputes on deals and exchanges, reports, the moderators' audit log.

This app sits above market and exchange (it refers to their rows and calls their services);
they never import it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def evidence_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class DisputeReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Не получил")
    NO_SHOW = "no_show", _("Не пришёл на встречу")
    NOT_AS_DESCRIBED = "not_as_described", _("Не то, что обещали")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Открыт")
    RESOLVED = "resolved", _("Решён")


class DisputeOutcome(models.TextChoices):
    COMPLETE = "complete", _("Сделка состоялась")
    CANCEL = "cancel", _("Сделка отменена")


class Sanction(models.TextChoices):
    NONE = "", _("Без санкций")
    WARN = "warn", _("Предупреждение")
    BAN = "ban", _("Блокировка")


class Dispute(models.Model):
    """A participant's complaint about a LootLink deal or a confirmed FreeMarket exchange."""

    purchase_request = models.ForeignKey(
        "market.PurchaseRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="disputes",
    )
    proposal = models.ForeignKey(
        "exchange.Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disputes_opened"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disputes_against"
    )
    reason = models.CharField(_("причина"), max_length=20, choices=DisputeReason.choices)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answer_due_at = models.DateTimeField()  # the respondent's deadline to answer
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=DisputeOutcome.choices, blank=True)
    sanction = models.CharField(max_length=5, choices=Sanction.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="dispute_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(purchase_request__isnull=False, proposal__isnull=True)
                | Q(purchase_request__isnull=True, proposal__isnull=False),
                name="dispute_one_target",
            ),
            models.UniqueConstraint(
                fields=["purchase_request"],
                condition=Q(status="open", purchase_request__isnull=False),
                name="dispute_one_open_per_deal",
            ),
            models.UniqueConstraint(
                fields=["proposal", "opened_by"],
                condition=Q(status="open", proposal__isnull=False),
                name="dispute_one_open_per_proposal_user",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:dispute_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN

    @property
    def subject(self) -> str:
        if self.purchase_request_id:
            return f"Сделка №{self.purchase_request_id}"
        return f"Обмен №{self.proposal_id}"


class DisputeEventKind(models.TextChoices):
    OPENED = "opened", _("Спор открыт")
    MESSAGE = "message", _("Сообщение")
    DECIDED = "decided", _("Решение модератора")


class DisputeEvent(models.Model):
    """One step of a dispute's timeline: opening, a message (maybe with an image), the decision."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=DisputeEventKind.choices)
    text = models.TextField(blank=True, max_length=4000)
    image = models.ImageField(upload_to=evidence_path, blank=True, max_length=255)
    thumbnail = models.ImageField(upload_to=evidence_path, blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} in {self.dispute_id}"


AUDIT_ACTIONS = {
    "warn": _("предупреждение"),
    "ban": _("блокировка"),
    "unban": _("разблокировка"),
    "dispute_decide": _("решение по спору"),
    "report_hide": _("жалоба: объект скрыт"),
    "report_warn": _("жалоба: предупреждение"),
    "report_ban_temp": _("жалоба: временная блокировка"),
    "report_ban": _("жалоба: блокировка"),
    "report_dismiss": _("жалоба отклонена"),
}


class AuditLog(models.Model):
    """Every moderator action: who did what to which object, and why. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    reason = models.TextField(blank=True, max_length=2000)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.target_type}#{self.target_id}"

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.get(self.action, self.action)


class ReportTarget(models.TextChoices):
    LISTING = "listing", _("объявление")
    ITEM = "item", _("желание или предложение")
    USER = "user", _("пользователь")
    MESSAGE = "message", _("сообщение в чате")
    PROPOSAL = "proposal", _("предложение обмена")


class ReportReason(models.TextChoices):
    FRAUD = "fraud", _("Мошенничество")
    SPAM = "spam", _("Спам или реклама")
    PROHIBITED = "prohibited", _("Запрещённый товар или услуга")
    MISLEADING = "misleading", _("Обман в описании")
    ABUSE = "abuse", _("Оскорбления или угрозы")
    OTHER = "other", _("Другое")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Новая")
    ACTIONED = "actioned", _("Приняты меры")
    DISMISSED = "dismissed", _("Отклонена")


class ReportAction(models.TextChoices):
    HIDE = "hide", _("Скрыть объект")
    WARN = "warn", _("Предупредить автора")
    BAN_TEMP = "ban_temp", _("Заблокировать автора на время")
    BAN = "ban", _("Заблокировать автора навсегда")
    DISMISS = "dismiss", _("Отклонить жалобу")


class Report(models.Model):
    """A user's complaint about something another user posted (or about the user)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_sent"
    )
    target_type = models.CharField(max_length=10, choices=ReportTarget.choices)
    target_id = models.BigIntegerField()
    # whose content it is: warnings and bans apply to this user
    accused = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    reason = models.CharField(_("причина"), max_length=12, choices=ReportReason.choices)
    comment = models.TextField(_("комментарий"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=10, choices=ReportAction.choices, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_status_created"),
            models.Index(fields=["target_type", "target_id"], name="report_target"),
        ]
        constraints = [
            # one open report per reporter and object: a second click is not a second vote
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"report #{self.pk} {self.target_type}#{self.target_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:report_detail", args=[self.pk])
