import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import make_deal, make_listing, snapshot
from apps.notifications.models import Notification

ACTIONS = ["accept", "reject", "complete", "cancel"]


def url(pr, action=""):
    return f"/transactions/purchase-request/{pr.pk}/" + (f"{action}/" if action else "")


def test_buyer_requests_listing_and_seller_is_notified(client, owner, other, listing):
    client.force_login(other)
    assert client.get(f"/transactions/purchase-request/{listing.pk}/create/").status_code == 200
    r = client.post(
        f"/transactions/purchase-request/{listing.pk}/create/", {"message": "Когда удобно?"}
    )
    pr = PurchaseRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == url(pr)
    assert (pr.buyer, pr.seller, pr.status, pr.message) == (
        other,
        owner,
        "pending",
        "Когда удобно?",
    )
    assert pr.price == listing.price and pr.listing_title == listing.title
    note = Notification.objects.get(user=owner, type="deal_requested")
    assert note.payload["url"] == url(pr) and "other" in note.payload["message"]


def test_request_needs_login(client, listing):
    r = client.post(f"/transactions/purchase-request/{listing.pk}/create/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not PurchaseRequest.objects.exists()


def test_seller_cannot_request_own_listing(client, owner, listing):
    client.force_login(owner)
    assert client.get(f"/transactions/purchase-request/{listing.pk}/create/").status_code == 403
    assert client.post(f"/transactions/purchase-request/{listing.pk}/create/").status_code == 403
    assert not PurchaseRequest.objects.exists()


def test_second_open_request_by_same_buyer_is_refused(client, other, deal, listing):
    client.force_login(other)
    r = client.post(f"/transactions/purchase-request/{listing.pk}/create/", {"message": "again"})
    assert r.status_code == 302 and r["Location"] == url(deal)
    assert PurchaseRequest.objects.count() == 1


@pytest.mark.parametrize("status", ["reserved", "sold", "cancelled"])
def test_request_for_unavailable_listing_is_refused(client, owner, other, status):
    listing = make_listing(owner, status=status)
    client.force_login(other)
    r = client.post(f"/transactions/purchase-request/{listing.pk}/create/")
    assert r.status_code == 409
    assert not PurchaseRequest.objects.exists()


@pytest.mark.parametrize("closed", ["rejected", "cancelled"])
def test_buyer_may_ask_again_after_rejection_or_cancellation(client, other, listing, closed):
    make_deal(listing, other, status=closed)
    client.force_login(other)
    r = client.post(f"/transactions/purchase-request/{listing.pk}/create/")
    assert r.status_code == 302
    assert PurchaseRequest.objects.filter(status="pending").count() == 1


def test_participants_see_the_deal_outsider_gets_404(client, owner, other, outsider, deal):
    for user in (owner, other):
        client.force_login(user)
        r = client.get(url(deal))
        assert r.status_code == 200
        assert "timeline" in r.content.decode()
    client.force_login(outsider)
    assert client.get(url(deal)).status_code == 404


def test_deal_page_shows_seller_actions_only_to_seller(client, owner, other, deal):
    client.force_login(owner)
    body = client.get(url(deal)).content.decode()
    assert url(deal, "accept") in body and url(deal, "reject") in body
    assert url(deal, "cancel") not in body
    client.force_login(other)
    body = client.get(url(deal)).content.decode()
    assert url(deal, "cancel") in body and url(deal, "accept") not in body


@pytest.mark.parametrize("action", ACTIONS)
def test_get_on_action_shows_confirmation_and_changes_nothing(
    client, owner, other, listing, action
):
    pr = make_deal(listing, other, status="accepted" if action == "complete" else "pending")
    before = snapshot(pr, listing)
    client.force_login(other if action == "cancel" else owner)
    r = client.get(url(pr, action))
    assert r.status_code == 200
    assert '<form method="post"' in r.content.decode()
    assert snapshot(pr, listing) == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_outsider_action_returns_404_and_changes_nothing(client, outsider, listing, deal, action):
    before = snapshot(deal, listing)
    client.force_login(outsider)
    assert client.get(url(deal, action)).status_code == 404
    assert client.post(url(deal, action)).status_code == 404
    assert snapshot(deal, listing) == before


@pytest.mark.parametrize("action", ["accept", "reject", "complete"])
def test_buyer_cannot_do_seller_actions(client, other, listing, action):
    pr = make_deal(listing, other, status="accepted" if action == "complete" else "pending")
    before = snapshot(pr, listing)
    client.force_login(other)
    assert client.post(url(pr, action)).status_code == 403
    assert snapshot(pr, listing) == before


def test_seller_cannot_cancel_for_the_buyer(client, owner, deal, listing):
    before = snapshot(deal, listing)
    client.force_login(owner)
    assert client.post(url(deal, "cancel")).status_code == 403
    assert snapshot(deal, listing) == before


def test_anonymous_action_redirects_to_login_and_changes_nothing(client, deal, listing):
    before = snapshot(deal, listing)
    r = client.post(url(deal, "accept"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert snapshot(deal, listing) == before


def test_actions_require_csrf_token(owner, deal, listing):
    before = snapshot(deal, listing)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    assert csrf_client.post(url(deal, "accept")).status_code == 403
    assert snapshot(deal, listing) == before


def test_accept_reserves_listing_and_notifies_buyer(client, owner, other, deal, listing):
    client.force_login(owner)
    r = client.post(url(deal, "accept"))
    assert r.status_code == 302 and r["Location"] == url(deal)
    deal.refresh_from_db()
    listing.refresh_from_db()
    assert deal.status == "accepted" and deal.accepted_at is not None
    assert listing.status == "reserved"
    assert Notification.objects.filter(user=other, type="deal_accepted").count() == 1


def test_second_request_cannot_be_accepted_while_reserved(client, owner, other, outsider, listing):
    first = make_deal(listing, other)
    second = make_deal(listing, outsider)
    client.force_login(owner)
    client.post(url(first, "accept"))
    r = client.post(url(second, "accept"))
    assert r.status_code == 409
    assert "забронировано" in r.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"
    assert PurchaseRequest.objects.filter(status="accepted").count() == 1


def test_accept_twice_is_refused(client, owner, deal):
    client.force_login(owner)
    client.post(url(deal, "accept"))
    assert client.post(url(deal, "accept")).status_code == 409


def test_request_cannot_be_accepted_on_sold_listing(client, owner, other, outsider, listing):
    make_deal(listing, other, status="completed")
    Listing.objects.filter(pk=listing.pk).update(status="sold")
    late = make_deal(listing, outsider)
    client.force_login(owner)
    assert client.post(url(late, "accept")).status_code == 409
    late.refresh_from_db()
    assert late.status == "pending"


def test_seller_rejects_pending_request(client, owner, other, deal, listing):
    client.force_login(owner)
    client.post(url(deal, "reject"))
    deal.refresh_from_db()
    listing.refresh_from_db()
    assert deal.status == "rejected" and listing.status == "active"
    assert Notification.objects.filter(user=other, type="deal_rejected").exists()


def test_rejecting_accepted_deal_returns_listing_to_active(client, owner, deal, listing):
    client.force_login(owner)
    client.post(url(deal, "accept"))
    client.post(url(deal, "reject"))
    listing.refresh_from_db()
    assert listing.status == "active"


def test_seller_complete_marks_delivered_and_buyer_confirmation_closes_the_deal(
    client, owner, other, outsider, listing
):
    winner = make_deal(listing, other)
    loser = make_deal(listing, outsider)
    client.force_login(owner)
    client.post(url(winner, "accept"))
    r = client.post(url(winner, "complete"))
    assert r.status_code == 302
    winner.refresh_from_db()
    listing.refresh_from_db()
    # the seller's "complete" only marks the item delivered: nothing is sold yet
    assert winner.status == "delivered" and winner.delivered_at is not None
    assert winner.completed_at is None and listing.status == "reserved"
    assert Notification.objects.filter(user=other, type="deal_delivered").exists()
    client.force_login(other)
    r = client.post(url(winner, "confirm"))
    assert r.status_code == 302
    winner.refresh_from_db()
    loser.refresh_from_db()
    listing.refresh_from_db()
    owner.refresh_from_db()
    other.refresh_from_db()
    assert winner.status == "completed" and winner.completed_at is not None
    assert winner.completed_by == "buyer"
    assert loser.status == "rejected"
    assert listing.status == "sold"
    assert (owner.total_sales, other.total_purchases) == (1, 1)
    assert Notification.objects.filter(user=owner, type="deal_completed").exists()
    assert Notification.objects.filter(user=outsider, type="deal_rejected").exists()


def test_complete_requires_accepted_deal(client, owner, deal, listing):
    before = snapshot(deal, listing)
    client.force_login(owner)
    assert client.post(url(deal, "complete")).status_code == 409
    assert snapshot(deal, listing) == before


def test_buyer_cancelling_accepted_deal_returns_listing_to_active(
    client, owner, other, deal, listing
):
    client.force_login(owner)
    client.post(url(deal, "accept"))
    client.force_login(other)
    r = client.post(url(deal, "cancel"))
    assert r.status_code == 302
    deal.refresh_from_db()
    listing.refresh_from_db()
    assert deal.status == "cancelled" and listing.status == "active"
    assert Notification.objects.filter(user=owner, type="deal_cancelled").exists()


def test_cancelling_pending_request_leaves_reserved_listing_alone(
    client, owner, other, outsider, listing
):
    winner = make_deal(listing, other)
    waiting = make_deal(listing, outsider)
    client.force_login(owner)
    client.post(url(winner, "accept"))
    client.force_login(outsider)
    client.post(url(waiting, "cancel"))
    waiting.refresh_from_db()
    listing.refresh_from_db()
    assert waiting.status == "cancelled"
    assert listing.status == "reserved"


def test_cancel_completed_deal_is_refused(client, other, listing):
    pr = make_deal(listing, other, status="completed")
    client.force_login(other)
    assert client.post(url(pr, "cancel")).status_code == 409
    pr.refresh_from_db()
    assert pr.status == "completed"


def test_database_allows_one_winner_per_listing(owner, other, outsider, listing):
    make_deal(listing, other, status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_deal(listing, outsider, status="accepted")


def test_database_allows_one_open_request_per_buyer(other, listing):
    make_deal(listing, other)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_deal(listing, other)
    make_deal(listing, other, status="rejected")  # closed ones may pile up


def test_cabinet_lists_purchases_and_sales(client, owner, other, deal):
    client.force_login(other)
    assert deal.listing_title in client.get("/accounts/my-purchases/").content.decode()
    assert deal.listing_title not in client.get("/accounts/my-sales/").content.decode()
    client.force_login(owner)
    assert deal.listing_title in client.get("/accounts/my-sales/").content.decode()


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_refuse_other_http_methods(client, owner, deal, listing, action):
    before = snapshot(deal, listing)
    client.force_login(owner)
    assert client.put(url(deal, action)).status_code == 405
    assert client.delete(url(deal, action)).status_code == 405
    assert snapshot(deal, listing) == before


def test_visitor_sees_reserved_listing_as_unavailable(
    client, owner, other, outsider, deal, listing
):
    client.force_login(owner)
    client.post(url(deal, "accept"))
    client.force_login(outsider)
    r = client.get(f"/listing/{listing.pk}/")
    body = r.content.decode()
    assert "забронирован другим покупателем" in body
    assert f"/transactions/purchase-request/{listing.pk}/create/" not in body
