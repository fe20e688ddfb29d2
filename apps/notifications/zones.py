"""The user's time zone: every time a user sees (pages, chat, notifications, the deal timeline)
is shown in it.

The zone is the one chosen in the notification settings (`NotificationSettings.time_zone`, the
same setting quiet hours use); without a choice, a default by the profile's city; else
`settings.TIME_ZONE`. `UserTimeZoneMiddleware` activates it per request, so the template
filters (`date`, `time`, `{% when %}`) render in it, and base.html hands it to the browser
scripts (`<html data-tz>`), which format times in it instead of the browser's own zone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.models import NotificationSettings

# Kazakhstan is UTC+5 everywhere since 2024 (tzdata's Asia/Almaty); Russian cities by zone.
CITY_ZONES: dict[str, str] = {
    **dict.fromkeys(
        [
            "алматы",
            "астана",
            "шымкент",
            "караганда",
            "актобе",
            "тараз",
            "павлодар",
            "усть-каменогорск",
            "семей",
            "костанай",
            "кызылорда",
            "атырау",
            "актау",
            "петропавловск",
            "уральск",
            "туркестан",
            "кокшетау",
            "талдыкорган",
            "экибастуз",
        ],
        "Asia/Almaty",
    ),
    "калининград": "Europe/Kaliningrad",
    **dict.fromkeys(
        [
            "москва",
            "санкт-петербург",
            "казань",
            "нижний новгород",
            "ростов-на-дону",
            "краснодар",
            "воронеж",
            "волгоград",
            "ярославль",
            "сочи",
            "тула",
            "минск",
        ],
        "Europe/Moscow",
    ),
    **dict.fromkeys(["самара", "ижевск", "ульяновск"], "Europe/Samara"),
    **dict.fromkeys(
        ["екатеринбург", "челябинск", "уфа", "пермь", "тюмень", "оренбург", "курган"],
        "Asia/Yekaterinburg",
    ),
    "омск": "Asia/Omsk",
    **dict.fromkeys(["новосибирск", "барнаул", "томск"], "Asia/Novosibirsk"),
    **dict.fromkeys(["красноярск", "кемерово", "новокузнецк"], "Asia/Krasnoyarsk"),
    "иркутск": "Asia/Irkutsk",
    "якутск": "Asia/Yakutsk",
    **dict.fromkeys(["владивосток", "хабаровск"], "Asia/Vladivostok"),
    "бишкек": "Asia/Bishkek",
    "ташкент": "Asia/Tashkent",
}

_CACHE_SECONDS = 3600


def _cache_key(user_id: int) -> str:
    return f"user-tz:{user_id}"


def zone_for_city(city: str) -> str | None:
    return CITY_ZONES.get((city or "").strip().lower().replace("ё", "е"))


def user_zone_name(user: User) -> str:
    """The zone name to show `user`'s times in (setting → city default → site default)."""
    chosen = (
        NotificationSettings.objects.filter(user_id=user.pk)
        .values_list("time_zone", flat=True)
        .first()
    )
    if chosen:
        return chosen
    city_zone = zone_for_city(user.city)
    if city_zone is None:
        cities = user.location_set.values_list("city", flat=True)[:1]
        city_zone = zone_for_city(cities[0]) if cities else None
    return city_zone or settings.TIME_ZONE


def _cache_call(fn, *args):
    """The cache is an optimisation here: with Redis down, read the database instead."""
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001 - any cache backend error
        return None


def user_zone(user: User) -> ZoneInfo:
    """Cached per user; dropped whenever the setting or the profile changes (signals below)."""
    key = _cache_key(user.pk)
    name = _cache_call(cache.get, key)
    if name is None:
        name = user_zone_name(user)
        _cache_call(cache.set, key, name, _CACHE_SECONDS)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


class UserTimeZoneMiddleware:
    """Activates the signed-in user's zone for the request (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user_zone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@receiver(post_save, sender=NotificationSettings)
def _settings_saved(sender, instance: NotificationSettings, **kwargs) -> None:
    _cache_call(cache.delete, _cache_key(instance.user_id))


@receiver(post_save, sender=User)
def _user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is None or "city" in update_fields:  # not on every login (last_login)
        _cache_call(cache.delete, _cache_key(instance.pk))
