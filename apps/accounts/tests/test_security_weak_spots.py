"""Issue 15, findings 8 and 9: 401 (not a CSRF 403) without credentials; no blank passwords;
private user fields; Content-Security-Policy; HTTPS/HSTS and a clean `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts.models import User
from apps.common.testing import ApiClient, assert_error
from conftest import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
WRITES = [
    ("post", "/api/listings/create", {"item_type": "offer"}),
    ("put", "/api/users/1/locations", {"locations": ["Алматы"]}),
    ("post", "/auth/change-password", {"old_password": "a", "new_password": "b"}),
    ("post", "/auth/revoke-sessions", {}),
]


# --- finding 8 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_unauthenticated_write_gets_the_contracts_401(db, method, path, body):
    client = ApiClient(enforce_csrf_checks=True)
    r = client.request(method, path, body)
    assert_error(r, 401, "authentication_error")


def test_session_write_without_csrf_token_is_still_refused(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    r = client.put(
        f"/api/users/{owner.pk}/locations",
        data={"locations": ["Астана"]},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert owner.locations == ["Алматы"]


def test_session_write_with_csrf_token_works(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get("/accounts/profile-edit/")  # sets the csrftoken cookie
    r = client.put(
        f"/api/users/{owner.pk}/locations",
        data={"locations": ["Астана"]},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert r.status_code == 200, r.content


# --- finding 9: passwords --------------------------------------------------------------------


@pytest.mark.parametrize("blank", [" " * 8, " " * 12, "\t \t \t \t ", "aaaaaaaaaa", "ab ab ab ab "])
def test_blank_or_repetitive_password_is_refused_at_registration(anon_api, blank):
    r = anon_api.post(
        "/auth/register", {"email": "b@example.com", "username": "blanky", "password": blank}
    )
    assert_error(r, 400, "validation_error")
    assert not User.objects.filter(username="blanky").exists()


def test_blank_password_is_refused_on_change_and_on_the_web(api, owner, client):
    r = api.post("/auth/change-password", {"old_password": PASSWORD, "new_password": " " * 8})
    assert_error(r, 400)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    r = client.post(
        "/accounts/register/",
        {"username": "webby", "email": "w@example.com", "password1": " " * 8, "password2": " " * 8},
    )
    assert r.status_code == 400 and not User.objects.filter(username="webby").exists()


def test_passphrase_with_spaces_is_still_accepted(anon_api):
    r = anon_api.post(
        "/auth/register",
        {"email": "p@example.com", "username": "phrase", "password": "correct horse battery"},
    )
    assert r.status_code == 201


# --- finding 9: private fields ---------------------------------------------------------------

PRIVATE = ("telegram_contact", "last_login_at", "last_active_at", "email", "phone")


def _seen(client: ApiClient, user) -> dict:
    body = client.get(f"/api/users/{user.pk}").json()
    assert body == client.get(f"/api/users/username/{user.username}").json()
    return body


def test_anonymous_and_other_users_do_not_see_contacts_or_activity(anon_api, other_api, owner):
    ApiClient().post("/auth/login", {"username": "owner", "password": PASSWORD})
    owner.refresh_from_db()
    assert owner.last_login and owner.telegram_contact
    for viewer in (anon_api, other_api):
        body = _seen(viewer, owner)
        assert {f: body[f] for f in PRIVATE} == dict.fromkeys(PRIVATE)
        assert body["username"] == "owner" and body["city"] == "Алматы"


def test_the_user_and_staff_see_their_contacts_and_activity(api, staff_api, owner):
    api.get("/auth/me")
    for viewer in (api, staff_api):
        body = _seen(viewer, owner)
        assert body["telegram_contact"] == "@owner_tg"
        assert body["last_active_at"] is not None


def test_lootlink_profile_shows_contacts_to_signed_in_visitors_only(client, owner, other):
    assert "@owner_tg" not in client.get("/accounts/profile/owner/").content.decode()
    client.force_login(other)
    assert "@owner_tg" in client.get("/accounts/profile/owner/").content.decode()


# --- finding 9: CSP, HSTS, check --deploy ----------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/docs", "/health"])
def test_pages_carry_a_content_security_policy_without_inline_script(client, db, path):
    r = client.get(path, headers={"Accept": "text/html"})
    policy = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_templates_need_no_inline_script_or_style():
    """What the policy forbids must not be in our templates: inline <script> bodies, style=""
    attributes, <style> blocks or on*= event handlers."""
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        if "email" in path.parent.parts:
            continue  # mail bodies are not served under the site's CSP; mail clients need style=
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>",
            r"<style\b",
            r"\sstyle=\"",
            r"\son[a-z]+=\"",
        ):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


def test_hsts_is_sent_over_https_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    r = client.get("/health", secure=True)
    assert r["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_check_deploy_is_clean_with_the_production_settings():
    # A clean environment: only what a production process would get.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY="p" * 10 + "roduction-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="market.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/none",
        PYTHONPATH=str(BASE_DIR),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
