"""Writes on accounts: registration, profile, locations, password, deletion."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.models import City, User, UserLocation
from apps.accounts.web_sessions import web_sessions_end
from apps.common.errors import Conflict, ValidationFailed

PROFILE_FIELDS = ("full_name", "bio", "city", "telegram_contact", "phone", "discord")


def _check_unique(
    *, username: str | None, email: str | None, phone: str | None, exclude_pk: int | None = None
) -> None:
    qs = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if username and qs.filter(username__iexact=username).exists():
        raise Conflict("Пользователь с таким именем уже существует", code="username_taken")
    if email and qs.annotate(e=Lower("email")).filter(e=email.lower()).exists():
        raise Conflict("Пользователь с таким email уже существует", code="email_taken")
    if phone and qs.filter(phone=phone).exists():
        raise Conflict("Пользователь с таким телефоном уже существует", code="phone_taken")


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc


def user_create(
    *,
    username: str,
    email: str | None = None,
    password: str | None = None,
    phone: str | None = None,
    full_name: str = "",
    telegram_contact: str = "",
    city: str = "",
    bio: str = "",
) -> User:
    """Create a user; without a password the account cannot log in until one is set.

    Uniqueness is checked for a friendly message and enforced by constraints for races.
    """
    email = email.strip().lower() if email else None
    _check_unique(username=username, email=email, phone=phone)
    user = User(
        username=username,
        email=email,
        phone=phone or None,
        full_name=full_name,
        telegram_contact=telegram_contact,
        city=city,
        bio=bio,
    )
    if password is not None:
        _password_check(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            if city in City.values:
                UserLocation.objects.create(user=user, city=city)
    except IntegrityError as exc:
        raise Conflict("Пользователь с такими данными уже существует", code="duplicate") from exc
    return user


def user_update_profile(*, user: User, data: dict) -> User:
    """Update the editable profile fields present in `data`."""
    changed = [f for f in PROFILE_FIELDS if f in data and data[f] is not None]
    if "phone" in changed:
        data["phone"] = data["phone"] or None
        _check_unique(username=None, email=None, phone=data["phone"], exclude_pk=user.pk)
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        try:
            user.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:
            raise Conflict("Этот телефон уже используется", code="phone_taken") from exc
    return user


def user_set_locations(*, user: User, locations: list[str]) -> list[str]:
    """Replace the user's cities with 1..3 distinct valid ones."""
    cleaned = list(dict.fromkeys(loc.strip() for loc in locations))
    if not 1 <= len(cleaned) <= 3:
        raise ValidationFailed("Укажите от 1 до 3 городов", code="locations_count")
    invalid = [loc for loc in cleaned if loc not in City.values]
    if invalid:
        allowed = ", ".join(City.values)
        raise ValidationFailed(
            f"Недопустимый город: {', '.join(invalid)}. Допустимые: {allowed}",
            code="invalid_location",
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        UserLocation.objects.filter(user=user).exclude(city__in=cleaned).delete()
        existing = set(UserLocation.objects.filter(user=user).values_list("city", flat=True))
        UserLocation.objects.bulk_create(
            [UserLocation(user=user, city=c) for c in cleaned if c not in existing]
        )
    if hasattr(user, "_prefetched_objects_cache"):
        user._prefetched_objects_cache.pop("location_set", None)
    return user.locations


def sessions_end_all(
    *, user: User, keep_family: str | None = None, keep_session_key: str | None = None
) -> int:
    """End every session of the user: all JWT families (refresh and access tokens) and all
    Django web sessions, except the kept ones. Returns how many active sessions ended.

    Used after a password change or reset (keeping the caller's own session) and for bans.
    """
    ended = tokens.sessions_revoke_all(user=user, keep_family=keep_family)
    return ended + web_sessions_end(user=user, keep_session_key=keep_session_key)


def user_change_password(
    *,
    user: User,
    old_password: str,
    new_password: str,
    keep_family: str | None = None,
    keep_session_key: str | None = None,
) -> int:
    """Set a new password and end every other session; returns how many ended."""
    if not user.check_password(old_password):
        raise ValidationFailed("Неверный текущий пароль", code="wrong_password")
    _password_check(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    return sessions_end_all(user=user, keep_family=keep_family, keep_session_key=keep_session_key)


def user_touch_active(*, user: User) -> None:
    """Record activity at most once a minute (cheap, no full save)."""
    now = timezone.now()
    if user.last_active_at is None or (now - user.last_active_at).total_seconds() > 60:
        User.objects.filter(pk=user.pk).update(last_active_at=now)
        user.last_active_at = now


account_deleted_hooks: list = []
"""Callables `hook(user)` run inside the deletion transaction (e.g. archive listings)."""


def user_delete_account(*, user: User) -> None:
    """Erase personal data and deactivate; rows that others rely on keep pointing at a shell.

    Listings are archived (through the hooks other apps register), sessions are revoked.
    """
    with transaction.atomic():
        for hook in account_deleted_hooks:
            hook(user)
        UserLocation.objects.filter(user=user).delete()
        user.username = f"deleted_{user.pk}"
        user.email = None
        user.phone = None
        user.full_name = ""
        user.first_name = ""
        user.last_name = ""
        user.telegram_contact = ""
        user.discord = ""
        user.bio = ""
        user.city = ""
        user.telegram_id = None
        user.telegram_username = None
        user.telegram_first_name = None
        if user.avatar:
            user.avatar.delete(save=False)
        user.avatar = ""
        user.is_active = False
        user.is_deleted = True
        user.set_unusable_password()
        user.save()
    sessions_end_all(user=user)
