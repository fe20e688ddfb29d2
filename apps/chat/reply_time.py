"""Typical reply time of a person in chats: the median delay between a message someone sends
them and their next answer in the same conversation (last 90 days, cached for an hour)."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.chat.models import Message

WINDOW = timedelta(days=90)
MIN_SAMPLES = 3
MAX_MESSAGES = 2000
CACHE_SECONDS = 3600


def _delays(user_id: int) -> list[float]:
    since = timezone.now() - WINDOW
    rows = (
        Message.objects.filter(
            conversation__participants__user_id=user_id,
            conversation__is_group=False,
            created_at__gte=since,
        )
        .order_by("conversation_id", "created_at", "pk")
        .values_list("conversation_id", "sender_id", "created_at")[:MAX_MESSAGES]
    )
    delays: list[float] = []
    waiting: dict[int, object] = {}  # conversation -> first unanswered message time
    for conversation_id, sender_id, created_at in rows:
        if sender_id != user_id:
            waiting.setdefault(conversation_id, created_at)
        elif conversation_id in waiting:
            delays.append((created_at - waiting.pop(conversation_id)).total_seconds() / 60)
    return delays


def typical_reply_minutes(*, user_id: int) -> float | None:
    """Median minutes to answer, or None with fewer than three answers to measure."""
    key = f"uimarket:reply-minutes:{user_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached if cached >= 0 else None
    delays = _delays(user_id)
    value = median(delays) if len(delays) >= MIN_SAMPLES else None
    cache.set(key, value if value is not None else -1, CACHE_SECONDS)
    return value


def reply_time_label(minutes: float | None) -> str:
    if minutes is None:
        return ""
    if minutes <= 15:
        return _("Обычно отвечает в течение 15 минут")
    if minutes <= 60:
        return _("Обычно отвечает в течение часа")
    if minutes <= 24 * 60:
        return _("Обычно отвечает в течение дня")
    return _("Обычно отвечает дольше суток")
