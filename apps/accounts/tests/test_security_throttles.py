"""Issue 15, finding 4: throttles that a rotating header, a second name or a shared proxy do
not defeat, and limits on every form that sends mail or creates accounts."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client, RequestFactory

from apps.accounts.models import User
from apps.common.ratelimit import address_key, client_ip
from apps.common.testing import ApiClient, assert_error
from conftest import PASSWORD


@pytest.fixture
def limits(settings):
    """Set some limits for one test: limits(login_ip="3/m")."""

    def apply(**rates):
        settings.RATE_LIMITS = {**django_settings.RATE_LIMITS, **rates}

    return apply


def _api_login(client: ApiClient, username="owner", password="wrong", **extra):
    return client.post("/auth/login", {"username": username, "password": password}, **extra)


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(anon_api, owner, settings):
    # a day-long window: ten slow logins must not straddle a minute boundary (fixed windows)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "auth_login": "10/d"}
    codes = [
        _api_login(anon_api, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(10)
    ]
    assert set(codes) == {401}
    r = _api_login(anon_api, password=PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert_error(r, 429, "rate_limited")


@pytest.mark.parametrize("workers", ["1", "3"])
def test_the_server_never_trusts_proxy_headers(monkeypatch, workers):
    """uvicorn would take the client address from X-Forwarded-For of loopback connections;
    `config.serve` (used by `make run` and `make serve`) switches that off: Django reads the
    header itself, from TRUSTED_PROXY_COUNT proxies only."""
    from config import serve

    seen = {}
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setattr(serve._AnnouncingServer, "run", lambda self: seen.update(vars(self.config)))
    with contextlib.suppress(SystemExit):
        serve.main(["--workers", workers, "--port", "0"])
    assert seen["proxy_headers"] is False
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    assert "bin/uvicorn" not in makefile and "-m config.serve" in makefile


def test_client_address_comes_from_the_configured_number_of_proxies(settings):
    rf = RequestFactory()
    spoofed = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "203.0.113.7"  # what our proxy saw; "1.2.3.4" is the client's
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "1.2.3.4"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.2"


def test_ipv6_clients_count_per_64_prefix():
    rf = RequestFactory()
    a = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    b = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert address_key(a) == address_key(b) == "2001:db8:1:2::/64"


def test_trusted_proxy_rotating_header_prefix_still_one_bucket(settings, anon_api, owner):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(10):
        _api_login(anon_api, HTTP_X_FORWARDED_FOR=f"9.9.9.{i}, 203.0.113.7")
    r = _api_login(anon_api, password=PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.7")
    assert_error(r, 429)


def test_web_login_spraying_usernames_from_one_address_is_limited(client, db, limits):
    limits(login_ip="5/10m")
    codes = [
        client.post("/accounts/login/", {"username": f"user{i}", "password": "x"}).status_code
        for i in range(6)
    ]
    assert codes == [400] * 5 + [429]


def test_username_and_email_count_as_one_account(client, owner):
    for i in range(10):
        name = "owner" if i % 2 else "OWNER@example.com"
        client.post("/accounts/login/", {"username": name, "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failed_logins_of_one_account_from_many_addresses_are_limited(owner, limits):
    limits(login_account="5/h")
    for i in range(5):
        r = _api_login(ApiClient(REMOTE_ADDR=f"192.0.2.{i}"))
        assert r.status_code == 401
    r = _api_login(ApiClient(REMOTE_ADDR="192.0.2.200"), password=PASSWORD)
    assert_error(r, 429, "rate_limited")
    assert 0 < int(r["Retry-After"]) <= 3600
    web = Client(REMOTE_ADDR="192.0.2.201")
    assert (
        web.post("/accounts/login/", {"username": "owner", "password": PASSWORD}).status_code == 429
    )


def test_users_behind_one_proxy_do_not_lock_each_other_out(owner, other):
    shared = "203.0.113.50"
    for _ in range(11):
        _api_login(ApiClient(REMOTE_ADDR=shared))  # someone hammers owner's account
    r = _api_login(ApiClient(REMOTE_ADDR=shared), username="other", password=PASSWORD)
    assert r.status_code == 200


def test_refresh_limit_is_per_session_not_per_address(owner, other):
    shared = "203.0.113.60"
    alice, bob = ApiClient(REMOTE_ADDR=shared), ApiClient(REMOTE_ADDR=shared)
    _api_login(alice, password=PASSWORD)
    _api_login(bob, username="other", password=PASSWORD)
    assert [alice.post("/auth/refresh").status_code for _ in range(6)][-1] == 429
    assert bob.post("/auth/refresh").status_code == 200


def test_password_reset_mails_are_limited_per_target_email(owner, limits):
    limits(password_reset_email="3/h")
    codes = [
        Client(REMOTE_ADDR=f"192.0.2.{i}")
        .post("/accounts/password-reset/", {"email": "owner@example.com"})
        .status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_address_for_unknown_emails_too(client, db, limits):
    limits(password_reset_ip="2/h")
    codes = [
        client.post("/accounts/password-reset/", {"email": f"nobody{i}@example.com"}).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert (
        "Слишком много запросов"
        in client.post("/accounts/password-reset/", {"email": "x@example.com"}).content.decode()
    )


def test_web_registration_is_limited_per_address(client, db, limits):
    limits(auth_register="2/h")
    for i in range(3):
        r = client.post(
            "/accounts/register/",
            {
                "username": f"gamer{i}",
                "email": f"gamer{i}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        client.logout()
    assert r.status_code == 429
    assert list(User.objects.values_list("username", flat=True).order_by("username")) == [
        "gamer0",
        "gamer1",
    ]


def test_api_account_creation_is_limited_per_target_email(anon_api, limits):
    limits(account_email="2/h")
    body = {"email": "target@example.com", "password": PASSWORD}
    codes = [
        ApiClient(REMOTE_ADDR=f"192.0.2.{i}")
        .post("/auth/register", {**body, "username": f"name{i}"})
        .status_code
        for i in range(3)
    ]
    assert codes == [201, 409, 429]
