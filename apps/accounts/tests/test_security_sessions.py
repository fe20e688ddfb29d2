"""Issue 15, finding 3: a changed or reset password ends every other session (JWT and web)."""

from __future__ import annotations

import re

from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from apps.accounts.models import AuthSession, WebSession
from apps.accounts.services import sessions_end_all
from apps.common.testing import ApiClient, assert_error
from conftest import PASSWORD

NEW = "An0ther-Secret-Pass!"


def _api_login(username="owner", password=PASSWORD) -> tuple[ApiClient, str]:
    client = ApiClient()
    r = client.post("/auth/login", {"username": username, "password": password})
    assert r.status_code == 200, r.content
    return client, r.json()["access_token"]


def _web_login(username="owner", password=PASSWORD) -> Client:
    client = Client()
    r = client.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302, r.status_code
    return client


def _me(client: ApiClient, token: str):
    return client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})


def _signed_in(client: Client) -> bool:
    return client.get("/accounts/profile-edit/").status_code == 200


def test_api_change_password_ends_other_sessions_and_keeps_this_one(owner, other):
    phone, phone_token = _api_login()
    laptop, laptop_token = _api_login()
    browser = _web_login()
    others_browser = _web_login("other")

    r = phone.post(
        "/auth/change-password",
        {"old_password": PASSWORD, "new_password": NEW},
        headers={"Authorization": f"Bearer {phone_token}"},
    )
    assert r.status_code == 200

    assert _me(phone, phone_token).status_code == 200
    assert phone.post("/auth/refresh").status_code == 200
    assert_error(_me(laptop, laptop_token), 401)
    assert_error(laptop.post("/auth/refresh"), 401)
    assert not _signed_in(browser)
    assert _signed_in(others_browser)  # nobody else is touched
    assert AuthSession.objects.filter(user=owner, revoked_at__isnull=True).count() == 1
    assert not WebSession.objects.filter(user=owner).exists()


def test_web_password_reset_ends_every_session(owner):
    app, app_token = _api_login()
    browser = _web_login()
    visitor = Client()
    visitor.post("/accounts/password-reset/", {"email": "owner@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = visitor.get(link, follow=True)
    r = visitor.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302

    assert_error(_me(app, app_token), 401)
    assert_error(app.post("/auth/refresh"), 401)
    assert not _signed_in(browser)
    owner.refresh_from_db()
    assert owner.check_password(NEW)


def test_web_password_change_keeps_this_browser_and_ends_the_rest(owner):
    here, elsewhere = _web_login(), _web_login()
    app, app_token = _api_login()
    assert here.get("/accounts/password-change/").status_code == 200
    r = here.post(
        "/accounts/password-change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert_error(_me(app, app_token), 401)
    # this browser's new session key is known, so a later ban still ends it
    assert WebSession.objects.filter(user=owner).count() == 1
    assert sessions_end_all(user=owner) == 1
    assert not _signed_in(here)


def test_web_password_change_with_wrong_old_password_changes_nothing(owner):
    here, elsewhere = _web_login(), _web_login()
    r = here.post(
        "/accounts/password-change/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 200
    assert _signed_in(elsewhere)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_sessions_end_all_keeps_only_the_named_ones(owner):
    _, token = _api_login()
    _api_login()
    kept_family = AuthSession.objects.filter(user=owner).order_by("pk").first().family
    kept_browser, gone_browser = _web_login(), _web_login()
    kept_key = kept_browser.session.session_key

    ended = sessions_end_all(user=owner, keep_family=kept_family, keep_session_key=kept_key)

    assert ended == 2
    assert _me(ApiClient(), token).status_code == 200
    assert _signed_in(kept_browser) and not _signed_in(gone_browser)
    assert not Session.objects.filter(session_key=gone_browser.cookies["sessionid"].value).exists()


def test_web_logout_forgets_the_session_key(owner):
    browser = _web_login()
    assert WebSession.objects.filter(user=owner).count() == 1
    browser.post("/accounts/logout/")
    assert not WebSession.objects.filter(user=owner).exists()
