from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import EmailStr, Field, field_validator

USERNAME_PATTERN = r"^[\w.@+-]+$"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UserCreateIn(Schema):
    username: str = Field(..., min_length=3, max_length=150, pattern=USERNAME_PATTERN)
    email: EmailStr | None = None
    phone: str | None = Field(None, pattern=r"^\+?[0-9]{10,15}$")
    full_name: str = Field("", max_length=150)
    telegram_contact: str = Field("", max_length=64)
    city: str = Field("", max_length=64)
    bio: str = Field("", max_length=2000)

    _strip = field_validator("username", "full_name", "telegram_contact", "city", "bio")(_strip)


class RegisterIn(Schema):
    email: EmailStr
    password: str = Field(..., min_length=1, max_length=128)
    username: str = Field(..., min_length=3, max_length=150, pattern=USERNAME_PATTERN)
    full_name: str = Field("", max_length=150)
    city: str = Field("", max_length=64)
    telegram_contact: str = Field("", max_length=64)
    phone: str | None = Field(None, pattern=r"^\+?[0-9]{10,15}$")

    _strip = field_validator("username", "full_name", "telegram_contact", "city")(_strip)


class LoginIn(Schema):
    username: str = Field(..., min_length=1, max_length=254)
    password: str = Field(..., min_length=1, max_length=128)


class ChangePasswordIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., min_length=1, max_length=128)


class LocationsIn(Schema):
    locations: list[str] = Field(..., max_length=10)


class ProfileIn(Schema):
    full_name: str | None = Field(None, max_length=150)
    bio: str | None = Field(None, max_length=2000)
    city: str | None = Field(None, max_length=64)
    telegram_contact: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, pattern=r"^(\+?[0-9]{10,15})?$")

    _strip = field_validator("full_name", "bio", "city", "telegram_contact")(_strip)


class UserCreatedOut(Schema):
    id: int
    username: str
    email: str | None
    full_name: str
    telegram_contact: str
    city: str
    bio: str
    is_active: bool
    created_at: datetime


class RegisteredOut(Schema):
    id: int
    username: str
    email: str | None
    full_name: str
    telegram_contact: str
    city: str
    is_active: bool
    is_verified: bool
    email_verified: bool
    phone_verified: bool
    created_at: datetime


class UserOut(Schema):
    id: int
    username: str
    email: str | None = None
    phone: str | None = None
    full_name: str
    telegram_contact: str | None = None  # null unless the viewer is the user or staff
    city: str
    bio: str
    locations: list[str]
    trust_score: float
    exchange_count: int
    rating_avg: float
    is_active: bool
    is_verified: bool
    email_verified: bool
    phone_verified: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    last_active_at: datetime | None
    telegram_id: int | None
    telegram_username: str | None
    telegram_first_name: str | None


class LocationsOut(Schema):
    id: int
    locations: list[str]
    message: str


class LoginUserOut(Schema):
    id: int
    username: str
    email: str | None


class TokenOut(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class LoginOut(TokenOut):
    user: LoginUserOut


class MessageOut(Schema):
    message: str


class RevokedOut(Schema):
    message: str
    revoked_count: int


class ProfileUserOut(Schema):
    id: int
    username: str
    full_name: str
    city: str
    bio: str
    telegram_contact: str


class ProfileUpdatedOut(Schema):
    message: str
    user: ProfileUserOut


class ErrorOut(Schema):
    detail: str
    status_code: int
    error_type: str
