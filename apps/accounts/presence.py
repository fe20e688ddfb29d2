"""Online status: web visits mark the user active (at most once a minute), and pages show a
coarse status ("в сети", "был(а) сегодня") rather than the exact time, which stays private
(the API shows `last_active_at` only to the user and staff)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.services import user_touch_active

ONLINE_WINDOW = timedelta(minutes=5)


class PresenceMiddleware:
    """Record the signed-in web user's activity (one UPDATE a minute at most)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.method != "HEAD":
            user_touch_active(user=user)
        return response


def presence_of(last_active: datetime | None, *, now: datetime | None = None) -> tuple[bool, str]:
    """(online, label) for a last-activity time."""
    if last_active is None:
        return False, ""
    now = now or timezone.now()
    age = now - last_active
    if age <= ONLINE_WINDOW:
        return True, _("В сети")
    if age <= timedelta(hours=1):
        return False, _("Был(а) в сети недавно")
    if age <= timedelta(days=1):
        return False, _("Был(а) в сети сегодня")
    if age <= timedelta(days=7):
        return False, _("Был(а) в сети на этой неделе")
    return False, _("Давно не заходил(а)")
