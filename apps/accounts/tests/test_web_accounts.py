import re

from django.core import mail

from apps.accounts.models import User
from apps.market.tests.factories import image_bytes, make_deal, make_listing, upload
from conftest import PASSWORD


def test_register_creates_user_and_logs_in(client, db):
    r = client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "email": "NewBie@Example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert r.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.com"
    assert client.get("/accounts/my-listings/").status_code == 200


def test_register_refuses_duplicate_email_case_insensitive(client, owner):
    r = client.post(
        "/accounts/register/",
        {
            "username": "copycat",
            "email": "OWNER@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert r.status_code == 400
    assert "email уже существует" in r.content.decode()
    assert not User.objects.filter(username="copycat").exists()


def test_register_refuses_mismatched_passwords(client, db):
    r = client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert r.status_code == 400
    assert not User.objects.filter(username="newbie").exists()


def test_login_with_username_or_email(client, owner):
    r = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert r.status_code == 302
    client.logout()
    r = client.post("/accounts/login/", {"username": "owner@example.com", "password": PASSWORD})
    assert r.status_code == 302


def test_wrong_password_shows_error(client, owner):
    r = client.post("/accounts/login/", {"username": "owner", "password": "nope"})
    assert r.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_per_ip_and_username(client, owner, settings):
    # a day-long window: ten slow attempts must not straddle a boundary of the fixed window
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "web_login": "10/d"}
    for _ in range(10):
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert r.status_code == 429
    assert "Слишком много попыток" in r.content.decode()
    assert "_auth_user_id" not in client.session
    ok = client.post("/accounts/login/", {"username": "other", "password": PASSWORD})
    assert ok.status_code in (302, 400)  # another username is not blocked


def test_logout_get_asks_and_post_logs_out(client, owner):
    client.force_login(owner)
    r = client.get("/accounts/logout/")
    assert r.status_code == 200
    assert "Выйти из аккаунта?" in r.content.decode()
    assert "_auth_user_id" in client.session
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session


def test_public_profile_shows_stats(client, owner, other, outsider):
    # The seller rating comes from LootLink reviews only (issue 20: ratings by face).
    from apps.market.tests.factories import make_deal, make_listing, make_review

    for buyer, score in ((other, 4), (outsider, 5)):
        make_review(make_deal(make_listing(owner), buyer, status="completed"), buyer, score)
    User.objects.filter(pk=owner.pk).update(total_sales=3)
    body = client.get("/accounts/profile/owner/").content.decode()
    assert "4,5" in body
    assert "Продаж" in body


def test_profile_edit_saves_contract_fields(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/profile-edit/").status_code == 200
    r = client.post(
        "/accounts/profile-edit/",
        {
            "first_name": "Иван",
            "last_name": "Петров",
            "bio": "Коллекционер скинов",
            "phone": "+77001234567",
            "telegram": "ivan_cs",
            "discord": "ivan#0001",
            "avatar": upload("me.png", image_bytes("PNG", size=(300, 200))),
        },
    )
    assert r.status_code == 302
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name, owner.bio) == (
        "Иван",
        "Петров",
        "Коллекционер скинов",
    )
    assert (owner.phone, owner.telegram_contact, owner.discord) == (
        "+77001234567",
        "@ivan_cs",
        "ivan#0001",
    )
    assert owner.avatar.name.endswith(".jpg")


def test_profile_edit_refuses_phone_of_another_user(client, owner, other):
    User.objects.filter(pk=other.pk).update(phone="+77000000000")
    client.force_login(owner)
    r = client.post("/accounts/profile-edit/", {"phone": "+77000000000"})
    assert r.status_code == 400
    owner.refresh_from_db()
    assert owner.phone is None


def test_profile_edit_refuses_non_image_avatar(client, owner):
    client.force_login(owner)
    r = client.post("/accounts/profile-edit/", {"avatar": upload("a.png", b"not an image")})
    assert r.status_code == 400
    owner.refresh_from_db()
    assert not owner.avatar


def test_cabinet_pages_need_login(client, db):
    for path in (
        "/accounts/my-listings/",
        "/accounts/my-purchases/",
        "/accounts/my-sales/",
        "/accounts/profile-edit/",
    ):
        r = client.get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], path


def test_my_listings_shows_only_mine(client, owner, other):
    make_listing(owner, title="Моё")
    make_listing(other, title="Чужое")
    client.force_login(owner)
    body = client.get("/accounts/my-listings/").content.decode()
    assert "Моё" in body and "Чужое" not in body


def test_my_sales_and_purchases_are_separate(client, owner, other):
    deal = make_deal(make_listing(owner, title="Продаю шлем"), other)
    client.force_login(owner)
    assert client.get("/accounts/my-sales/").context["page"].object_list[0] == deal
    assert not client.get("/accounts/my-purchases/").context["page"].object_list


def test_password_reset_by_email(client, owner):
    r = client.post("/accounts/password-reset/", {"email": "owner@example.com"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    assert "LootLink" in mail.outbox[0].subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "An0ther-Secret-Pass!"
    r = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
