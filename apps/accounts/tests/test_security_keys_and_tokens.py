"""Issue 15, finding 1: no usable default key; tokens need a live session and a bounded life."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
from django.conf import settings

from apps.accounts import tokens
from apps.accounts.models import User
from apps.common.testing import ApiClient, assert_error
from config.keys import KNOWN_PUBLIC_KEYS, KeyConfigError, jwt_secret_resolve, secret_key_resolve

OLD_LITERAL = "dev-only-insecure-key-change-me-in-production-0123456789"
BASE_DIR = Path(settings.BASE_DIR)


def _claims(user, family: str, **over) -> dict:
    now = int(time.time())
    claims = {
        "sub": str(user.pk),
        "sid": family,
        "type": "access",
        "iat": now,
        "exp": now + 900,
        "jti": "x",
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _me(token: str):
    return ApiClient().get("/auth/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def family(owner) -> str:
    tokens.session_start(user=owner)
    return owner.auth_sessions.get().family


def test_settings_carry_no_published_key():
    assert settings.SECRET_KEY not in KNOWN_PUBLIC_KEYS
    assert settings.JWT_SECRET not in KNOWN_PUBLIC_KEYS
    assert settings.JWT_SECRET != settings.SECRET_KEY
    assert OLD_LITERAL not in (BASE_DIR / "config" / "settings.py").read_text()


def test_token_forged_with_the_old_literal_key_is_refused(owner, family):
    forged = jwt.encode(_claims(owner, family), OLD_LITERAL, algorithm="HS256")
    assert_error(_me(forged), 401, "authentication_error")


def test_token_with_far_future_exp_is_refused(owner, family):
    ten_years = int(time.time()) + 10 * 365 * 86400
    token = jwt.encode(_claims(owner, family, exp=ten_years), settings.JWT_SECRET)
    assert_error(_me(token), 401, "authentication_error")


def test_token_without_iat_or_issued_in_the_future_is_refused(owner, family):
    no_iat = jwt.encode(_claims(owner, family, iat=None), settings.JWT_SECRET)
    assert_error(_me(no_iat), 401)
    later = int(time.time()) + 3600
    future = jwt.encode(_claims(owner, family, iat=later, exp=later + 900), settings.JWT_SECRET)
    assert_error(_me(future), 401)


def test_token_with_unknown_sid_is_refused(owner, family):
    token = jwt.encode(_claims(owner, "0" * 32), settings.JWT_SECRET)
    body = assert_error(_me(token), 401, "authentication_error")
    assert "Сессия" in body["detail"]


def test_token_with_the_sid_of_another_user_is_refused(owner, other, family):
    token = jwt.encode(_claims(other, family), settings.JWT_SECRET)
    assert_error(_me(token), 401)


def test_token_of_an_ended_session_is_refused_even_after_a_cache_flush(anon_api, owner):
    from apps.common.testing import cache_clear_own_keys

    issued = tokens.session_start(user=owner)
    assert _me(issued.access_token).status_code == 200
    tokens.family_revoke(owner.auth_sessions.get().family)
    cache_clear_own_keys()  # the revocation flag is gone; the AuthSession row still says ended
    assert_error(_me(issued.access_token), 401)


@pytest.mark.parametrize("sub", ["abc", "1.5", "", "١٢", "9" * 40])
def test_token_whose_sub_is_not_a_user_id_returns_401(owner, family, sub):
    token = jwt.encode(_claims(owner, family, sub=sub), settings.JWT_SECRET)
    assert_error(_me(token), 401, "authentication_error")


def test_valid_token_of_a_live_session_still_works(owner, family):
    token = jwt.encode(_claims(owner, family), settings.JWT_SECRET)
    assert _me(token).json()["username"] == "owner"


def test_refresh_is_refused_for_an_inactive_user(anon_api, owner):
    anon_api.post("/auth/login", {"username": "owner", "password": "Sup3r-Secret-Pass!"})
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert_error(anon_api.post("/auth/refresh"), 401)


# --- where keys come from (config/keys.py) ------------------------------------------------------


def test_embedded_install_generates_one_private_key_and_keeps_it(tmp_path):
    key, source = secret_key_resolve({}, base_dir=tmp_path, debug=False, testing=False)
    path = tmp_path / "var" / "secret_key"
    assert source == "generated" and len(key) >= 50 and key not in KNOWN_PUBLIC_KEYS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _ = secret_key_resolve({}, base_dir=tmp_path, debug=False, testing=False)
    assert again == key
    other, _ = secret_key_resolve({}, base_dir=tmp_path / "elsewhere", debug=False, testing=False)
    assert other != key
    assert "/var/" in (BASE_DIR / ".gitignore").read_text().split()


def test_production_without_a_key_refuses(tmp_path):
    env = {"DATABASE_URL": "postgres://db/x"}
    with pytest.raises(KeyConfigError, match="SECRET_KEY is not set"):
        secret_key_resolve(env, base_dir=tmp_path, debug=False, testing=False)
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("bad", [OLD_LITERAL, "short-key"])
def test_published_or_short_keys_are_refused(tmp_path, bad):
    with pytest.raises(KeyConfigError):
        secret_key_resolve({"SECRET_KEY": bad}, base_dir=tmp_path, debug=True, testing=False)
    with pytest.raises(KeyConfigError):
        jwt_secret_resolve({"JWT_SECRET": bad}, secret_key="x" * 50)


def test_jwt_secret_is_derived_from_the_secret_key_not_equal_to_it():
    derived = jwt_secret_resolve({}, secret_key="k" * 50)
    assert derived != "k" * 50 and derived == jwt_secret_resolve({}, secret_key="k" * 50)
    assert derived != jwt_secret_resolve({}, secret_key="j" * 50)


def _settings_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(env, PYTHONPATH=str(BASE_DIR), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        env=clean,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_server_with_debug_off_and_a_database_but_no_key_refuses_to_start():
    result = _settings_in_subprocess(
        {"DEBUG": "0", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/none"}, "print('up')"
    )
    assert result.returncode != 0 and "up" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_token_lifetimes_from_the_environment_are_capped():
    result = _settings_in_subprocess(
        {
            "SECRET_KEY": "s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
            "JWT_ACCESS_TTL": "99999999",
            "JWT_REFRESH_TTL": "99999999",
        },
        "print(settings.JWT_ACCESS_TTL, settings.JWT_REFRESH_TTL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3600", str(30 * 24 * 3600)]
