import time

import jwt
import pytest
from django.conf import settings

from apps.accounts.models import AuthSession, User
from apps.common.testing import ApiClient, assert_error
from conftest import PASSWORD

REGISTER = {
    "email": "newuser@example.com",
    "password": "StrongPassword123!",
    "username": "newuser_freemarket",
    "full_name": "New User",
    "city": "Астана",
    "telegram_contact": "@newuser_telegram",
}


def login(client: ApiClient, username="owner", password=PASSWORD):
    return client.post("/auth/login", {"username": username, "password": password})


def test_register_returns_201_with_contract_shape(anon_api):
    r = anon_api.post("/auth/register", REGISTER)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {
        "id",
        "username",
        "email",
        "full_name",
        "telegram_contact",
        "city",
        "is_active",
        "is_verified",
        "email_verified",
        "phone_verified",
        "created_at",
    }
    user = User.objects.get(pk=body["id"])
    assert user.check_password("StrongPassword123!")
    assert user.password.startswith(("argon2", "md5"))  # md5 only under the test settings


def test_register_weak_password_returns_400(anon_api):
    body = assert_error(anon_api.post("/auth/register", {**REGISTER, "password": "123"}), 400)
    assert body["detail"]
    assert not User.objects.filter(username=REGISTER["username"]).exists()


def test_register_duplicate_email_returns_409(anon_api, owner):
    r = anon_api.post("/auth/register", {**REGISTER, "email": "owner@example.com"})
    assert_error(r, 409, "conflict")


def test_login_returns_tokens_and_sets_refresh_cookie(anon_api, owner):
    r = login(anon_api)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert body["user"] == {"id": owner.pk, "username": "owner", "email": "owner@example.com"}
    claims = jwt.decode(body["access_token"], settings.JWT_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 900
    cookie = r.cookies["refresh_token"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 7 * 24 * 3600


def test_login_with_email_works(anon_api, owner):
    assert login(anon_api, username="OWNER@example.com").status_code == 200


def test_login_wrong_password_returns_401(anon_api, owner):
    assert_error(login(anon_api, password="wrong"), 401, "authentication_error")


def test_me_with_token_returns_profile(anon_api, owner):
    token = login(anon_api).json()["access_token"]
    r = anon_api.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json()["username"] == "owner" and r.json()["email"] == "owner@example.com"
    assert r.json()["last_login_at"] is not None


def test_me_without_token_returns_401(anon_api):
    assert_error(anon_api.get("/auth/me"), 401, "authentication_error")


def test_me_with_garbage_or_expired_token_returns_401(anon_api, owner):
    assert_error(anon_api.get("/auth/me", headers={"Authorization": "Bearer abc"}), 401)
    expired = jwt.encode(
        {
            "sub": str(owner.pk),
            "sid": "x",
            "type": "access",
            "iat": 1,
            "exp": int(time.time()) - 10,
        },
        settings.JWT_SECRET,
    )
    body = assert_error(
        anon_api.get("/auth/me", headers={"Authorization": f"Bearer {expired}"}), 401
    )
    assert "истёк" in body["detail"]


def test_refresh_rotates_and_old_token_is_revoked(anon_api, owner):
    login(anon_api)
    first = anon_api.client.cookies["refresh_token"].value
    r = anon_api.post("/auth/refresh")
    assert r.status_code == 200
    assert set(r.json()) == {"access_token", "token_type", "expires_in"}
    second = anon_api.client.cookies["refresh_token"].value
    assert second != first
    # The rotated token can never be used again...
    anon_api.client.cookies["refresh_token"] = first
    assert_error(anon_api.post("/auth/refresh"), 401)
    # ...and presenting it revoked the whole family, including the newest token.
    anon_api.client.cookies["refresh_token"] = second
    assert_error(anon_api.post("/auth/refresh"), 401)
    assert AuthSession.objects.get(user=owner).revoked_at is not None


def test_reuse_revokes_access_tokens_of_that_session(anon_api, owner):
    access = login(anon_api).json()["access_token"]
    first = anon_api.client.cookies["refresh_token"].value
    anon_api.post("/auth/refresh")
    anon_api.client.cookies["refresh_token"] = first
    anon_api.post("/auth/refresh")
    assert_error(anon_api.get("/auth/me", headers={"Authorization": f"Bearer {access}"}), 401)


def test_refresh_without_cookie_returns_401(anon_api):
    assert_error(anon_api.post("/auth/refresh"), 401, "authentication_error")


def test_refresh_is_rate_limited_to_5_per_5_minutes(anon_api, owner):
    login(anon_api)
    statuses = [anon_api.post("/auth/refresh").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    r = anon_api.post("/auth/refresh")
    assert_error(r, 429, "rate_limited")
    assert 0 < int(r["Retry-After"]) <= 300


def test_login_is_rate_limited(anon_api, owner):
    codes = [login(anon_api, password="wrong").status_code for _ in range(10)]
    assert set(codes) == {401}
    assert_error(login(anon_api), 429, "rate_limited")


def test_register_is_rate_limited(anon_api):
    for i in range(10):
        anon_api.post(
            "/auth/register", {**REGISTER, "username": f"user{i}", "email": f"u{i}@example.com"}
        )
    r = anon_api.post(
        "/auth/register", {**REGISTER, "username": "user_x", "email": "ux@example.com"}
    )
    assert_error(r, 429)
    assert not User.objects.filter(username="user_x").exists()


def test_logout_revokes_refresh_and_clears_cookie(anon_api, owner):
    token = login(anon_api).json()["access_token"]
    refresh = anon_api.client.cookies["refresh_token"].value
    r = anon_api.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json() == {"message": "Successfully logged out"}
    assert r.cookies["refresh_token"].value == ""
    anon_api.client.cookies["refresh_token"] = refresh
    assert_error(anon_api.post("/auth/refresh"), 401)
    assert_error(anon_api.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_change_password(api, owner):
    r = api.post(
        "/auth/change-password", {"old_password": PASSWORD, "new_password": "NewStrongPassword123!"}
    )
    assert r.status_code == 200 and r.json() == {"message": "Password updated successfully"}
    owner.refresh_from_db()
    assert owner.check_password("NewStrongPassword123!")


def test_change_password_wrong_old_returns_400(api, owner):
    r = api.post("/auth/change-password", {"old_password": "nope", "new_password": "Xyz12345!!a"})
    assert_error(r, 400)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_change_password_weak_new_returns_400(api, owner):
    assert_error(
        api.post("/auth/change-password", {"old_password": PASSWORD, "new_password": "123"}), 400
    )


def test_revoke_sessions_ends_every_device(anon_api, owner):
    phone, laptop = ApiClient(), ApiClient()
    token = login(phone).json()["access_token"]
    login(laptop)
    r = phone.post("/auth/revoke-sessions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json() == {"message": "All sessions revoked", "revoked_count": 2}
    assert_error(laptop.post("/auth/refresh"), 401)
    assert_error(phone.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize("path", ["/auth/me", "/user/cabinet", "/user/listings"])
def test_inactive_user_token_is_refused(api, owner, path):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert_error(api.get(path), 401)
