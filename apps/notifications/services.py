"""Writes on notifications. Every notification is also pushed to the user's live streams."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.common.errors import NotFound
from apps.notifications import events
from apps.notifications.models import Notification
from apps.notifications.outbox import Planner, outbox_write


def _new(planner: Planner, user_id: int, type_: str, payload: dict) -> Notification:
    # "site" off for this kind: kept in the history as read, never pushed or counted as unread.
    quiet = not planner.site(user_id, type_)
    return Notification(
        user_id=user_id,
        type=type_,
        payload=payload,
        read=quiet,
        read_at=timezone.now() if quiet else None,
    )


def notify(*, user_id: int, type: str, payload: dict) -> Notification:
    """Create a notification and its deliveries (Telegram, email) in the caller's transaction;
    it is pushed to live streams and delivered after the transaction commits."""
    planner = Planner([user_id])
    with transaction.atomic():
        notification = _new(planner, user_id, type, payload)
        notification.save()
        outbox_write([notification], planner)
    if not notification.read:
        data = notification.as_dict()
        transaction.on_commit(lambda: events.publish(user_id, "notification", data))
    return notification


def notify_many(rows: list[tuple[int, str, dict]]) -> list[Notification]:
    """Create many notifications at once (`(user_id, type, payload)` rows), pushed after commit.

    Used by matching runs, which may notify thousands of users in one transaction.
    """
    planner = Planner(uid for uid, _, _ in rows)
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [_new(planner, uid, type_, payload) for uid, type_, payload in rows]
        )
        outbox_write(created, planner)
    messages = [(n.user_id, n.as_dict()) for n in created if not n.read]

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


def notifications_mark_read_matching(*, user, type: str, conversation_id: int) -> int:
    """Mark read the user's unread notifications of one type about one conversation (answered
    from Telegram: the next message there notifies again)."""
    return Notification.objects.filter(
        user=user, type=type, read=False, payload__conversation_id=conversation_id
    ).update(read=True, read_at=timezone.now())
