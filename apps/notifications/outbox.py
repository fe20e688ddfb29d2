"""The outbox: delivery rows written in the same transaction as the notifications.

`Planner` loads the recipients' preferences once per batch; `outbox_write` adds a Delivery per
enabled channel (Telegram when the account is linked and the bot configured, email when the
address is verified and the daily digest is off) and asks for delivery after commit. Nothing is
sent inside the event's transaction: a rolled-back event leaves no rows and sends nothing.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications import tasks
from apps.notifications.kinds import kind_of
from apps.notifications.models import Channel, Delivery, Notification, NotificationSettings
from apps.notifications.preferences import channel_enabled, quiet_until

logger = logging.getLogger(__name__)
TASK_CHUNK = 200


class Planner:
    """Preferences and contact state of a batch's recipients, read once."""

    def __init__(self, user_ids) -> None:
        ids = set(user_ids)
        self.prefs = {p.user_id: p for p in NotificationSettings.objects.filter(user_id__in=ids)}
        self.users = {
            u["pk"]: u
            for u in User.objects.filter(pk__in=ids).values(
                "pk", "telegram_id", "email", "email_verified", "is_active"
            )
        }

    def site(self, user_id: int, type_: str) -> bool:
        return channel_enabled(self.prefs.get(user_id), type_, Channel.SITE)

    def channels(self, user_id: int, type_: str) -> list[str]:
        user = self.users.get(user_id)
        if not user or not user["is_active"]:
            return []
        prefs = self.prefs.get(user_id)
        out = []
        if (
            settings.TELEGRAM_BOT_TOKEN
            and user["telegram_id"]
            and channel_enabled(prefs, type_, Channel.TELEGRAM)
        ):
            out.append(Channel.TELEGRAM)
        if (
            user["email"]
            and user["email_verified"]
            and not (prefs and prefs.email_digest)
            and channel_enabled(prefs, type_, Channel.EMAIL)
        ):
            out.append(Channel.EMAIL)
        return out


def _batched_away(notification: Notification, channel: str) -> bool:
    """Chat messages: one delivery per conversation per NOTIFY_CHAT_BATCH_MINUTES."""
    if kind_of(notification.type) != "messages":
        return False
    conversation_id = notification.payload.get("conversation_id")
    since = timezone.now() - timedelta(minutes=settings.NOTIFY_CHAT_BATCH_MINUTES)
    return Delivery.objects.filter(
        user_id=notification.user_id,
        channel=channel,
        created_at__gte=since,
        notification__type=notification.type,
        notification__payload__conversation_id=conversation_id,
    ).exists()


def outbox_write(notifications: list[Notification], planner: Planner) -> list[int]:
    """Queue the deliveries of freshly created notifications (inside the caller's transaction)."""
    now = timezone.now()
    rows = []
    for n in notifications:
        for channel in planner.channels(n.user_id, n.type):
            if _batched_away(n, channel):
                continue
            rows.append(
                Delivery(
                    notification=n,
                    user_id=n.user_id,
                    channel=channel,
                    key=f"n:{n.pk}",
                    next_attempt_at=quiet_until(planner.prefs.get(n.user_id), now) or now,
                )
            )
    if not rows:
        return []
    created = Delivery.objects.bulk_create(rows)
    ids = [d.pk for d in created if d.next_attempt_at <= now]
    if ids:
        transaction.on_commit(lambda: deliveries_dispatch(ids))
    return [d.pk for d in created]


def deliveries_dispatch(ids: list[int]) -> None:
    """Start delivering after commit, the way NOTIFY_DELIVERY says."""
    try:
        _dispatch(ids)
    except Exception:  # e.g. the broker is down: the rows are committed, the beat sends them
        logger.exception("could not start delivery of %s rows; the beat task will", len(ids))


def _dispatch(ids: list[int]) -> None:
    mode = settings.NOTIFY_DELIVERY
    if mode == "inline":
        tasks.deliveries_send_now(ids)
    elif mode == "thread":
        threading.Thread(target=_in_thread, args=(ids,), daemon=True).start()
    else:  # a matching run may queue thousands: several tasks, so several workers can share
        for start in range(0, len(ids), TASK_CHUNK):
            tasks.deliveries_send.delay(ids[start : start + TASK_CHUNK])


def _in_thread(ids: list[int]) -> None:
    try:
        tasks.deliveries_send_now(ids)
    except Exception:  # the beat task / next kick retries; never kill the process
        logger.exception("background delivery failed")
    finally:
        connection.close()
