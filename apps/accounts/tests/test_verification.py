"""Email verification by a signed link, phone normalisation, badges and "Новый продавец"."""

import re

import pytest
from django.core import mail, signing

from apps.accounts.verification import SALT, email_verification_token
from apps.common.testing import ApiClient
from apps.market.tests.factories import make_listing


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/verify-email/[^/\s]+/)", message.body).group(1)


def test_owner_gets_a_link_that_verifies_the_email(client, owner, outsider):
    client.force_login(owner)
    page = client.get(f"/accounts/profile/{owner.username}/").content.decode()
    assert 'data-action="verify-email"' in page and 'data-badge="email-verified"' not in page
    client.post("/accounts/verify-email/send/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    path = _link(mail.outbox[0])
    client.logout()  # the link works in any browser
    r = client.get(path)
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.email_verified
    client.force_login(outsider)
    page = client.get(f"/accounts/profile/{owner.username}/").content.decode()
    assert 'data-badge="email-verified"' in page


def test_resend_is_throttled(client, owner):
    client.force_login(owner)
    client.post("/accounts/verify-email/send/")
    client.post("/accounts/verify-email/send/")
    assert len(mail.outbox) == 1


def test_forged_expired_or_stale_links_do_nothing(client, owner, settings):
    forged = signing.dumps({"u": owner.pk, "e": owner.email}, salt="other-salt")
    assert client.get(f"/accounts/verify-email/{forged}/").status_code == 302
    token = email_verification_token(owner)
    type(owner).objects.filter(pk=owner.pk).update(email="new@example.com")
    client.get(f"/accounts/verify-email/{token}/")  # sent to the old address
    settings.EMAIL_VERIFY_MAX_AGE_DAYS = -1
    client.get(f"/accounts/verify-email/{email_verification_token(owner)}/")
    owner.refresh_from_db()
    assert not owner.email_verified
    assert SALT


def test_registration_sends_the_link(client, db):
    client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "Very-Strong-Pass-42",
            "password2": "Very-Strong-Pass-42",
        },
    )
    assert [m.to for m in mail.outbox] == [["newbie@example.com"]]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("8 701 123 45 67", "+77011234567"),
        ("+7 (916) 123-45-67", "+79161234567"),
        ("87001234567", "+77001234567"),
    ],
)
def test_phone_is_normalised_on_the_web(client, owner, raw, stored):
    client.force_login(owner)
    r = client.post(
        "/accounts/profile-edit/",
        {"phone": raw, "bio": "", "first_name": "", "last_name": "", "discord": ""},
    )
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == stored


@pytest.mark.parametrize("raw", ["abc", "12345", "+7 000 000 00 00"])
def test_wrong_phone_is_refused_on_web_and_api(client, owner, raw):
    client.force_login(owner)
    r = client.post("/accounts/profile-edit/", {"phone": raw})
    assert r.status_code == 400
    assert ApiClient(owner).put("/user/profile", {"phone": raw}).status_code == 400
    owner.refresh_from_db()
    assert owner.phone is None


def test_api_stores_the_normalised_phone_and_changing_it_drops_the_badge(owner):
    type(owner).objects.filter(pk=owner.pk).update(phone="+77011234567", phone_verified=True)
    assert ApiClient(owner).put("/user/profile", {"phone": "87021234567"}).status_code == 200
    owner.refresh_from_db()
    assert owner.phone == "+77021234567" and not owner.phone_verified


def test_new_seller_instead_of_zero_stars(client, owner, other):
    listing = make_listing(owner)
    client.force_login(other)
    body = client.get(f"/listing/{listing.pk}/").content.decode()
    assert "Новый продавец" in body and "Рейтинг 0,0" not in body
    type(owner).objects.filter(pk=owner.pk).update(
        rating_sum=9, rating_count=2, email_verified=True, phone_verified=True
    )
    body = client.get(f"/listing/{listing.pk}/").content.decode()
    assert "Новый продавец" not in body and "4,5" in body
    assert 'data-badge="email-verified"' in body and 'data-badge="phone-verified"' in body
