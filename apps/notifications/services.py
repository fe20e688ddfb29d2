"""Writes on notifications. Every notification is also pushed to the user's live streams."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.common.errors import NotFound
from apps.notifications import events
from apps.notifications.models import Notification


def notify(*, user_id: int, type: str, payload: dict) -> Notification:
    """Create a notification; it is pushed to live streams after the transaction commits."""
    notification = Notification.objects.create(user_id=user_id, type=type, payload=payload)
    data = notification.as_dict()
    transaction.on_commit(lambda: events.publish(user_id, "notification", data))
    return notification


def notify_many(rows: list[tuple[int, str, dict]]) -> list[Notification]:
    """Create many notifications at once (`(user_id, type, payload)` rows), pushed after commit.

    Used by matching runs, which may notify thousands of users in one transaction.
    """
    created = Notification.objects.bulk_create(
        [Notification(user_id=uid, type=type_, payload=payload) for uid, type_, payload in rows]
    )
    messages = [(n.user_id, n.as_dict()) for n in created]

    def publish() -> None:
        for user_id, data in messages:
            events.publish(user_id, "notification", data)

    transaction.on_commit(publish)
    return created


def notification_get_for(*, user, pk: int) -> Notification:
    """The user's own notification (staff: anyone's); others get 404."""
    qs = Notification.objects.all() if user.is_staff else Notification.objects.filter(user=user)
    notification = qs.filter(pk=pk).first()
    if notification is None:
        raise NotFound("Уведомление не найдено", code="notification_not_found")
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    if not notification.read:
        Notification.objects.filter(pk=notification.pk, read=False).update(
            read=True, read_at=timezone.now()
        )
        notification.read = True
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read=False).update(
        read=True, read_at=timezone.now()
    )
