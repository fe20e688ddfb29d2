from apps.accounts.models import AuthSession, User
from apps.common.testing import assert_error
from apps.exchange.models import ItemStatus, ListingItem


def add_item(api, name="Дрель"):
    return api.post(
        "/api/listings/create",
        {
            "item_type": "OFFER",
            "exchange_type": "PERMANENT",
            "item_name": name,
            "value_tenge": 1000,
        },
    ).json()


def test_cabinet_shows_profile_listings_and_exchanges(api, owner):
    add_item(api)
    body = api.get("/user/cabinet").json()
    assert body["user_profile"]["id"] == owner.pk
    assert body["user_profile"]["username"] == "owner"
    assert [x["title"] for x in body["my_listings"]] == ["Дрель"]
    assert body["my_listings"][0]["exchange_type"] == "PERMANENT"
    assert body["active_exchanges"] == []


def test_user_listings_are_only_mine(api, other_api):
    add_item(api, "Моё")
    add_item(other_api, "Чужое")
    rows = api.get("/user/listings").json()
    assert [r["title"] for r in rows] == ["Моё"]
    assert set(rows[0]) >= {"id", "title", "description", "user_id", "exchange_type", "created_at"}


def test_user_exchanges_is_a_list(api):
    r = api.get("/user/exchanges")
    assert r.status_code == 200 and isinstance(r.json(), list)


def test_update_profile(api, owner):
    r = api.put(
        "/user/profile",
        {
            "full_name": "Updated Name",
            "bio": "New interesting bio",
            "city": "Астана",
            "telegram_contact": "@updated_tg",
        },
    )
    assert r.status_code == 200
    assert r.json()["message"] == "Profile updated successfully"
    assert r.json()["user"]["full_name"] == "Updated Name"
    owner.refresh_from_db()
    assert (owner.city, owner.telegram_contact) == ("Астана", "@updated_tg")


def test_update_profile_validates(api, owner):
    assert_error(api.put("/user/profile", {"full_name": "x" * 151}), 400)
    assert_error(api.put("/user/profile", {"phone": "call me"}), 400)
    owner.refresh_from_db()
    assert owner.full_name == "Owner"


def test_cabinet_requires_auth(anon_api):
    for path in ("/user/cabinet", "/user/listings", "/user/exchanges"):
        assert_error(anon_api.get(path), 401, "authentication_error")


def test_delete_account_anonymises_archives_and_revokes(api, owner, other_api):
    item = add_item(api)
    r = api.delete("/user/account")
    assert r.status_code == 200 and r.json() == {"message": "Account deleted successfully"}
    user = User.objects.get(pk=owner.pk)
    assert not user.is_active and user.is_deleted
    assert user.email is None and user.phone is None and user.username == f"deleted_{owner.pk}"
    assert ListingItem.objects.get(pk=item["id"]).status == ItemStatus.ARCHIVED
    assert not AuthSession.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert_error(api.get("/auth/me"), 401)
    assert_error(other_api.get(f"/api/users/{owner.pk}"), 404)
    # The old username is free again for someone new.
    assert other_api.post("/api/users/", {"username": "owner"}).status_code == 201
