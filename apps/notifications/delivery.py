"""Sending one outbox row, exactly once per claim.

A delivery is claimed with a conditional update (`pending|retry -> sending`, one row changed or
somebody else has it), sent outside any transaction, then marked with another conditional update
(`sending -> sent|retry|failed|skipped`). Running the task twice, or two workers at once, sends
nothing twice. Failures back off exponentially (NOTIFY_RETRY_BASE_SECONDS * 2^(attempt-1), at most
an hour) and stop after NOTIFY_MAX_ATTEMPTS as `failed`, which staff see in the admin. A 429 with
`retry_after` waits exactly that long and does not count as a failed attempt.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from apps.notifications.channels import email as email_channel
from apps.notifications.channels import telegram as telegram_channel
from apps.notifications.channels.base import RetryLater, Skip
from apps.notifications.models import Channel, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

S = DeliveryStatus
SENDERS = {Channel.TELEGRAM: telegram_channel.send, Channel.EMAIL: email_channel.send}
CLAIMABLE = [S.PENDING, S.RETRY]
STALE_SENDING = timedelta(minutes=10)
MAX_BACKOFF = 3600


def backoff_seconds(attempt: int) -> float:
    base = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    return min(base, MAX_BACKOFF) * random.uniform(1.0, 1.2)  # jitter spreads a burst


def _claim(pk: int) -> bool:
    now = timezone.now()
    return (
        Delivery.objects.filter(pk=pk, status__in=CLAIMABLE, next_attempt_at__lte=now).update(
            status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def _finish(pk: int, **fields) -> None:
    Delivery.objects.filter(pk=pk, status=S.SENDING).update(**fields)


def delivery_send(*, pk: int) -> str:
    """Claim and send one delivery; returns the status it ended in ("" if not ours to send)."""
    if not _claim(pk):
        return ""
    delivery = Delivery.objects.select_related("notification", "user").get(pk=pk)
    now = timezone.now()
    try:
        if not delivery.user.is_active:
            raise Skip("аккаунт неактивен")
        extra = SENDERS[delivery.channel](delivery) or {}
    except Skip as exc:
        _finish(pk, status=S.SKIPPED, last_error=str(exc)[:2000])
        return S.SKIPPED
    except RetryLater as exc:  # rate limited: wait what the server asked, not a failure
        _finish(
            pk,
            status=S.RETRY,
            attempts=F("attempts") - 1,
            next_attempt_at=now + timedelta(seconds=exc.seconds),
            last_error=str(exc)[:2000],
        )
        return S.RETRY
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            logger.error("delivery %s failed for good: %s", pk, error)
            _finish(pk, status=S.FAILED, last_error=error)
            return S.FAILED
        logger.warning("delivery %s failed (attempt %s): %s", pk, delivery.attempts, error)
        _finish(
            pk,
            status=S.RETRY,
            next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)),
            last_error=error,
        )
        return S.RETRY
    _finish(pk, status=S.SENT, sent_at=timezone.now(), last_error="", **extra)
    return S.SENT


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Rows whose time has come (pending, retry), oldest first; stale claims are released
    (a worker died between claim and mark: the row is sent again, see docs/notifications.md)."""
    now = timezone.now()
    Delivery.objects.filter(status=S.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=S.RETRY, last_error="claim expired: the sender stopped before marking the row"
    )
    return list(
        Delivery.objects.filter(status__in=CLAIMABLE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_retry_now(*, pks: list[int]) -> int:
    """Staff: put failed rows back in the queue."""
    return Delivery.objects.filter(pk__in=pks, status__in=[S.FAILED, S.RETRY]).update(
        status=S.RETRY, next_attempt_at=timezone.now()
    )
