"""Django (web) sessions per user: recorded at login, ended together.

Django cannot list the sessions of one user (the user id sits inside the encoded session data),
so `WebSession` keeps the keys. Ending deletes them through the configured SESSION_ENGINE, so it
works for database, cache and cached_db sessions alike (signed-cookie sessions have no key to
delete; they still die on a password change through Django's session auth hash).
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import User, WebSession


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def web_session_record(*, user: User, session_key: str | None, replaces: str | None = None) -> None:
    """Remember that `session_key` is a session of `user` (and forget the key it replaces)."""
    if replaces and replaces != session_key:
        WebSession.objects.filter(session_key=replaces).delete()
    if not session_key:
        return
    WebSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    # Keys whose sessions have certainly expired are no longer worth keeping.
    old = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    WebSession.objects.filter(user=user, created_at__lt=old).delete()


def web_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """Delete every Django session of the user except `keep_session_key`; return how many."""
    rows = WebSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    store = _store_class()
    ended = 0
    for key in keys:
        session = store(session_key=key)
        if session.exists(key):
            ended += 1
        session.delete(key)
    WebSession.objects.filter(session_key__in=keys).delete()
    return ended


def web_session_keep_after_password_change(request: HttpRequest, user: User) -> None:
    """Keep the caller's own web session valid after its password changed (new key, recorded)."""
    if not hasattr(request, "session") or not request.session.session_key:
        return
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    web_session_record(user=user, session_key=request.session.session_key, replaces=old_key)


@receiver(user_logged_in, dispatch_uid="accounts.web_session_login")
def _on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and user is not None and user.pk:
        if session.session_key is None:
            session.save()
        web_session_record(user=user, session_key=session.session_key)


@receiver(user_logged_out, dispatch_uid="accounts.web_session_logout")
def _on_logout(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        WebSession.objects.filter(session_key=session.session_key).delete()
