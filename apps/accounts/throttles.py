"""Who may try to log in, refresh, sign up or ask for a reset mail, and how often.

Buckets (limits in settings.RATE_LIMITS, fixed windows in apps/common/ratelimit.py):

- login (API and web): per account + address (`auth_login` / `web_login`), per address for any
  account (`login_ip`, higher: many users may share a proxy), and failed attempts per account
  from all addresses (`login_account`). A username and the email of the same account give one
  account key, so switching between them buys nothing.
- refresh: per session family + address (`auth_refresh`) and per address (`refresh_ip`).
- sign-up (API register, web register, passwordless create): per address and per target email
  (`account_email`).
- password reset mail: per address and per target email, whether or not the email is known
  (the answer must not tell).
"""

from __future__ import annotations

from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.common.errors import RateLimited
from apps.common.ratelimit import address_key, hit, ident_hash, peek


def account_key(identifier: str) -> str:
    """One key per account whether it is named by username or email; unknown names get their own
    (so spraying names that do not exist is limited the same way)."""
    ident = (identifier or "").strip().lower()
    users = User.objects.all()
    if "@" in ident:
        pk = users.annotate(e=Lower("email")).filter(e=ident).values_list("pk", flat=True).first()
    else:
        pk = users.filter(username__iexact=ident).values_list("pk", flat=True).first()
    return f"u{pk}" if pk else f"n{ident_hash(ident)}"


def _raise(wait: int | None, message: str, code: str) -> None:
    if wait is not None:
        raise RateLimited(message, retry_after=wait, code=code)


def login_check(request: HttpRequest, identifier: str, *, scope: str = "auth_login") -> str:
    """Count a login attempt before any password is checked; raise RateLimited when over a
    limit. Returns the account key, for `login_failed`."""
    account, addr = account_key(identifier), address_key(request)
    wait = (
        hit(scope, f"{account}|{addr}") or hit("login_ip", addr) or peek("login_account", account)
    )
    _raise(
        wait,
        _("Слишком много попыток входа. Попробуйте через %(m)s мин.")
        % {"m": max(1, round((wait or 0) / 60))},
        "login_throttled",
    )
    return account


def login_failed(account: str) -> None:
    """A wrong password for `account`: counts towards its limit from every address."""
    hit("login_account", account)


def refresh_check(request: HttpRequest, refresh_token: str | None) -> None:
    # The family part of the cookie (unverified: the per-address bucket bounds made-up ones).
    family = (refresh_token or "").split(".", 1)[0]
    addr = address_key(request)
    wait = hit("auth_refresh", f"{ident_hash(family)}|{addr}") or hit("refresh_ip", addr)
    _raise(wait, _("Слишком много запросов, попробуйте позже"), "refresh_throttled")


def signup_check(request: HttpRequest, email: str | None, *, scope: str) -> None:
    """An account is about to be created for `email` from this address."""
    wait = hit(scope, address_key(request))
    if wait is None and email:
        wait = hit("account_email", ident_hash(email))
    _raise(wait, _("Слишком много регистраций, попробуйте позже"), "signup_throttled")


def password_reset_check(request: HttpRequest, email: str) -> None:
    wait = hit("password_reset_ip", address_key(request))
    if wait is None:
        wait = hit("password_reset_email", ident_hash(email))
    _raise(
        wait,
        _("Слишком много запросов на восстановление пароля. Попробуйте через %(m)s мин.")
        % {"m": max(1, round((wait or 0) / 60))},
        "password_reset_throttled",
    )
