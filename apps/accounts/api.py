"""Users, authentication and cabinet endpoints of the FreeMarket contract."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from apps.accounts import selectors, services, throttles, tokens
from apps.accounts.login_history import login_event_record
from apps.accounts.models import User
from apps.accounts.schemas import (
    ChangePasswordIn,
    LocationsIn,
    LocationsOut,
    LoginIn,
    LoginOut,
    MessageOut,
    RegisteredOut,
    RegisterIn,
    RevokedOut,
    TokenOut,
    UserCreatedOut,
    UserCreateIn,
    UserOut,
)
from apps.accounts.security import auth_optional, auth_required
from apps.accounts.twofactor import totp_check_login, totp_enabled
from apps.accounts.web_sessions import web_session_keep_after_password_change
from apps.common.errors import AuthenticationFailed, PermissionDenied
from apps.common.ratelimit import client_ip

users_router = Router(tags=["Users"])
auth_router = Router(tags=["Authentication"])


# --- Users -----------------------------------------------------------------------------------


@users_router.post("/", response={201: UserCreatedOut}, auth=auth_optional)
def create_user(request: HttpRequest, payload: UserCreateIn):
    """Passwordless profile creation (the account can log in after a password is set)."""
    throttles.signup_check(request, payload.email, scope="users_create")
    user = services.user_create(**payload.dict())
    return Status(201, user)


@users_router.get("/username/{username}", response=UserOut, auth=auth_optional)
def get_user_by_username(request: HttpRequest, username: str):
    user = selectors.user_get_by_username(username=username)
    return selectors.user_as_dict(user, viewer=request.auth)


@users_router.get("/{int:user_id}", response=UserOut, auth=auth_optional)
def get_user(request: HttpRequest, user_id: int):
    user = selectors.user_get(pk=user_id)
    return selectors.user_as_dict(user, viewer=request.auth)


@users_router.put("/{int:user_id}/locations", response=LocationsOut, auth=auth_required)
def set_locations(request: HttpRequest, user_id: int, payload: LocationsIn):
    user = selectors.user_get(pk=user_id)
    if request.auth.pk != user.pk and not request.auth.is_staff:
        raise PermissionDenied("Можно менять только свои города", code="not_owner")
    locations = services.user_set_locations(user=user, locations=payload.locations)
    return {"id": user.pk, "locations": locations, "message": "Locations updated"}


# --- Auth ------------------------------------------------------------------------------------


def _set_refresh_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        settings.REFRESH_COOKIE_NAME,
        token,
        max_age=settings.JWT_REFRESH_TTL,
        httponly=True,
        secure=True,
        samesite="Lax",
        path="/auth/",
    )


def _clear_refresh_cookie(response: HttpResponse) -> None:
    response.delete_cookie(settings.REFRESH_COOKIE_NAME, path="/auth/", samesite="Lax")


@auth_router.post("/register", response={201: RegisteredOut})
def register(request: HttpRequest, payload: RegisterIn):
    throttles.signup_check(request, payload.email, scope="auth_register")
    user = services.user_create(**payload.dict())
    return Status(201, user)


@auth_router.post("/login", response=LoginOut)
def login(request: HttpRequest, response: HttpResponse, payload: LoginIn):
    account = throttles.login_check(request, payload.username, scope="auth_login")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        throttles.login_failed(account)
        raise AuthenticationFailed("Неверное имя пользователя или пароль", code="bad_credentials")
    try:
        if user.is_staff and not totp_enabled(user):
            raise PermissionDenied(
                "Сотрудникам нужна двухфакторная аутентификация: включите её на сайте",
                code="two_factor_required",
            )
        totp_check_login(user=user, code=payload.otp)
    except (AuthenticationFailed, PermissionDenied):
        login_event_record(user=user, request=request, method="api", success=False)
        raise
    issued = tokens.session_start(
        user=user, user_agent=request.headers.get("User-Agent", ""), ip=client_ip(request)
    )
    login_event_record(
        user=user, request=request, method="api", family=issued.refresh_token.split(".")[0]
    )
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now, last_active_at=now)
    _set_refresh_cookie(response, issued.refresh_token)
    return {
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "user": {"id": user.pk, "username": user.username, "email": user.email},
    }


@auth_router.post("/refresh", response=TokenOut)
def refresh(request: HttpRequest, response: HttpResponse):
    presented = request.COOKIES.get(settings.REFRESH_COOKIE_NAME)
    throttles.refresh_check(request, presented)
    _, issued = tokens.refresh_rotate(refresh_token=presented)
    _set_refresh_cookie(response, issued.refresh_token)
    return {"access_token": issued.access_token, "expires_in": issued.expires_in}


@auth_router.post("/logout", response=MessageOut, auth=auth_optional)
def logout(request: HttpRequest, response: HttpResponse):
    """Ends the session of the refresh cookie and of the bearer token, whichever are sent."""
    tokens.refresh_revoke(refresh_token=request.COOKIES.get(settings.REFRESH_COOKIE_NAME))
    family = getattr(request.auth, "_auth_session_family", None)
    if family:
        tokens.family_revoke(family)
    _clear_refresh_cookie(response)
    return {"message": "Successfully logged out"}


@auth_router.post("/change-password", response=MessageOut, auth=auth_required)
def change_password(request: HttpRequest, payload: ChangePasswordIn):
    """Every other session ends (JWT families and web sessions); the caller's own one stays."""
    family = getattr(request.auth, "_auth_session_family", None)
    session_key = None if family else request.session.session_key
    services.user_change_password(
        user=request.auth,
        old_password=payload.old_password,
        new_password=payload.new_password,
        keep_family=family,
        keep_session_key=session_key,
    )
    if session_key:
        web_session_keep_after_password_change(request, request.auth)
    return {"message": "Password updated successfully"}


@auth_router.post("/revoke-sessions", response=RevokedOut, auth=auth_required)
def revoke_sessions(request: HttpRequest, response: HttpResponse):
    count = tokens.sessions_revoke_all(user=request.auth)
    _clear_refresh_cookie(response)
    return {"message": "All sessions revoked", "revoked_count": count}


@auth_router.get("/me", response=UserOut, auth=auth_required)
def me(request: HttpRequest):
    user = selectors.user_get(pk=request.auth.pk)
    return selectors.user_as_dict(user, viewer=request.auth)
