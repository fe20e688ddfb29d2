"""The contract's "Complete User Flow" (its last section), step by step, in-process."""

from apps.common.testing import ApiClient


def test_complete_user_flow_from_the_contract(db):
    client = ApiClient()
    r = client.post(
        "/auth/register",
        {
            "email": "testuser_auth@example.com",
            "password": "SecurePass123!",
            "username": "testuser_auth",
            "full_name": "Test User Auth",
            "city": "Алматы",
        },
    )
    assert r.status_code == 201
    user_id = r.json()["id"]

    r = client.post("/auth/login", {"username": "testuser_auth", "password": "SecurePass123!"})
    assert r.status_code == 200
    token = r.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    r = client.post(
        "/api/listings/create-by-categories",
        {
            "wants": {"PERMANENT": [{"item_name": "Книга по JS", "value_tenge": 10000}]},
            "offers": {
                "TEMPORARY": [
                    {"item_name": "Электросамокат", "value_tenge": 5000, "duration_days": 2}
                ]
            },
        },
        headers=auth,
    )
    assert r.status_code == 201
    assert [x["item_name"] for x in r.json()["listings"]] == ["Книга по JS", "Электросамокат"]

    r = client.get("/user/cabinet", headers=auth)
    assert r.status_code == 200
    assert r.json()["user_profile"]["id"] == user_id
    assert len(r.json()["my_listings"]) == 2

    r = client.post("/auth/logout", headers=auth)
    assert r.status_code == 200 and r.json() == {"message": "Successfully logged out"}
    assert client.post("/auth/refresh").status_code == 401
