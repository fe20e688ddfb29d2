from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """An in-app notification; `payload` holds the type's fields (partner, message, url, ...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.type} → {self.user_id}"

    @property
    def message(self) -> str:
        return self.payload.get("message", "")

    @property
    def url(self) -> str:
        return self.payload.get("url", "")

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "user_id": self.user_id,
            "type": self.type,
            "payload": self.payload,
            "read": self.read,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
        }


class Channel(models.TextChoices):
    SITE = "site", "На сайте"
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", "Эл. почта"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "ожидает"
    SENDING = "sending", "отправляется"
    SENT = "sent", "отправлено"
    RETRY = "retry", "ошибка, повтор"
    FAILED = "failed", "не доставлено"
    SKIPPED = "skipped", "пропущено"


class Delivery(models.Model):
    """One message to send on one channel (the outbox). Written in the event's transaction.

    `key` is "n:<notification id>" or "digest:<date>": unique per user and channel, so a
    notification is queued at most once per channel. Moves: pending/retry -> sending (the claim,
    a conditional update) -> sent | retry | failed | skipped.
    """

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    key = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    chat_id = models.BigIntegerField(null=True, blank=True)  # Telegram: where it went
    external_id = models.CharField(max_length=64, blank=True)  # Telegram: the message id
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "доставка уведомления"
        verbose_name_plural = "доставки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["user", "channel", "key"], name="delivery_unique_key")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["chat_id", "external_id"]),
            models.Index(fields=["user", "channel", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} → {self.user_id}: {self.status}"


class NotificationSettings(models.Model):
    """A user's choices; a missing row means the defaults (apps/notifications/kinds.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # {"<kind>": {"site": bool, "telegram": bool, "email": bool}}: only what differs from defaults
    prefs = models.JSONField(default=dict, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)  # "" = settings.TIME_ZONE
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    email_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"


class TelegramLinkToken(models.Model):
    """A one-time deep-link token (`/start <token>`); only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"telegram link of {self.user_id}"
