"""Staff must use 2FA everywhere: the web login sends a staff account without it to the set-up
page, the admin opens only for a session that passed 2FA (its own login page takes no
password), and the API login refuses staff without 2FA. Other users are unaffected."""

import time

import pyotp
import pytest
from django.test import Client

from apps.accounts.models import LoginEvent, TOTPDevice
from apps.accounts.tests.test_security import enable_2fa, web_login
from apps.common.testing import assert_error, force_login_2fa
from conftest import PASSWORD


def _admin_closed(client) -> None:
    r = client.get("/admin/accounts/user/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")


def test_staff_without_2fa_is_sent_to_set_it_up_and_the_admin_stays_closed(client, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    r = web_login(client, "staffer")
    assert r.status_code == 302 and r["Location"] == "/accounts/security/"
    page = client.get("/accounts/security/")
    assert "двухфакторн" in page.content.decode().lower()
    _admin_closed(client)
    r = client.get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"] == "/accounts/security/"
    assert client.get("/moderation/").status_code == 302
    # setting 2FA up on the page marks this session: the admin opens
    secret = client.post("/accounts/security/2fa/begin/").context["setup"]["secret"]
    client.post("/accounts/security/2fa/confirm/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_password_alone_never_opens_the_admin(client, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    # an old session (or force_login) without the 2FA mark
    client.force_login(staff)
    _admin_closed(client)
    # the admin's login page takes no password: it sends to the site's login
    anon = Client()
    r = anon.post("/admin/login/?next=/admin/", {"username": "staffer", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    _admin_closed(anon)
    r = anon.get("/admin/login/?next=https://evil.example/")
    assert r["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_staff_with_2fa_open_the_admin_with_a_code_only(client, staff):
    totp = enable_2fa(staff)
    r = client.get("/admin/", follow=True)
    assert r.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    r = client.post("/accounts/login/?next=/admin/", {"username": "staffer", "password": PASSWORD})
    assert r["Location"] == "/accounts/login/2fa/"
    _admin_closed(client)
    assert client.post("/accounts/login/2fa/", {"code": "000000"}).status_code == 400
    _admin_closed(client)
    r = client.post("/accounts/login/2fa/", {"code": totp.now()})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # switching 2FA off ends the mark: the admin closes again
    client.post("/accounts/security/2fa/disable/", {"code": totp.at(time.time() + 30)})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/").status_code == 302


def test_non_staff_are_unaffected_and_the_admin_is_not_theirs(client, owner):
    r = web_login(client)
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 404


def test_an_outsider_cannot_remove_staff_2fa_through_the_admin(client, staff, outsider):
    enable_2fa(staff)
    device = TOTPDevice.objects.get(user=staff)
    client.force_login(outsider)
    r = client.post(f"/admin/accounts/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed_at__isnull=False).exists()


def test_api_login_refuses_staff_without_2fa(anon_api, staff):
    r = anon_api.post("/auth/login", {"username": "staffer", "password": PASSWORD})
    body = assert_error(r, 403, "permission_denied")
    assert body["code"] == "two_factor_required"
    assert "refresh_token" not in r.cookies
    assert LoginEvent.objects.filter(user=staff, method="api", success=False).exists()
    assert not LoginEvent.objects.filter(user=staff, success=True).exists()
    # a wrong password says nothing about 2FA (no hint that the account is staff)
    r = anon_api.post("/auth/login", {"username": "staffer", "password": "wrong-Pass-123"})
    assert assert_error(r, 401)["code"] == "bad_credentials"


@pytest.mark.parametrize("otp", [None, "000000"])
def test_api_login_of_staff_with_2fa_needs_a_valid_code(anon_api, staff, otp):
    totp = enable_2fa(staff)
    body = {"username": "staffer", "password": PASSWORD}
    r = anon_api.post("/auth/login", body if otp is None else {**body, "otp": otp})
    assert assert_error(r, 401)["code"] in {"otp_required", "otp_invalid"}
    r = anon_api.post("/auth/login", {**body, "otp": totp.now()})
    assert r.status_code == 200 and r.json()["access_token"]


def test_api_login_of_non_staff_without_2fa_is_unchanged(anon_api, owner):
    r = anon_api.post("/auth/login", {"username": "owner", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["user"]["username"] == "owner"


# --- staff-only reads outside /moderation/ and /admin/ --------------------------------------


def test_staff_see_hidden_listings_and_others_exchanges_only_after_2fa(client, staff, owner, other):
    from apps.exchange.tests.helpers import proposal_for
    from apps.market.tests.factories import make_listing

    hidden = make_listing(owner, moderation_hidden=True)
    proposal = proposal_for([owner, other])
    client.force_login(staff)
    assert client.get(f"/listing/{hidden.pk}/").status_code == 404
    assert client.get(f"/exchange/proposals/{proposal.pk}/").status_code == 404
    marked = force_login_2fa(Client(), staff)
    assert marked.get(f"/listing/{hidden.pk}/").status_code == 200
    assert marked.get(f"/exchange/proposals/{proposal.pk}/").status_code == 200


def test_staff_open_others_disputes_only_after_2fa(client, staff, owner, other):
    from django.utils import timezone

    from apps.market.tests.factories import make_deal, make_listing
    from apps.moderation.models import Dispute, DisputeEvent

    now = timezone.now()
    deal = make_deal(
        make_listing(owner, status="reserved"),
        other,
        status="delivered",
        accepted_at=now,
        delivered_at=now,
    )
    client.force_login(other)
    client.post(
        f"/transactions/purchase-request/{deal.pk}/dispute/",
        {"reason": "not_received", "text": "Оплатил, предмет не пришёл"},
    )
    dispute = Dispute.objects.get()
    events = DisputeEvent.objects.count()
    client.force_login(staff)
    url = dispute.get_absolute_url()
    assert client.get(url)["Location"] == "/accounts/security/"
    r = client.post(f"{url}message/", {"text": "Модератор тут"})
    assert r.status_code == 302 and r["Location"] == "/accounts/security/"
    assert DisputeEvent.objects.count() == events
    assert force_login_2fa(Client(), staff).get(url).status_code == 200
    # the sides themselves need nothing new
    assert force_login_2fa(Client(), other).get(url).status_code == 200
    other_side = Client()
    other_side.force_login(owner)
    assert other_side.get(url).status_code == 200
