from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.functions import Lower
from django.utils import timezone


class UsernameOrEmailBackend(ModelBackend):
    """Log in with a username or, when it contains '@', an email (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        if "@" in username:
            user = (
                User.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower=username.strip().lower())
                .first()
            )
        else:
            user = User.objects.filter(username=username.strip()).first()
        if user is None:
            User().set_password(password)  # same work either way: no timing hint
            return None
        if user.check_password(password):
            _lift_expired_ban(user)
            if self.user_can_authenticate(user):
                return user
        return None


def _lift_expired_ban(user) -> None:
    """A temporary ban ends by itself: the first login after `banned_until` reactivates."""
    if user.is_active or user.is_deleted or user.banned_until is None:
        return
    if user.banned_until > timezone.now():
        return
    lifted = (
        type(user)
        .objects.filter(pk=user.pk, is_active=False, banned_until__lte=timezone.now())
        .update(is_active=True, banned_until=None)
    )
    if lifted:
        user.is_active, user.banned_until = True, None
