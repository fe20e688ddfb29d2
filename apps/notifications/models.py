from __future__ import annotations

from django.conf import settings
from django.db import models


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
