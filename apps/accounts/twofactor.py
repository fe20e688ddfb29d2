"""Optional TOTP two-factor authentication (pyotp), for web and API login.

Set-up: `totp_begin` stores a fresh secret (not active yet), the user adds it to an
authenticator app and `totp_confirm` activates it with a first code. From then on a login
needs the password and a current code; each code is accepted once (`last_step`). Staff must
have it: the moderation pages and the admin (admin_site.py) refuse a staff session that did not
pass it (`session_passed_2fa`), and the API login refuses staff without it (api.py).
"""

from __future__ import annotations

import hashlib
import secrets

import pyotp
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import TOTPDevice, User
from apps.common.errors import AuthenticationFailed, InvalidState, ValidationFailed

ISSUER = "FreeMarket · LootLink"
SESSION_FLAG = "2fa_passed"
PENDING_2FA = "2fa_pending"  # {"uid", "at", "next"} between the password and the code
PENDING_SECONDS = 300
RECOVERY_CODES = 8


def totp_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_begin(*, user: User) -> tuple[str, str]:
    """A new, not yet active secret: returns (secret, otpauth URI for the app)."""
    if totp_enabled(user):
        raise InvalidState("Двухфакторная аутентификация уже включена", code="2fa_enabled")
    secret = pyotp.random_base32()
    TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": None, "last_step": 0}
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return secret, uri


def _accept(device: TOTPDevice, code: str) -> bool:
    """Check `code` (±1 step of clock drift) and use it up with a conditional update."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if totp.at(candidate * totp.interval) == code:
            # a replayed code (same or older step) matches no row
            return bool(
                TOTPDevice.objects.filter(pk=device.pk, last_step__lt=candidate).update(
                    last_step=candidate
                )
            )
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


def _use_recovery(device: TOTPDevice, code: str) -> bool:
    """A recovery code (xxxx-xxxx) works once: it is removed under a row lock."""
    if "-" not in (code or ""):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        digest = _hash(code)
        if digest not in locked.recovery_hashes:
            return False
        locked.recovery_hashes = [h for h in locked.recovery_hashes if h != digest]
        locked.save(update_fields=["recovery_hashes"])
    return True


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> list[str]:
    """Switch 2FA on with a first code; returns the recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise InvalidState("Сначала начните настройку", code="2fa_not_started")
    if not _accept(device, code):
        raise ValidationFailed("Неверный код из приложения", code="otp_invalid")
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    TOTPDevice.objects.filter(pk=device.pk).update(
        confirmed_at=timezone.now(), recovery_hashes=[_hash(c) for c in codes]
    )
    return codes


def totp_disable(*, user: User, code: str) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise InvalidState("Двухфакторная аутентификация не включена", code="2fa_disabled")
    if not _accept(device, code):
        raise ValidationFailed("Неверный код из приложения", code="otp_invalid")
    device.delete()


def totp_check_login(*, user: User, code: str | None) -> None:
    """The second factor of a login: nothing to do without 2FA, else a valid unused code."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return
    if not code:
        raise AuthenticationFailed("Введите код из приложения-аутентификатора", code="otp_required")
    if not _accept(device, code) and not _use_recovery(device, code):
        raise AuthenticationFailed("Неверный код из приложения", code="otp_invalid")


def session_passed_2fa(request) -> bool:
    return bool(request.session.get(SESSION_FLAG))
