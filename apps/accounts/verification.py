"""Email verification by a signed link (django.core.signing; no table).

The link carries the user id and the address it was sent to, signed with SECRET_KEY and valid
for EMAIL_VERIFY_MAX_AGE_DAYS; it verifies only while the account still has that address.
Mail goes through Django's mail backend (the console backend in the embedded default).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail

from apps.accounts.models import User
from apps.common.errors import InvalidState, RateLimited, ValidationFailed

SALT = "accounts.email-verify"
RESEND_SECONDS = 60


def email_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": (user.email or "").lower()}, salt=SALT)


def email_verification_send(*, user: User, base_url: str) -> None:
    """Mail the user a link to confirm their address (at most once a minute)."""
    if not user.email:
        raise ValidationFailed("Сначала укажите email", code="no_email")
    if user.email_verified:
        raise InvalidState("Email уже подтверждён", code="email_verified")
    if not cache.add(f"email-verify-sent:{user.pk}", 1, RESEND_SECONDS):
        raise RateLimited(
            "Письмо уже отправлено, повторить можно через минуту",
            retry_after=RESEND_SECONDS,
            code="email_verify_throttled",
        )
    link = f"{base_url.rstrip('/')}/accounts/verify-email/{email_verification_token(user)}/"
    send_mail(
        "Подтвердите email",
        f"Здравствуйте, {user.username}!\n\nЧтобы подтвердить адрес, откройте ссылку:\n{link}\n\n"
        f"Ссылка действует {settings.EMAIL_VERIFY_MAX_AGE_DAYS} дн. Если это были не вы, "
        "просто проигнорируйте письмо.",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def email_verify(*, token: str) -> User:
    """Mark the address in a valid link verified; returns the user."""
    bad = ValidationFailed(
        "Ссылка недействительна или устарела, запросите новую", code="bad_verify_link"
    )
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.EMAIL_VERIFY_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.BadSignature as exc:  # also SignatureExpired
        raise bad from exc
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or (user.email or "").lower() != data.get("e"):
        raise bad
    User.objects.filter(pk=user.pk).update(email_verified=True)
    user.email_verified = True
    return user
