"""Linking a Telegram chat to an account: a one-time deep link `https://t.me/<bot>?start=<token>`.

The token is random and opaque; only its SHA-256 is stored, with an expiry. Consuming it is a
conditional update (unused and unexpired -> used), so a link works once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.common.errors import InvalidState
from apps.notifications.models import TelegramLinkToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def telegram_enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME)


def telegram_link_start(*, user: User) -> str:
    """A fresh one-time deep link for `user` (earlier unused links stop working)."""
    token = secrets.token_urlsafe(24)  # 32 chars: within Telegram's 64 for a start parameter
    now = timezone.now()
    with transaction.atomic():
        TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        TelegramLinkToken.objects.create(
            user=user,
            token_hash=_hash(token),
            expires_at=now + timedelta(minutes=settings.TELEGRAM_LINK_TTL_MINUTES),
        )
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


@transaction.atomic
def telegram_link_consume(
    *, token: str, telegram_id: int, username: str | None = None, first_name: str | None = None
) -> User:
    """Link the chat `telegram_id` to the token's account; a chat belongs to one account."""
    now = timezone.now()
    row = TelegramLinkToken.objects.filter(token_hash=_hash(token or "")).first()
    used = (
        row is not None
        and TelegramLinkToken.objects.filter(
            pk=row.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        == 1
    )
    if not used:
        raise InvalidState(
            "Ссылка недействительна или устарела. Получите новую в профиле на сайте.",
            code="telegram_link_invalid",
        )
    User.objects.filter(telegram_id=telegram_id).exclude(pk=row.user_id).update(
        telegram_id=None, telegram_username=None, telegram_first_name=None
    )
    User.objects.filter(pk=row.user_id).update(
        telegram_id=telegram_id,
        telegram_username=(username or None),
        telegram_first_name=(first_name or None),
    )
    return User.objects.get(pk=row.user_id)


def telegram_unlink(*, user: User | None = None, telegram_id: int | None = None) -> int:
    """Unlink by account (the site's button) or by chat (`/stop`); returns rows changed."""
    qs = (
        User.objects.filter(pk=user.pk)
        if user is not None
        else User.objects.filter(telegram_id=telegram_id)
    )
    if user is None and telegram_id is None:
        return 0
    return qs.exclude(telegram_id=None).update(
        telegram_id=None, telegram_username=None, telegram_first_name=None
    )


def user_for_chat(telegram_id: int | None) -> User | None:
    """The active account linked to this Telegram user, or None: the bot acts for no one else."""
    if not telegram_id:
        return None
    return User.objects.filter(telegram_id=telegram_id, is_active=True).first()
