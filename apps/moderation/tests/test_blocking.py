"""Blocking: no chat, purchase requests or exchanges between the two; the blocked side is
not told."""

import pytest

from apps.accounts.blocks import user_block
from apps.accounts.models import UserBlock
from apps.chat.models import Conversation, Message
from apps.chat.services import conversation_start_for_listing
from apps.exchange import adapter
from apps.exchange.models import Proposal
from apps.exchange.tests.helpers import cycle, person, proposal_for, run_all
from apps.market.models import PurchaseRequest
from apps.market.tests.factories import make_listing
from apps.notifications.models import Notification


@pytest.fixture
def listing(owner):
    return make_listing(owner)


def test_block_from_the_profile_and_unblock_from_the_list(client, owner, other):
    client.force_login(owner)
    page = client.get(f"/accounts/profile/{other.username}/").content.decode()
    assert 'data-action="block"' in page
    r = client.post(f"/accounts/block/{other.pk}/", follow=True)
    assert "не узнает" in r.content.decode()
    assert UserBlock.objects.filter(blocker=owner, blocked=other).exists()
    assert other.username in client.get("/accounts/blocked/").content.decode()
    client.post(f"/accounts/unblock/{other.pk}/", {"next": "list"})
    assert not UserBlock.objects.exists()
    # nothing tells the blocked side
    assert not Notification.objects.filter(user=other).exists()


def test_blocked_buyer_cannot_request_and_sees_a_plain_unavailable(client, owner, other, listing):
    user_block(blocker=owner, blocked=other)
    client.force_login(other)
    r = client.post(f"/transactions/purchase-request/{listing.pk}/create/", {"message": "hi"})
    assert r.status_code == 409
    assert "Объявление сейчас недоступно для покупки" in r.content.decode()
    assert "заблокировал" not in r.content.decode().lower()
    assert not PurchaseRequest.objects.exists()
    assert not Notification.objects.exists()


def test_blocker_cannot_buy_from_the_blocked_either(client, owner, other, listing):
    user_block(blocker=other, blocked=owner)
    client.force_login(other)
    client.post(f"/transactions/purchase-request/{listing.pk}/create/")
    assert not PurchaseRequest.objects.exists()


def test_no_chat_either_way_after_a_block(client, owner, other, listing):
    conversation = conversation_start_for_listing(listing=listing, buyer=other)
    user_block(blocker=owner, blocked=other)
    for user in (other, owner):
        client.force_login(user)
        client.post(conversation.get_absolute_url(), {"content": "Привет"})
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_no_new_chat_with_a_blocker(client, owner, other):
    second = make_listing(owner, title="Другой")
    user_block(blocker=owner, blocked=other)
    client.force_login(other)
    r = client.get(f"/chat/start/{second.pk}/")
    assert r.status_code == 409
    assert not Conversation.objects.filter(listing=second).exists()


def test_snapshot_gives_the_engine_blocked_users_and_their_pairs(db):
    a, b = person("a1"), person("b1")
    pairs = cycle([a, b])
    user_block(blocker=a, blocked=b)
    snap = adapter.snapshot()
    assert snap.market.blocked_users == frozenset({(a.pk, b.pk)})
    (offer_ab, want_ab), (offer_ba, want_ba) = pairs
    assert (offer_ab.pk, want_ab.pk) in snap.market.blocked
    assert (offer_ba.pk, want_ba.pk) in snap.market.blocked


def test_blocked_users_are_never_matched(db):
    a, b = person("a2"), person("b2")
    cycle([a, b])
    user_block(blocker=b, blocked=a)
    run_all()
    assert not Proposal.objects.exists()


def test_block_cancels_pending_proposals_holding_both(client, db):
    a, b = person("a3"), person("b3")
    proposal = proposal_for([a, b])
    client.force_login(a)
    client.post(f"/accounts/block/{b.pk}/")
    proposal.refresh_from_db()
    assert proposal.status == "cancelled" and proposal.close_reason == "conditions_changed"
    note = Notification.objects.filter(user=b, type="proposal_cancelled").latest("pk")
    assert "заблок" not in note.payload["message"].lower()
