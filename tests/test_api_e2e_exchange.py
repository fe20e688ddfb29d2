"""End to end over HTTP: listings -> matching run -> everyone accepts -> everyone receives.

One city holds a 3-way cycle, a 4-way cycle and a bilateral pair; a user in another city
mirrors a fourth Алматы user and must not be matched with them.
"""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.common.testing import ApiClient
from apps.exchange.models import ItemStatus, ListingItem, Proposal
from apps.notifications.models import Notification
from conftest import make_user

pytestmark = pytest.mark.django_db


def post_items(client: ApiClient, *, offer: tuple[str, int], want: tuple[str, int]) -> None:
    r = client.post(
        "/api/listings/create-by-categories",
        {
            "offers": {"PERMANENT": [{"item_name": offer[0], "value_tenge": offer[1]}]},
            "wants": {"PERMANENT": [{"item_name": want[0], "value_tenge": want[1]}]},
        },
    )
    assert r.status_code == 201, r.content


def build_cycle(clients: list[ApiClient], names: list[str], base: int) -> None:
    """clients[i] offers names[i], wanted by clients[i+1]; values double along the cycle."""
    n = len(clients)
    for i, client in enumerate(clients):
        prev = (i - 1) % n
        post_items(client, offer=(names[i], base * 2**i), want=(names[prev], base * 2**prev))


def test_full_exchange_journey_over_http(staff_api):
    users = {
        name: make_user(name)
        for name in ["ann", "ben", "cat", "dan", "eva", "fox", "gus", "hal", "ivy", "kim"]
    }
    users["zoe"] = make_user("zoe", city="Астана", locations=("Астана",))
    api = {name: ApiClient(user) for name, user in users.items()}

    build_cycle([api["ann"], api["ben"], api["cat"]], ["Дрель", "Палатка", "Гитара"], 1000)
    build_cycle(
        [api["dan"], api["eva"], api["fox"], api["gus"]],
        ["Велосипед", "Самокат", "Ролики", "Скейтборд"],
        100_000,
    )
    build_cycle([api["hal"], api["ivy"]], ["Фотоаппарат", "Объектив"], 10_000_000)
    # kim (Алматы) and zoe (Астана) want each other's items, but share no city.
    post_items(api["kim"], offer=("Синтезатор", 10**9), want=("Микрофон", 10**9))
    post_items(api["zoe"], offer=("Микрофон", 10**9), want=("Синтезатор", 10**9))

    r = staff_api.post("/api/matching/run-pipeline", {"user_id": None})
    assert r.status_code == 200, r.content
    assert {
        k: r.json()[k]
        for k in ("bilateral_matches", "exchange_chains", "total_participants", "errors")
    } == {"bilateral_matches": 1, "exchange_chains": 2, "total_participants": 9, "errors": []}
    for name in ("kim", "zoe"):
        assert api[name].get(f"/api/matches/user/{users[name].pk}").json()["total"] == 0
        assert api[name].get(f"/api/chains/user/{users[name].pk}").json()["total"] == 0

    # Each participant finds their proposal and accepts it.
    sizes = {}
    for name in ("ann", "ben", "cat", "dan", "eva", "fox", "gus", "hal", "ivy"):
        uid = users[name].pk
        chains = api[name].get(f"/api/chains/user/{uid}").json()["items"]
        matches = api[name].get(f"/api/matches/user/{uid}").json()["items"]
        (row,) = chains + matches
        sizes[name] = len(row["participants"])
        path = "chains" if chains else "matches"
        r = api[name].post(f"/api/{path}/{row['id']}/accept", {"user_id": uid})
        assert r.status_code == 200 and r.json()["status"] == "accepted", r.content
    assert sizes == {
        "ann": 3,
        "ben": 3,
        "cat": 3,
        "dan": 4,
        "eva": 4,
        "fox": 4,
        "gus": 4,
        "hal": 2,
        "ivy": 2,
    }
    assert set(Proposal.objects.values_list("status", flat=True)) == {"confirmed"}

    for name in ("ann", "ben", "cat", "dan", "eva", "fox", "gus", "hal", "ivy"):
        proposal = Proposal.objects.get(participants__user=users[name])
        path = "chains" if proposal.kind == "chain" else "matches"
        detail = api[name].get(f"/api/{path}/{proposal.pk}").json()
        assert all(m["contact"] for m in detail["members"])  # revealed after confirmation
        r = api[name].post(f"/api/{path}/{proposal.pk}/confirm-receipt", {})
        assert r.status_code == 200, r.content
    assert set(Proposal.objects.values_list("status", flat=True)) == {"completed"}

    for name, user in users.items():
        user.refresh_from_db()
        matched = name not in ("kim", "zoe")
        assert user.exchange_count == (1 if matched else 0), name
        assert (user.trust_score > 0) == matched
        statuses = set(ListingItem.objects.filter(user=user).values_list("status", flat=True))
        assert statuses == {ItemStatus.EXCHANGED if matched else ItemStatus.ACTIVE}, name
        types = list(Notification.objects.filter(user=user).values_list("type", flat=True))
        if not matched:
            assert types == []
            continue
        size = sizes[name]
        assert types.count("bilateral_match" if size == 2 else "chain_proposed") == 1
        assert types.count("proposal_accepted") == size - 1  # everyone else's acceptance
        assert types.count("proposal_confirmed") == 1
        assert types.count("proposal_completed") == 1

    # Unread notifications over the API match the rows.
    ann = api["ann"].get("/api/notifications/", {"status": "pending", "limit": 100}).json()
    assert ann["count"] == Notification.objects.filter(user=users["ann"]).count()
    assert User.objects.get(username="zoe").exchange_count == 0
