"""Proposal actions over the API: every transition of the table, and the refused ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.common.testing import ApiClient, assert_error
from apps.exchange.models import (
    DeclinedPair,
    ItemStatus,
    ListingItem,
    Proposal,
    ProposalItemLock,
    ProposalParticipant,
    ProposalRating,
)
from apps.exchange.tests.helpers import person, proposal_for
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(owner, other):
    """A pending 3-way chain owner -> other -> third."""
    third = person("third")
    return proposal_for([owner, other, third])


@pytest.fixture
def match(owner, other):
    return proposal_for([owner, other])


def third_api(chain) -> ApiClient:
    return ApiClient(User.objects.get(username="third"))


def snapshot(proposal: Proposal) -> tuple:
    proposal.refresh_from_db()
    parts = tuple(
        ProposalParticipant.objects.filter(proposal=proposal).values_list(
            "accepted_at", "declined_at", "received_at"
        )
    )
    return proposal.status, parts, ProposalItemLock.objects.filter(proposal=proposal).count()


def test_pipeline_stores_chain_with_participants_legs_and_locks(chain, owner, other):
    assert chain.kind == "chain" and chain.status == "pending"
    assert chain.participants.count() == 3
    legs = list(chain.legs.all())
    assert [(leg.giver_id, leg.receiver_id) for leg in legs][:1] == [(owner.pk, other.pk)]
    assert all(leg.reasons and leg.score > 0 for leg in legs)
    assert ProposalItemLock.objects.filter(proposal=chain).count() == 6
    assert abs(chain.expires_at - chain.created_at - timedelta(hours=72)) < timedelta(seconds=5)


def test_new_chain_notifies_every_participant_without_contacts(chain, owner):
    note = Notification.objects.get(user=owner, type="chain_proposed")
    assert note.payload["chain_id"] == chain.pk
    assert note.payload["give_to"] == "other" and note.payload["get_from"] == "third"
    assert note.payload["partner_contact"] is None
    assert note.payload["url"] == f"/exchange/proposals/{chain.pk}/"
    assert Notification.objects.filter(type="chain_proposed").count() == 3


def test_new_bilateral_match_payload_follows_contract(match, owner):
    payload = Notification.objects.get(user=owner, type="bilateral_match").payload
    assert {
        "partner",
        "partner_contact",
        "partner_item",
        "your_item",
        "score",
        "message",
        "url",
    } <= payload.keys()
    assert payload["partner"] == "other" and payload["partner_contact"] is None
    assert payload["message"].startswith("Найдено совпадение с other!")


def test_accept_returns_contract_body(api, chain, owner):
    r = api.post(f"/api/chains/{chain.pk}/accept", {"user_id": owner.pk})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "chain_id": chain.pk,
        "user_id": owner.pk,
        "status": "accepted",
        "message": "You've accepted this exchange chain",
        "proposal_status": "pending",
    }
    assert ProposalParticipant.objects.get(proposal=chain, user=owner).accepted_at


def test_accept_without_body_acts_for_caller(api, chain, owner):
    assert api.post(f"/api/chains/{chain.pk}/accept", "").status_code == 200  # empty body
    assert ProposalParticipant.objects.get(proposal=chain, user=owner).accepted_at


def test_accept_notifies_the_others(api, chain, other):
    api.post(f"/api/chains/{chain.pk}/accept", {})
    note = Notification.objects.get(user=other, type="proposal_accepted")
    assert note.payload["by"] == "owner" and note.payload["accepted"] == 1
    assert not Notification.objects.filter(user__username="owner", type="proposal_accepted")


def test_accept_twice_returns_409(api, chain):
    api.post(f"/api/chains/{chain.pk}/accept", {})
    before = snapshot(chain)
    assert_error(api.post(f"/api/chains/{chain.pk}/accept", {}), 409, "invalid_state")
    assert snapshot(chain) == before


def test_accept_for_someone_else_returns_403_and_changes_nothing(api, chain, other):
    before = snapshot(chain)
    assert_error(
        api.post(f"/api/chains/{chain.pk}/accept", {"user_id": other.pk}), 403, "permission_denied"
    )
    assert_error(api.post(f"/api/chains/{chain.pk}/decline", {"user_id": other.pk}), 403)
    assert snapshot(chain) == before


def test_outsider_acting_gets_404_and_changes_nothing(outsider_api, chain):
    before = snapshot(chain)
    for action in ("accept", "decline", "confirm-receipt"):
        assert_error(outsider_api.post(f"/api/chains/{chain.pk}/{action}", {}), 404, "not_found")
    assert_error(outsider_api.get(f"/api/chains/{chain.pk}"), 404)
    assert snapshot(chain) == before


def test_anonymous_gets_401(anon_api, chain):
    assert_error(anon_api.post(f"/api/chains/{chain.pk}/accept", {}), 401)
    assert_error(anon_api.get("/api/chains/all"), 401)


def test_staff_may_act_for_a_participant(staff_api, chain, other):
    r = staff_api.post(f"/api/chains/{chain.pk}/accept", {"user_id": other.pk})
    assert r.status_code == 200 and r.json()["user_id"] == other.pk
    assert ProposalParticipant.objects.get(proposal=chain, user=other).accepted_at


def test_chain_endpoint_does_not_serve_a_bilateral_match(api, match):
    assert_error(api.post(f"/api/chains/{match.pk}/accept", {}), 404)
    r = api.post(f"/api/matches/{match.pk}/accept", {})
    assert r.status_code == 200 and r.json()["match_id"] == match.pk


def test_last_accept_confirms_and_reveals_contacts(api, other_api, chain, owner):
    api.post(f"/api/chains/{chain.pk}/accept", {})
    other_api.post(f"/api/chains/{chain.pk}/accept", {})
    assert api.get(f"/api/chains/{chain.pk}").json()["members"][1]["contact"] is None
    r = third_api(chain).post(f"/api/chains/{chain.pk}/accept", {})
    assert r.json()["proposal_status"] == "confirmed"
    chain.refresh_from_db()
    assert chain.status == "confirmed" and chain.confirmed_at
    detail = api.get(f"/api/chains/{chain.pk}").json()
    assert {m["username"]: m["contact"] for m in detail["members"]}["other"] == "@other_tg"
    note = Notification.objects.get(user=owner, type="proposal_confirmed")
    assert note.payload["partner"] == "third" and note.payload["partner_contact"] == "@third_tg"
    assert note.payload["give_to"] == {"username": "other", "contact": "@other_tg"}
    assert ProposalItemLock.objects.filter(proposal=chain).count() == 6  # still reserved


def test_decline_releases_items_cools_off_and_notifies(api, other_api, chain, owner, other):
    r = other_api.post(
        f"/api/chains/{chain.pk}/decline", {"user_id": other.pk, "reason": "Не подходит по времени"}
    )
    assert r.json() == {
        "chain_id": chain.pk,
        "user_id": other.pk,
        "status": "declined",
        "message": "You've declined this exchange chain",
        "proposal_status": "declined",
    }
    chain.refresh_from_db()
    assert chain.status == "declined"
    assert not ProposalItemLock.objects.filter(proposal=chain).exists()
    # only what the decliner would have received cools off; what they would give stays free
    legs = chain.legs.filter(receiver=other)
    assert set(DeclinedPair.objects.values_list("offer_id", "want_id")) == {
        (leg.offer_id, leg.want_id) for leg in legs
    }
    note = Notification.objects.get(user=owner, type="proposal_declined")
    assert "reason" not in note.payload
    assert ProposalParticipant.objects.get(proposal=chain, user=other).decline_reason == (
        "Не подходит по времени"
    )
    assert_error(api.post(f"/api/chains/{chain.pk}/accept", {}), 409, "invalid_state")
    assert_error(other_api.post(f"/api/chains/{chain.pk}/decline", {}), 409)


def test_expired_proposal_refuses_actions_and_is_marked_expired(api, chain, owner):
    Proposal.objects.filter(pk=chain.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    body = assert_error(api.post(f"/api/chains/{chain.pk}/accept", {}), 409, "invalid_state")
    assert "истёк" in body["detail"]
    chain.refresh_from_db()
    assert chain.status == "expired"
    assert not ProposalItemLock.objects.filter(proposal=chain).exists()
    assert ProposalParticipant.objects.get(proposal=chain, user=owner).accepted_at is None
    assert Notification.objects.filter(type="proposal_expired").count() == 3


def test_confirm_receipt_before_confirmation_returns_409(api, chain):
    assert_error(api.post(f"/api/chains/{chain.pk}/confirm-receipt", {}), 409, "invalid_state")


def _confirm(match, *clients):
    for client in clients:
        assert client.post(f"/api/matches/{match.pk}/accept", {}).status_code == 200


def test_receipts_complete_the_exchange(api, other_api, match, owner, other):
    _confirm(match, api, other_api)
    r = api.post(f"/api/matches/{match.pk}/confirm-receipt", {})
    assert r.json()["proposal_status"] == "confirmed"
    assert_error(api.post(f"/api/matches/{match.pk}/confirm-receipt", {}), 409)
    r = other_api.post(f"/api/matches/{match.pk}/confirm-receipt", {})
    assert r.json()["proposal_status"] == "completed"
    for user in (owner, other):
        user.refresh_from_db()
        assert user.exchange_count == 1 and user.trust_score == pytest.approx(0.0833, abs=1e-4)
    items = ListingItem.objects.filter(user__in=[owner, other])
    assert set(items.values_list("status", flat=True)) == {ItemStatus.EXCHANGED}
    assert not ProposalItemLock.objects.exists()
    assert Notification.objects.filter(type="proposal_completed").count() == 2
    assert_error(api.post(f"/api/matches/{match.pk}/accept", {}), 409)


def test_rating_after_completion_updates_counters_once(api, other_api, match, owner, other):
    assert_error(
        api.post(f"/api/matches/{match.pk}/rate", {"rated_user_id": other.pk, "score": 5}), 409
    )
    _confirm(match, api, other_api)
    api.post(f"/api/matches/{match.pk}/confirm-receipt", {})
    other_api.post(f"/api/matches/{match.pk}/confirm-receipt", {})
    r = api.post(f"/api/matches/{match.pk}/rate", {"rated_user_id": other.pk, "score": 5})
    assert r.status_code == 201, r.content
    other.refresh_from_db()
    assert (other.rating_sum, other.rating_count) == (5, 1)
    assert other.trust_score == pytest.approx(0.5 * 1 / 6 + 0.5 * 1 / 3, abs=1e-4)
    assert Notification.objects.get(user=other, type="rating_received").payload["score"] == 5
    assert_error(
        api.post(f"/api/matches/{match.pk}/rate", {"rated_user_id": other.pk, "score": 4}),
        409,
        "conflict",
    )
    assert_error(
        api.post(f"/api/matches/{match.pk}/rate", {"rated_user_id": owner.pk, "score": 4}), 400
    )
    assert_error(
        api.post(f"/api/matches/{match.pk}/rate", {"rated_user_id": other.pk, "score": 6}), 400
    )
    assert ProposalRating.objects.count() == 1
    other.refresh_from_db()
    assert other.rating_count == 1


def test_editing_an_item_cancels_its_pending_proposal(api, chain, owner, other):
    offer = chain.legs.get(giver=owner).offer
    r = api.put(f"/api/listings/{offer.pk}", {"description": "Новое описание"})
    assert r.status_code == 200
    chain.refresh_from_db()
    assert chain.status == "cancelled" and chain.close_reason == "item_edited"
    assert not ProposalItemLock.objects.filter(proposal=chain).exists()
    assert Notification.objects.get(user=other, type="proposal_cancelled")


def test_archiving_an_item_cancels_its_pending_proposal(api, match, owner):
    want = match.legs.get(receiver=owner).want
    assert api.delete(f"/api/listings/{want.pk}").status_code == 200
    match.refresh_from_db()
    assert match.status == "cancelled" and match.close_reason == "item_archived"


def test_editing_a_reserved_item_of_a_confirmed_deal_returns_409(api, other_api, match, owner):
    _confirm(match, api, other_api)
    offer = match.legs.get(giver=owner).offer
    assert_error(api.put(f"/api/listings/{offer.pk}", {"description": "x"}), 409)
    offer.refresh_from_db()
    assert offer.description == ""
    match.refresh_from_db()
    assert match.status == "confirmed"


def test_lists_are_paginated_and_scoped(
    api, other_api, outsider_api, staff_api, chain, match, owner, outsider
):
    body = api.get("/api/chains/all").json()
    assert body["total"] == 1 and body["skip"] == 0 and body["limit"] == 20
    row = body["items"][0]
    assert row["participants"] == ["owner", "other", "third"] and len(row["items"]) == 3
    assert {"id", "status", "score", "created_at"} <= row.keys()
    assert outsider_api.get("/api/chains/all").json()["total"] == 0
    assert staff_api.get("/api/chains/all").json()["total"] == 1
    assert api.get("/api/matches/all").json()["total"] == 1
    assert api.get(f"/api/chains/user/{owner.pk}", {"limit": 1}).json()["total"] == 1
    assert_error(api.get(f"/api/chains/user/{outsider.pk}"), 403)
    assert staff_api.get(f"/api/chains/user/{owner.pk}").json()["total"] == 1
    assert api.get("/api/chains/all", {"status": "declined"}).json()["total"] == 0


def test_cabinet_and_user_exchanges_list_proposals(api, chain, match):
    rows = api.get("/user/exchanges").json()
    assert {r["match_id"] for r in rows} == {chain.pk, match.pk}
    assert {r["partner_username"] for r in rows} == {"third", "other"}
    cabinet = api.get("/user/cabinet").json()
    assert {e["chain_id"] for e in cabinet["active_exchanges"]} == {chain.pk, match.pk}


def test_confirmation_opens_one_group_chat_for_the_participants(
    api, other_api, chain, owner, other, django_capture_on_commit_callbacks
):
    from apps.chat.models import Conversation
    from apps.exchange.tasks import proposal_chat_create

    api.post(f"/api/chains/{chain.pk}/accept", {})
    other_api.post(f"/api/chains/{chain.pk}/accept", {})
    with django_capture_on_commit_callbacks(execute=True):
        third_api(chain).post(f"/api/chains/{chain.pk}/accept", {})
    chat = Conversation.objects.get(topic_key=f"proposal:{chain.pk}")
    assert chat.is_group
    members = set(chat.participants.values_list("user__username", flat=True))
    assert members == {"owner", "other", "third"}
    assert proposal_chat_create(chain.pk) is True  # idempotent
    assert Conversation.objects.filter(topic_key=f"proposal:{chain.pk}").count() == 1
