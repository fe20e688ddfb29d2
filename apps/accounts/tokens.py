"""Access JWTs and rotating refresh tokens.

- Access: HS256 JWT, `settings.JWT_ACCESS_TTL` seconds, carries the session family (`sid`).
- Refresh: an opaque `<family>.<secret>` string in an HttpOnly cookie. Only its SHA-256 is stored,
  in the cache (Redis in production): `rt:<hash>` -> {uid, fam}. Each refresh marks the presented
  hash as used with an atomic `cache.add`, so two parallel refreshes cannot both win; presenting a
  hash that was already used revokes the whole family (token theft detection).
- A revoked family is marked in the cache (`rtfam:<fam>`), which access-token checks read, and in
  the `AuthSession` row, which survives a cache flush.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import AuthSession, User
from apps.common.errors import AuthenticationFailed
from apps.common.outage import OUTAGE_ERRORS

ALGORITHM = "HS256"


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _family_revoked_key(family: str) -> str:
    return f"rtfam:{family}"


def access_token_create(*, user: User, family: str) -> str:
    now = int(time.time())
    payload = {
        "sub": str(user.pk),
        "sid": family,
        "type": "access",
        "iat": now,
        "exp": now + settings.JWT_ACCESS_TTL,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(payload, settings.JWT_SECRET, algorithm=ALGORITHM)


def access_token_decode(token: str) -> dict:
    """Return the claims of a valid, unexpired, unrevoked access token or raise."""
    try:
        claims = jwt.decode(
            token,
            settings.JWT_SECRET,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "sid", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("Срок действия токена истёк", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("Недействительный токен", code="token_invalid") from exc
    if claims.get("type") != "access":
        raise AuthenticationFailed("Недействительный токен", code="token_invalid")
    if _family_revoked(claims["sid"]):
        raise AuthenticationFailed("Сессия завершена", code="session_revoked")
    return claims


def _family_revoked(family: str) -> bool:
    try:
        return bool(cache.get(_family_revoked_key(family)))
    except OUTAGE_ERRORS:  # Redis down: the AuthSession row is the durable record
        return not AuthSession.objects.filter(family=family, revoked_at__isnull=True).exists()


def _store_refresh(*, user_id: int, family: str) -> str:
    token = f"{family}.{secrets.token_urlsafe(32)}"
    cache.set(f"rt:{_hash(token)}", {"uid": user_id, "fam": family}, settings.JWT_REFRESH_TTL)
    return token


def session_start(*, user: User, user_agent: str = "", ip: str | None = None) -> IssuedTokens:
    """Start a new session family for a fresh login."""
    family = secrets.token_hex(16)
    AuthSession.objects.create(
        user=user,
        family=family,
        expires_at=timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TTL),
        user_agent=user_agent[:256],
        ip=ip,
    )
    return IssuedTokens(
        access_token=access_token_create(user=user, family=family),
        refresh_token=_store_refresh(user_id=user.pk, family=family),
        expires_in=settings.JWT_ACCESS_TTL,
    )


def family_revoke(family: str) -> bool:
    """Revoke one session family; True when it was active."""
    cache.set(_family_revoked_key(family), 1, settings.JWT_REFRESH_TTL)
    return bool(
        AuthSession.objects.filter(family=family, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def sessions_active(*, user: User) -> QuerySet[AuthSession]:
    return AuthSession.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def sessions_revoke_all(*, user: User) -> int:
    """Revoke every active session of the user; return how many were active."""
    families = list(sessions_active(user=user).values_list("family", flat=True))
    for family in families:
        cache.set(_family_revoked_key(family), 1, settings.JWT_REFRESH_TTL)
    AuthSession.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return len(families)


def refresh_rotate(*, refresh_token: str | None) -> tuple[User, IssuedTokens]:
    """Exchange a refresh token for a new pair; the presented one can never be used again."""
    if not refresh_token:
        raise AuthenticationFailed("Нет refresh-токена", code="refresh_missing")
    digest = _hash(refresh_token)
    data = cache.get(f"rt:{digest}")
    if not data:
        raise AuthenticationFailed("Недействительный refresh-токен", code="refresh_invalid")
    family = data["fam"]
    if not cache.add(f"rtused:{digest}", 1, settings.JWT_REFRESH_TTL):
        # Presented twice: someone holds a copy. End the whole family.
        family_revoke(family)
        raise AuthenticationFailed(
            "Refresh-токен уже использован; все токены этой сессии отозваны",
            code="refresh_reused",
        )
    # `rt:<hash>` stays until it expires, so a later replay is recognised as reuse.
    if cache.get(_family_revoked_key(family)):
        raise AuthenticationFailed("Сессия завершена", code="session_revoked")
    session = (
        AuthSession.objects.select_related("user")
        .filter(family=family, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if session is None or not session.user.is_active:
        raise AuthenticationFailed("Сессия завершена", code="session_revoked")
    user = session.user
    tokens = IssuedTokens(
        access_token=access_token_create(user=user, family=family),
        refresh_token=_store_refresh(user_id=user.pk, family=family),
        expires_in=settings.JWT_ACCESS_TTL,
    )
    return user, tokens


def refresh_revoke(*, refresh_token: str | None) -> None:
    """Logout: forget the presented token and end its family."""
    if not refresh_token:
        return
    digest = _hash(refresh_token)
    data = cache.get(f"rt:{digest}")
    cache.delete(f"rt:{digest}")
    if data:
        family_revoke(data["fam"])
