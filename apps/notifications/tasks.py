"""Celery tasks of the outbox. They take ids, are idempotent, and run outside transactions."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.notifications import delivery
from apps.notifications.models import Channel, Delivery, DeliveryStatus, NotificationSettings
from apps.notifications.preferences import zone_of

DIGEST_HOUR = 8  # local time of the user


BREAKER = 3  # consecutive failures of a channel that end its part of a batch


def deliveries_send_now(ids: list[int]) -> dict[str, int]:
    """Send rows one by one. When a channel fails BREAKER times in a row (Telegram or SMTP is
    down), its remaining rows are left queued for the beat instead of each waiting for a timeout."""
    channels = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "channel"))
    failures: dict[str, int] = {}
    counts: dict[str, int] = {}
    for pk in ids:
        channel = channels.get(pk, "")
        if failures.get(channel, 0) >= BREAKER:
            status = "deferred"
        else:
            status = delivery.delivery_send(pk=pk) or "not_claimed"
            failed = status in (DeliveryStatus.RETRY, DeliveryStatus.FAILED)
            failures[channel] = failures.get(channel, 0) + 1 if failed else 0
        counts[status] = counts.get(status, 0) + 1
    return counts


@shared_task(name="notifications.deliveries_send", ignore_result=True)
def deliveries_send(ids: list[int]) -> dict[str, int]:
    """Send these rows (after the event's commit). A row to retry is also scheduled for its
    `next_attempt_at` on a worker; the beat task is the safety net either way."""
    counts = deliveries_send_now(ids)
    if counts.get(DeliveryStatus.RETRY) and not settings.CELERY_TASK_ALWAYS_EAGER:
        now = timezone.now()
        for pk, due in Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.RETRY).values_list(
            "pk", "next_attempt_at"
        ):
            deliveries_send.apply_async(args=[[pk]], eta=max(due, now))
    return counts


@shared_task(name="notifications.deliveries_send_due", ignore_result=True)
def deliveries_send_due() -> dict[str, int]:
    """Beat: whatever is due (new rows nobody kicked, retries, quiet hours over, stale claims).
    When Telegram or SMTP comes back, this is what catches up."""
    return deliveries_send_now(delivery.deliveries_due())


@shared_task(name="notifications.email_digest_send", ignore_result=True)
def email_digest_send() -> int:
    return email_digest_queue(now=timezone.now())


def email_digest_queue(*, now) -> int:
    """Queue and send today's digest for users who chose it, once their local 08:00 has passed.
    The row's key is the local date, so each user gets one digest a day however often this runs."""
    ids = []
    for prefs in NotificationSettings.objects.filter(
        email_digest=True, user__email_verified=True, user__is_active=True
    ).select_related("user"):
        local = now.astimezone(zone_of(prefs))
        if local.hour < DIGEST_HOUR or not prefs.user.email:
            continue
        try:
            with transaction.atomic():
                row = Delivery.objects.create(
                    user_id=prefs.user_id,
                    channel=Channel.EMAIL,
                    key=f"digest:{local.date().isoformat()}",
                )
        except IntegrityError:
            continue  # already queued today
        ids.append(row.pk)
    deliveries_send_now(ids)
    return len(ids)
