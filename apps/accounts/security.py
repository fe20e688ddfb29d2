"""Authentication for the JSON API: a Bearer access JWT, or the web session (CSRF-checked).

A request without a signed-in session is not CSRF-checked (there is nothing to forge): it simply
has no credentials and gets the contract's 401, not ninja's 403 "CSRF check Failed".
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from apps.accounts import tokens
from apps.accounts.models import User
from apps.accounts.services import user_touch_active
from apps.common.errors import AuthenticationFailed


def user_from_bearer(token: str) -> User:
    claims = tokens.access_token_decode(token)
    user = User.objects.filter(pk=claims["uid"], is_active=True).first()
    if user is None:
        raise AuthenticationFailed("Пользователь не найден или отключён", code="user_inactive")
    user._auth_session_family = claims["sid"]  # for logout of this very session
    return user


class JWTAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_from_bearer(token)
        request.user = user
        user_touch_active(user=user)
        return user


class WebSessionAuth(SessionAuth):
    """The signed-in web user may call the API from the site's own pages."""

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session user: no CSRF check, the caller gets 401
        return super().__call__(request)  # the session is used: CSRF-checked

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return user if user and user.is_authenticated and user.is_active else None


class OptionalAuth:
    """Authenticates when credentials are sent; otherwise lets the request in as anonymous."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = user_from_bearer(header.split(" ", 1)[1].strip())
            request.user = user
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return AnonymousUser()


auth_required = [JWTAuth(), WebSessionAuth()]
auth_optional = OptionalAuth()
