"""Telegram: messages through the Bot API (python-telegram-bot), within Telegram's limits.

Limits (TELEGRAM_RATE_GLOBAL messages a second overall, TELEGRAM_RATE_PER_CHAT a second per
chat) are counted in the shared cache, so all workers share them; a 429 answer's `retry_after`
is honoured by rescheduling the row (RetryLater).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import warnings
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext
from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from apps.notifications.channels.base import RetryLater, Skip, absolute
from apps.notifications.kinds import PROPOSAL_TYPES, kind_of
from apps.notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationSettings,
)
from apps.notifications.preferences import channel_enabled

# A proposal that closes this way takes the buttons off its earlier messages.
CLOSING_TYPES = {"proposal_declined", "proposal_expired", "proposal_cancelled"}
MAX_TEXT = 3500  # Telegram takes 4096 characters; room for the link and the hint
MAX_WAIT = 5.0  # seconds a sender waits for a free slot before giving the row back


def make_bot() -> Bot:
    """A Bot client for the configured API base (tests point it at a local fake)."""
    return Bot(
        settings.TELEGRAM_BOT_TOKEN,
        base_url=f"{settings.TELEGRAM_API_BASE}/bot",
        base_file_url=f"{settings.TELEGRAM_API_BASE}/file/bot",
        request=HTTPXRequest(connect_timeout=5.0, read_timeout=15.0),
    )


def proposal_buttons(proposal_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(gettext("Принять"), callback_data=f"pa:{proposal_id}"),
                InlineKeyboardButton(gettext("Отказаться"), callback_data=f"pd:{proposal_id}"),
            ]
        ]
    )


def render(notification: Notification) -> tuple[str, object | None]:
    """The message text (Russian, plain text) and its keyboard for a notification."""
    text = f"{notification.message[:MAX_TEXT]}\n\n{absolute(notification.url)}"
    payload = notification.payload
    if notification.type in PROPOSAL_TYPES and payload.get("proposal_id"):
        return text, proposal_buttons(payload["proposal_id"])
    if kind_of(notification.type) == "messages" and payload.get("conversation_id"):
        text += "\n\n" + gettext("Ответьте на это сообщение — ответ уйдёт в чат.")
        return text, ForceReply(input_field_placeholder=gettext("Ваш ответ"))
    return text, None


def _slot(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=3)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3)
        return True


def throttle(chat_id: int) -> None:
    """Wait for a free slot in this second, overall and for the chat (or give the row back)."""
    deadline = time.monotonic() + MAX_WAIT
    while True:
        second = int(time.time())
        if _slot(f"tg:rl:chat:{chat_id}:{second}", settings.TELEGRAM_RATE_PER_CHAT) and _slot(
            f"tg:rl:all:{second}", settings.TELEGRAM_RATE_GLOBAL
        ):
            return
        if time.monotonic() >= deadline:
            raise RetryLater(1, "rate limited locally")
        time.sleep(max(0.01, second + 1 - time.time()))


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int becomes a timedelta in v23
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _send(chat_id: int, text: str, markup, stale: list[int]) -> int:
    bot = make_bot()
    async with bot:
        message = await bot.send_message(
            chat_id, text, reply_markup=markup, disable_web_page_preview=True
        )
        for message_id in stale:  # buttons of a closed proposal: take them away, best effort
            with contextlib.suppress(TelegramError):
                await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    return message.message_id


def _stale_buttons(notification: Notification, chat_id: int) -> list[int]:
    """Messages with buttons for the proposal this notification closes."""
    proposal_id = notification.payload.get("proposal_id")
    if notification.type not in CLOSING_TYPES or not proposal_id:
        return []
    ids = Delivery.objects.filter(
        user_id=notification.user_id,
        channel="telegram",
        status=DeliveryStatus.SENT,
        chat_id=chat_id,
        notification__type__in=PROPOSAL_TYPES,
        notification__payload__proposal_id=proposal_id,
    ).values_list("external_id", flat=True)
    return [int(i) for i in ids if i.isdigit()]


def send(delivery: Delivery) -> dict:
    notification = delivery.notification
    chat_id = delivery.user.telegram_id
    if not settings.TELEGRAM_BOT_TOKEN:
        raise Skip("Telegram-бот не настроен")
    if not chat_id:
        raise Skip("Telegram не подключён")
    if notification is None:
        raise Skip("нет уведомления")
    prefs = NotificationSettings.objects.filter(user_id=delivery.user_id).first()
    if not channel_enabled(prefs, notification.type, "telegram"):
        raise Skip("отключено в настройках")
    text, markup = render(notification)
    throttle(chat_id)
    try:
        message_id = asyncio.run(
            _send(chat_id, text, markup, _stale_buttons(notification, chat_id))
        )
    except RetryAfter as exc:
        raise RetryLater(_seconds(exc), str(exc)) from exc
    except Forbidden as exc:  # the user blocked the bot: nothing to retry
        raise Skip(f"бот заблокирован: {exc}") from exc
    return {"chat_id": chat_id, "external_id": str(message_id)}
