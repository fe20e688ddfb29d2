"""Access JWTs and rotating refresh tokens.

- Access: HS256 JWT, `settings.JWT_ACCESS_TTL` seconds, carries the session family (`sid`).
- Refresh: an opaque `<family>.<secret>` string in an HttpOnly cookie. Only its SHA-256 is stored,
  in the cache (Redis in production): `rt:<hash>` -> {uid, fam}. Each refresh marks the presented
  hash as used with an atomic `cache.add`, so two parallel refreshes cannot both win; presenting a
  hash that was already used revokes the whole family (token theft detection).
- A revoked family is marked in the cache (`rtfam:<fam>`), which access-token checks read, and in
  the `AuthSession` row, which survives a cache flush. An access token is accepted only while its
  `sid` names a live `AuthSession` of its user (checked in the database, then trusted from the
  cache for a minute: `rtok:<fam>`).
"""

from __future__ import annotations

import contextlib
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


# Clock skew tolerated between `iat` and this server's clock.
IAT_LEEWAY_SECONDS = 30
# How long a checked `sid` is trusted from the cache; revocation flags are read first anyway.
SESSION_OK_SECONDS = 60


def _invalid() -> AuthenticationFailed:
    return AuthenticationFailed("Недействительный токен", code="token_invalid")


def _session_ok_key(family: str) -> str:
    return f"rtok:{family}"


def _session_active(*, family: str, user_id: int) -> bool:
    """The token's session exists, belongs to its user, is not revoked and has not expired."""
    revoked_key, ok_key = _family_revoked_key(family), _session_ok_key(family)
    try:
        found = cache.get_many([revoked_key, ok_key])
    except OUTAGE_ERRORS:  # Redis down: the AuthSession row decides alone (secrobust)
        found = {}
    if found.get(revoked_key):
        return False
    if found.get(ok_key) == user_id:
        return True
    active = AuthSession.objects.filter(
        family=family, user_id=user_id, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
    if active:
        with contextlib.suppress(*OUTAGE_ERRORS):
            cache.set(_session_ok_key(family), user_id, SESSION_OK_SECONDS)
    return active


def access_token_decode(token: str) -> dict:
    """Return the claims of a valid, unexpired, unrevoked access token or raise.

    Beyond the signature: `iat` is required and not in the future, the lifetime `exp - iat`
    is at most JWT_ACCESS_TTL (a forged far-future `exp` is refused even with the right key),
    `sub` is a user id, and `sid` names a live session of that user. `claims["uid"]` is the id.
    """
    try:
        claims = jwt.decode(
            token,
            settings.JWT_SECRET,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("Срок действия токена истёк", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise _invalid() from exc
    if claims.get("type") != "access":
        raise _invalid()
    iat, exp, sub, sid = claims["iat"], claims["exp"], claims["sub"], claims["sid"]
    if not all(isinstance(v, int) for v in (iat, exp)) or not isinstance(sid, str):
        raise _invalid()
    if iat > time.time() + IAT_LEEWAY_SECONDS or exp - iat > settings.JWT_ACCESS_TTL:
        raise _invalid()
    if not isinstance(sub, str) or not sub.isascii() or not sub.isdigit() or len(sub) > 18:
        raise _invalid()
    claims["uid"] = int(sub)
    if not _session_active(family=sid, user_id=claims["uid"]):
        raise AuthenticationFailed("Сессия завершена", code="session_revoked")
    return claims


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


def _flag_revoked(families: list[str]) -> None:
    cache.set_many({_family_revoked_key(f): 1 for f in families}, settings.JWT_REFRESH_TTL)
    cache.delete_many([_session_ok_key(f) for f in families])


def family_revoke(family: str) -> bool:
    """Revoke one session family; True when it was active."""
    _flag_revoked([family])
    return bool(
        AuthSession.objects.filter(family=family, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def sessions_active(*, user: User) -> QuerySet[AuthSession]:
    return AuthSession.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def sessions_revoke_all(*, user: User, keep_family: str | None = None) -> int:
    """Revoke every active session of the user but `keep_family`; return how many were active."""
    active = sessions_active(user=user)
    rows = AuthSession.objects.filter(user=user, revoked_at__isnull=True)
    if keep_family:
        active = active.exclude(family=keep_family)
        rows = rows.exclude(family=keep_family)
    families = list(active.values_list("family", flat=True))
    if families:
        _flag_revoked(families)
    rows.update(revoked_at=timezone.now())
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
