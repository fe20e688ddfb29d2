"""Login history and the user's active sessions (web and API), each of which can be ended.

Web logins are recorded from Django's `user_logged_in` signal (with the session key), API
logins by the login endpoint (with the refresh family); failed password attempts from
`user_login_failed`. A web session is active while its row is in the session table; an API
session while its family is not revoked (apps/accounts/tokens.py).
"""

from __future__ import annotations

import ipaddress

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.models import LoginEvent, User
from apps.common.errors import NotFound
from apps.common.ratelimit import client_ip

HISTORY_LIMIT = 50


def _ip(request) -> str | None:
    """The client address if it is one (test requests and odd proxies may send none)."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def login_event_record(
    *,
    user: User,
    request,
    method: str,
    success: bool = True,
    session_key: str = "",
    family: str = "",
) -> LoginEvent:
    return LoginEvent.objects.create(
        user=user,
        method=method,
        success=success,
        ip=_ip(request),
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:256],
        session_key=session_key or "",
        family=family or "",
    )


@receiver(user_logged_in, dispatch_uid="accounts.login_history.web")
def _on_web_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.path.startswith("/auth/"):  # the API records its own logins
        return
    if not request.session.session_key:
        request.session.save()
    login_event_record(
        user=user, request=request, method="web", session_key=request.session.session_key
    )


@receiver(user_login_failed, dispatch_uid="accounts.login_history.failed")
def _on_failed(sender, credentials, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username") or ""
    user = User.objects.filter(username=username.strip()).first() if username else None
    if user is not None:
        method = "api" if request is not None and request.path.startswith("/auth/") else "web"
        login_event_record(user=user, request=request, method=method, success=False)


def login_history(*, user: User) -> QuerySet[LoginEvent]:
    return LoginEvent.objects.filter(user=user)[:HISTORY_LIMIT]


def sessions_for(*, user: User, current_key: str | None) -> list[dict]:
    """The user's live sessions, newest first: web (from login events still in the session
    table) and API (refresh families not revoked)."""
    live_keys = set(
        Session.objects.filter(
            session_key__in=LoginEvent.objects.filter(user=user, method="web", success=True)
            .exclude(session_key="")
            .values("session_key"),
            expire_date__gt=timezone.now(),
        ).values_list("session_key", flat=True)
    )
    rows = []
    seen = set()
    web = LoginEvent.objects.filter(user=user, method="web", session_key__in=live_keys)
    for event in web.order_by("-at"):
        if event.session_key in seen:
            continue
        seen.add(event.session_key)
        rows.append(
            {
                "kind": "web",
                "id": event.pk,
                "at": event.at,
                "ip": event.ip,
                "user_agent": event.user_agent,
                "current": event.session_key == current_key,
            }
        )
    for session in tokens.sessions_active(user=user).order_by("-created_at"):
        rows.append(
            {
                "kind": "api",
                "id": session.pk,
                "at": session.created_at,
                "ip": session.ip,
                "user_agent": session.user_agent,
                "current": False,
            }
        )
    return sorted(rows, key=lambda r: r["at"], reverse=True)


def session_end(*, user: User, kind: str, pk: int) -> None:
    """End one of the user's own sessions; someone else's is a 404."""
    if kind == "web":
        event = LoginEvent.objects.filter(user=user, method="web", pk=pk).first()
        if event is None or not event.session_key:
            raise NotFound("Сеанс не найден", code="session_not_found")
        Session.objects.filter(session_key=event.session_key).delete()
        return
    session = tokens.sessions_active(user=user).filter(pk=pk).first()
    if session is None:
        raise NotFound("Сеанс не найден", code="session_not_found")
    tokens.family_revoke(session.family)
