from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.common.errors import NotFound


def user_qs() -> QuerySet[User]:
    return User.objects.filter(is_deleted=False).prefetch_related("location_set")


def user_get(*, pk: int) -> User:
    user = user_qs().filter(pk=pk).first()
    if user is None:
        raise NotFound("Пользователь не найден", code="user_not_found")
    return user


def user_get_by_username(*, username: str) -> User:
    user = user_qs().filter(username=username).first()
    if user is None:
        raise NotFound("Пользователь не найден", code="user_not_found")
    return user


def can_see_private(*, viewer, user: User) -> bool:
    """Contacts (email, phone, Telegram) and activity times (last login, last active) are for
    the user themself and staff only. Exchange partners get each other's contact in the
    proposal once everyone has accepted (apps/exchange/proposal_messages.py), not here."""
    return bool(viewer and viewer.is_authenticated and (viewer.pk == user.pk or viewer.is_staff))


def user_as_dict(user: User, *, viewer) -> dict:
    """The contract's user; private fields are null for anyone but the user and staff."""
    private = can_see_private(viewer=viewer, user=user)
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email if private else None,
        "phone": user.phone if private else None,
        "full_name": user.full_name,
        "telegram_contact": user.telegram_contact if private else None,
        "city": user.city,
        "bio": user.bio,
        "locations": user.locations,
        "trust_score": round(user.trust_score, 3),
        "exchange_count": user.exchange_count,
        "rating_avg": user.rating_avg,
        "is_active": user.is_active,
        "is_verified": user.is_verified,
        "email_verified": user.email_verified,
        "phone_verified": user.phone_verified,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "last_login_at": user.last_login if private else None,
        "last_active_at": user.last_active_at if private else None,
        "telegram_id": user.telegram_id if private else None,
        "telegram_username": user.telegram_username,
        "telegram_first_name": user.telegram_first_name,
    }
