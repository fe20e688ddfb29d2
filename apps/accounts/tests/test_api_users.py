from apps.accounts.models import User, UserLocation
from apps.common.testing import assert_error

NEW_USER = {
    "username": "test_user",
    "email": "test@example.com",
    "phone": "+77001234567",
    "full_name": "Test User",
    "telegram_contact": "@test_user_tg",
    "city": "Алматы",
    "bio": "Test bio",
}


def test_create_user_returns_201_with_contract_fields(anon_api):
    r = anon_api.post("/api/users/", NEW_USER)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {
        "id",
        "username",
        "email",
        "full_name",
        "telegram_contact",
        "city",
        "bio",
        "is_active",
        "created_at",
    }
    assert body["username"] == "test_user" and body["email"] == "test@example.com"
    user = User.objects.get(pk=body["id"])
    assert not user.has_usable_password()
    assert list(UserLocation.objects.filter(user=user).values_list("city", flat=True)) == ["Алматы"]


def test_create_user_duplicate_username_returns_409(anon_api):
    anon_api.post("/api/users/", NEW_USER)
    r = anon_api.post("/api/users/", {**NEW_USER, "email": "x@example.com", "phone": None})
    assert_error(r, 409, "conflict")
    assert User.objects.filter(username="test_user").count() == 1


def test_create_user_duplicate_email_case_insensitive_returns_409(anon_api):
    anon_api.post("/api/users/", NEW_USER)
    r = anon_api.post("/api/users/", {"username": "another", "email": "TEST@example.com"})
    assert_error(r, 409)


def test_create_user_duplicate_phone_returns_409(anon_api):
    anon_api.post("/api/users/", NEW_USER)
    r = anon_api.post("/api/users/", {"username": "another", "phone": "+77001234567"})
    assert_error(r, 409)


def test_create_user_bad_email_returns_400(anon_api):
    r = anon_api.post("/api/users/", {"username": "someone", "email": "not-an-email"})
    body = assert_error(r, 400, "validation_error")
    assert "email" in body["detail"]


def test_create_user_bad_username_returns_400(anon_api):
    assert_error(anon_api.post("/api/users/", {"username": "a b"}), 400)
    assert_error(anon_api.post("/api/users/", {"username": "ab"}), 400)
    assert not User.objects.exists()


def test_create_user_malformed_json_returns_400(anon_api):
    r = anon_api.post("/api/users/", "{not json")
    assert_error(r, 400)


def test_get_user_hides_email_and_phone_from_others(anon_api, owner, other_api):
    public = anon_api.get(f"/api/users/{owner.pk}").json()
    assert public["email"] is None and public["phone"] is None
    assert public["username"] == "owner" and public["locations"] == ["Алматы"]
    assert other_api.get(f"/api/users/{owner.pk}").json()["email"] is None


def test_get_user_shows_email_to_self_and_staff(api, staff_api, owner):
    assert api.get(f"/api/users/{owner.pk}").json()["email"] == "owner@example.com"
    assert staff_api.get(f"/api/users/{owner.pk}").json()["email"] == "owner@example.com"


def test_get_user_has_every_contract_field(anon_api, owner):
    body = anon_api.get(f"/api/users/{owner.pk}").json()
    expected = {
        "id",
        "username",
        "email",
        "full_name",
        "telegram_contact",
        "city",
        "bio",
        "trust_score",
        "exchange_count",
        "rating_avg",
        "is_active",
        "is_verified",
        "email_verified",
        "phone_verified",
        "created_at",
        "updated_at",
        "last_login_at",
        "last_active_at",
        "telegram_id",
        "telegram_username",
        "telegram_first_name",
    }
    assert expected <= set(body)


def test_get_unknown_user_returns_404(anon_api):
    assert_error(anon_api.get("/api/users/999999"), 404, "not_found")
    assert_error(anon_api.get("/api/users/username/nobody"), 404, "not_found")


def test_get_user_by_username(anon_api, owner):
    r = anon_api.get("/api/users/username/owner")
    assert r.status_code == 200 and r.json()["id"] == owner.pk


def test_set_locations_by_owner(api, owner):
    r = api.put(f"/api/users/{owner.pk}/locations", {"locations": ["Алматы", "Шымкент"]})
    assert r.status_code == 200
    assert r.json() == {
        "id": owner.pk,
        "locations": ["Алматы", "Шымкент"],
        "message": "Locations updated",
    }
    assert set(owner.location_set.values_list("city", flat=True)) == {"Алматы", "Шымкент"}


def test_set_locations_rejects_unknown_city(api, owner):
    body = assert_error(
        api.put(f"/api/users/{owner.pk}/locations", {"locations": ["Москва"]}),
        400,
        "validation_error",
    )
    assert "Москва" in body["detail"]
    assert list(owner.location_set.values_list("city", flat=True)) == ["Алматы"]


def test_set_locations_rejects_empty_and_more_than_three(api, owner):
    assert_error(api.put(f"/api/users/{owner.pk}/locations", {"locations": []}), 400)
    four = ["Алматы", "Астана", "Шымкент", "Алматы "]
    assert_error(api.put(f"/api/users/{owner.pk}/locations", {"locations": four * 1 + ["X"]}), 400)


def test_set_locations_by_outsider_returns_403_and_changes_nothing(outsider_api, owner):
    r = outsider_api.put(f"/api/users/{owner.pk}/locations", {"locations": ["Астана"]})
    assert_error(r, 403, "permission_denied")
    assert list(owner.location_set.values_list("city", flat=True)) == ["Алматы"]


def test_set_locations_by_staff_allowed(staff_api, owner):
    r = staff_api.put(f"/api/users/{owner.pk}/locations", {"locations": ["Астана"]})
    assert r.status_code == 200
    assert list(owner.location_set.values_list("city", flat=True)) == ["Астана"]


def test_set_locations_anonymous_returns_401(anon_api, owner):
    assert_error(
        anon_api.put(f"/api/users/{owner.pk}/locations", {"locations": ["Астана"]}),
        401,
        "authentication_error",
    )
