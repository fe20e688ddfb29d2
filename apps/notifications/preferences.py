"""Reading and changing a user's notification preferences (kind x channel, quiet hours)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.utils import timezone

from apps.common.errors import ValidationFailed
from apps.notifications.kinds import CHANNELS, KINDS, kind_of
from apps.notifications.models import NotificationSettings
from apps.notifications.zones import zone_for_city


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_of(prefs: NotificationSettings | None) -> ZoneInfo:
    name = (prefs.time_zone if prefs else "") or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def channel_enabled(prefs: NotificationSettings | None, type_: str, channel: str) -> bool:
    return kind_enabled(prefs, kind_of(type_), channel)


def kind_enabled(prefs: NotificationSettings | None, kind: str, channel: str) -> bool:
    chosen = (prefs.prefs if prefs else {}).get(kind, {})
    if channel in chosen:
        return bool(chosen[channel])
    return KINDS[kind].default(channel)


def quiet_until(prefs: NotificationSettings | None, now: datetime | None = None) -> datetime | None:
    """When the user's quiet hours end, if `now` falls inside them; else None."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return None
    tz = zone_of(prefs)
    local = (now or timezone.now()).astimezone(tz)
    t = local.time()
    # start > end: overnight, e.g. 23:00-08:00
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=tz)


@dataclass
class PreferencesView:
    channels: dict[str, dict[str, bool]]
    time_zone: str
    quiet_start: time | None
    quiet_end: time | None
    email_digest: bool


def preferences_get(*, user) -> PreferencesView:
    prefs = NotificationSettings.objects.filter(user=user).first()
    return PreferencesView(
        channels={
            code: {c.value: kind_enabled(prefs, code, c.value) for c in CHANNELS} for code in KINDS
        },
        time_zone=(prefs.time_zone if prefs else "")
        or zone_for_city(getattr(user, "city", ""))
        or settings.TIME_ZONE,
        quiet_start=prefs.quiet_start if prefs else None,
        quiet_end=prefs.quiet_end if prefs else None,
        email_digest=prefs.email_digest if prefs else False,
    )


def preferences_update(
    *,
    user,
    channels: dict[str, dict[str, bool]] | None = None,
    time_zone: str | None = None,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    email_digest: bool | None = None,
    set_quiet: bool = False,
) -> PreferencesView:
    """Change what is given; `set_quiet` says quiet hours are given (None, None clears them)."""
    prefs, _ = NotificationSettings.objects.get_or_create(user=user)
    if channels is not None:
        merged = dict(prefs.prefs)
        for kind, by_channel in channels.items():
            if kind not in KINDS:
                raise ValidationFailed(f"Неизвестный тип событий: {kind}", code="unknown_kind")
            for channel, on in by_channel.items():
                if channel not in {c.value for c in CHANNELS}:
                    raise ValidationFailed(f"Неизвестный канал: {channel}", code="unknown_channel")
                merged.setdefault(kind, {})[channel] = bool(on)
        prefs.prefs = merged
    if time_zone is not None:
        if time_zone not in known_zones():
            raise ValidationFailed("Неизвестный часовой пояс", code="invalid_time_zone")
        prefs.time_zone = time_zone
    if set_quiet:
        if (quiet_start is None) != (quiet_end is None):
            raise ValidationFailed("Укажите начало и конец тихих часов", code="invalid_quiet_hours")
        # wall-clock times in the user's own zone: an offset such as "10:00+03:00" is dropped
        # (the zone is `time_zone`), and both databases store a naive time
        prefs.quiet_start, prefs.quiet_end = (
            t.replace(tzinfo=None) if t is not None else None for t in (quiet_start, quiet_end)
        )
    if email_digest is not None:
        prefs.email_digest = email_digest
    prefs.save()
    return preferences_get(user=user)


def unsubscribe(*, user_id: int, kind: str) -> None:
    """Turn email off for one kind (the one-click unsubscribe link)."""
    prefs, _ = NotificationSettings.objects.get_or_create(user_id=user_id)
    merged = dict(prefs.prefs)
    merged.setdefault(kind, {})["email"] = False
    NotificationSettings.objects.filter(pk=prefs.pk).update(prefs=merged)


def unsubscribe_all_email(*, user_id: int) -> None:
    """Stop all mail: the digest and every kind (the digest's unsubscribe link)."""
    prefs, _ = NotificationSettings.objects.get_or_create(user_id=user_id)
    merged = dict(prefs.prefs)
    for kind in KINDS:
        merged.setdefault(kind, {})["email"] = False
    NotificationSettings.objects.filter(pk=prefs.pk).update(prefs=merged, email_digest=False)
