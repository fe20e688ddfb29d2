"""The buyer closes the deal: confirm receipt, dispute, or the deal confirms itself."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.market.models import Listing, PurchaseRequest
from apps.market.services.deals import purchase_requests_auto_confirm
from apps.market.tests.factories import make_deal, snapshot
from apps.notifications.models import Notification


def url(pr, action=""):
    return f"/transactions/purchase-request/{pr.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def delivered(listing, other):
    Listing.objects.filter(pk=listing.pk).update(status="reserved")
    return make_deal(
        listing, other, status="delivered", accepted_at=timezone.now(), delivered_at=timezone.now()
    )


def test_buyer_sees_confirm_dispute_and_the_auto_confirm_date(client, other, owner, delivered):
    client.force_login(other)
    body = client.get(url(delivered)).content.decode()
    assert url(delivered, "confirm") in body and url(delivered, "dispute") in body
    assert "подтвердится автоматически" in body
    assert url(delivered, "cancel") not in body
    client.force_login(owner)
    body = client.get(url(delivered)).content.decode()
    assert url(delivered, "confirm") not in body and url(delivered, "dispute") not in body
    assert "Ждём, пока покупатель подтвердит получение" in body


def test_seller_cannot_confirm_for_the_buyer(client, owner, delivered, listing):
    before = snapshot(delivered, listing)
    client.force_login(owner)
    assert client.post(url(delivered, "confirm")).status_code == 403
    assert snapshot(delivered, listing) == before


def test_outsider_cannot_confirm_and_changes_nothing(client, outsider, delivered, listing):
    before = snapshot(delivered, listing)
    client.force_login(outsider)
    assert client.post(url(delivered, "confirm")).status_code == 404
    assert client.post(url(delivered, "dispute")).status_code == 404
    assert snapshot(delivered, listing) == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("status", ["pending", "accepted"])
def test_confirm_before_delivery_is_refused(client, other, listing, status):
    pr = make_deal(listing, other, status=status)
    before = snapshot(pr, listing)
    client.force_login(other)
    assert client.post(url(pr, "confirm")).status_code == 409
    assert snapshot(pr, listing) == before


def test_after_delivery_seller_cannot_reject_nor_buyer_cancel(
    client, owner, other, delivered, listing
):
    before = snapshot(delivered, listing)
    client.force_login(owner)
    assert client.post(url(delivered, "reject")).status_code == 409
    client.force_login(other)
    assert client.post(url(delivered, "cancel")).status_code == 409
    assert snapshot(delivered, listing) == before


def test_confirm_twice_is_refused(client, other, delivered):
    client.force_login(other)
    assert client.post(url(delivered, "confirm")).status_code == 302
    assert client.post(url(delivered, "confirm")).status_code == 409
    delivered.refresh_from_db()
    assert delivered.status == "completed"


def test_no_review_until_the_buyer_confirms(client, other, owner, delivered):
    client.force_login(other)
    r = client.post(f"/transactions/review/{delivered.pk}/create/", {"rating": 5})
    assert r.status_code == 409
    assert not delivered.reviews.exists()
    client.post(url(delivered, "confirm"))
    r = client.post(f"/transactions/review/{delivered.pk}/create/", {"rating": 5})
    assert r.status_code == 302 and delivered.reviews.count() == 1


def _age(pr, days):
    PurchaseRequest.objects.filter(pk=pr.pk).update(
        delivered_at=timezone.now() - timedelta(days=days)
    )


def test_auto_confirm_completes_overdue_deals_only_once(settings, owner, other, delivered, listing):
    settings.DEAL_AUTO_CONFIRM_DAYS = 3
    _age(delivered, 2)
    assert purchase_requests_auto_confirm() == 0
    _age(delivered, 4)
    assert purchase_requests_auto_confirm() == 1
    assert purchase_requests_auto_confirm() == 0  # idempotent
    delivered.refresh_from_db()
    listing.refresh_from_db()
    owner.refresh_from_db()
    assert (delivered.status, delivered.completed_by) == ("completed", "auto")
    assert listing.status == "sold" and owner.total_sales == 1
    for user in (owner, other):
        note = Notification.objects.get(user=user, type="deal_completed")
        assert "автоматически" in note.payload["message"]


def test_auto_confirm_command_and_beat_entry(settings, delivered):
    _age(delivered, settings.DEAL_AUTO_CONFIRM_DAYS + 1)
    assert settings.CELERY_BEAT_SCHEDULE["deals-auto-confirm"]["task"] == (
        "market.deals_auto_confirm"
    )
    call_command("deals_auto_confirm")
    delivered.refresh_from_db()
    assert delivered.status == "completed"


def test_viewing_an_overdue_deal_confirms_it(client, settings, other, delivered):
    _age(delivered, settings.DEAL_AUTO_CONFIRM_DAYS + 1)
    client.force_login(other)
    body = client.get(url(delivered)).content.decode()
    delivered.refresh_from_db()
    assert delivered.status == "completed"
    assert "Сделка подтверждена автоматически" in body
    assert f"/transactions/review/{delivered.pk}/create/" in body


def test_pages_do_not_promise_a_safe_deal(client, other, listing):
    client.force_login(other)
    body = client.get(f"/listing/{listing.pk}/").content.decode()
    assert "Безопасная сделка" not in body
    assert "LootLink не проводит платежи" in body
    assert "не принимает и не хранит деньги" in body


def test_listing_page_tells_the_buyer_to_confirm(client, other, delivered, listing):
    client.force_login(other)
    body = client.get(f"/listing/{listing.pk}/").content.decode()
    assert "подтвердите получение на странице сделки" in body
