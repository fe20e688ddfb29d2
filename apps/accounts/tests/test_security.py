"""Account security: TOTP 2FA on web and API login, sessions and login history, deleting the
account, the personal data export; staff need 2FA for moderation."""

import json

import pyotp
import pytest
from django.test import Client

from apps.accounts.models import LoginEvent, TOTPDevice
from apps.accounts.twofactor import totp_begin
from apps.market.tests.factories import make_listing
from conftest import PASSWORD


def enable_2fa(user) -> pyotp.TOTP:
    secret, _ = totp_begin(user=user)
    TOTPDevice.objects.filter(user=user).update(confirmed_at="2026-01-01T00:00:00Z")
    return pyotp.TOTP(secret)


def web_login(client, username="owner", password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_setting_up_2fa_through_the_page(client, owner):
    client.force_login(owner)
    r = client.post("/accounts/security/2fa/begin/")
    secret = r.context["setup"]["secret"]
    assert secret in r.content.decode()
    client.post("/accounts/security/2fa/confirm/", {"code": "000000"})
    assert not TOTPDevice.objects.filter(user=owner, confirmed_at__isnull=False).exists()
    client.post("/accounts/security/2fa/confirm/", {"code": pyotp.TOTP(secret).now()})
    assert TOTPDevice.objects.filter(user=owner, confirmed_at__isnull=False).exists()


def test_web_login_with_2fa_asks_for_the_code(owner):
    totp = enable_2fa(owner)
    client = Client()
    r = web_login(client)
    assert r.status_code == 302 and r["Location"] == "/accounts/login/2fa/"
    assert client.get("/accounts/my-listings/").status_code == 302  # not logged in yet
    assert client.post("/accounts/login/2fa/", {"code": "123456"}).status_code == 400
    r = client.post("/accounts/login/2fa/", {"code": totp.now()})
    assert r.status_code == 302
    assert client.get("/accounts/my-listings/").status_code == 200
    assert LoginEvent.objects.filter(user=owner, method="web", success=False).exists()
    assert LoginEvent.objects.filter(user=owner, method="web", success=True).exists()


def test_a_code_works_only_once(owner):
    totp = enable_2fa(owner)
    code = totp.now()
    first, second = Client(), Client()
    web_login(first)
    first.post("/accounts/login/2fa/", {"code": code})
    web_login(second)
    assert second.post("/accounts/login/2fa/", {"code": code}).status_code == 400


def test_api_login_with_2fa_needs_the_code(anon_api, owner):
    totp = enable_2fa(owner)
    body = {"username": "owner", "password": PASSWORD}
    r = anon_api.post("/auth/login", body)
    assert r.status_code == 401 and "код" in r.json()["detail"].lower()
    assert anon_api.post("/auth/login", {**body, "otp": "000000"}).status_code == 401
    r = anon_api.post("/auth/login", {**body, "otp": totp.now()})
    assert r.status_code == 200 and r.json()["access_token"]
    assert LoginEvent.objects.filter(user=owner, method="api", success=True).exists()


def test_api_login_without_2fa_is_unchanged(anon_api, owner):
    r = anon_api.post("/auth/login", {"username": "owner", "password": PASSWORD})
    assert r.status_code == 200


def test_sessions_page_lists_web_and_api_sessions_and_ends_one(owner, anon_api):
    phone = Client()
    web_login(phone)
    anon_api.post("/auth/login", {"username": "owner", "password": PASSWORD})
    laptop = Client()
    web_login(laptop)
    page = laptop.get("/accounts/security/")
    sessions = page.context["sessions"]
    assert {s["kind"] for s in sessions} == {"web", "api"}
    assert sum(s["current"] for s in sessions) == 1
    other_web = next(s for s in sessions if s["kind"] == "web" and not s["current"])
    laptop.post(f"/accounts/security/sessions/web/{other_web['id']}/end/")
    assert phone.get("/accounts/my-listings/").status_code == 302  # logged out
    assert laptop.get("/accounts/my-listings/").status_code == 200
    api_session = next(s for s in sessions if s["kind"] == "api")
    laptop.post(f"/accounts/security/sessions/api/{api_session['id']}/end/")
    assert anon_api.post("/auth/refresh").status_code == 401


def test_someone_elses_session_cannot_be_ended(owner, other):
    victim = Client()
    web_login(victim, "other")
    event = LoginEvent.objects.get(user=other, method="web")
    attacker = Client()
    attacker.force_login(owner)
    attacker.post(f"/accounts/security/sessions/web/{event.pk}/end/")
    assert victim.get("/accounts/my-listings/").status_code == 200


def test_end_all_other_sessions(owner):
    a, b = Client(), Client()
    web_login(a)
    web_login(b)
    b.post("/accounts/security/sessions/end-others/")
    assert a.get("/accounts/my-listings/").status_code == 302
    assert b.get("/accounts/my-listings/").status_code == 200


def test_delete_account_on_the_web_needs_the_password(client, owner):
    client.force_login(owner)
    assert client.post("/accounts/delete/", {"password": "wrong"}).status_code == 400
    owner.refresh_from_db()
    assert owner.is_active
    r = client.post("/accounts/delete/", {"password": PASSWORD})
    assert r.status_code == 302
    owner.refresh_from_db()
    assert not owner.is_active and owner.username == f"deleted_{owner.pk}" and owner.email is None
    assert not Client().login(username="owner", password=PASSWORD)


def test_data_export_holds_my_data_only(client, owner, other):
    make_listing(owner, title="Мой нож")
    make_listing(other, title="Чужой меч")
    client.force_login(owner)
    r = client.get("/accounts/export/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    assert data["profile"]["username"] == "owner" and data["profile"]["email"] == owner.email
    assert [row["title"] for row in data["lootlink_listings"]] == ["Мой нож"]
    assert "other@example.com" not in r.content.decode()
    assert Client().get("/accounts/export/").status_code == 302


@pytest.mark.real_2fa
def test_staff_without_2fa_cannot_open_moderation(client, staff):
    client.force_login(staff)
    r = client.get("/moderation/")
    assert r.status_code == 302 and r["Location"] == "/accounts/security/"
    totp = enable_2fa(staff)
    fresh = Client()
    web_login(fresh, "staffer")
    fresh.post("/accounts/login/2fa/", {"code": totp.now()})
    assert fresh.get("/moderation/").status_code == 200


def test_recovery_codes_are_shown_once_and_each_works_once(client, owner):
    client.force_login(owner)
    r = client.post("/accounts/security/2fa/begin/")
    secret = r.context["setup"]["secret"]
    r = client.post("/accounts/security/2fa/confirm/", {"code": pyotp.TOTP(secret).now()})
    codes = r.context["recovery_codes"]
    assert len(codes) == 8 and codes[0] in r.content.decode()
    assert codes[0] not in client.get("/accounts/security/").content.decode()
    assert codes[0] not in json.dumps(list(TOTPDevice.objects.values("recovery_hashes")))
    first = Client()
    web_login(first)
    assert first.post("/accounts/login/2fa/", {"code": codes[0]}).status_code == 302
    again = Client()
    web_login(again)
    assert again.post("/accounts/login/2fa/", {"code": codes[0]}).status_code == 400
