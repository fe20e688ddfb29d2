"""Disputes on LootLink deals: the buyer opens one with evidence, both write, staff decide."""

import pytest
from django.utils import timezone

from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import image_bytes, make_deal, make_listing, snapshot, upload
from apps.moderation.models import AuditLog, Dispute, DisputeEvent
from apps.notifications.models import Notification


@pytest.fixture
def listing(owner):
    return make_listing(owner, status="reserved")


@pytest.fixture
def delivered(listing, other):
    now = timezone.now()
    return make_deal(listing, other, status="delivered", accepted_at=now, delivered_at=now)


def open_url(pr):
    return f"/transactions/purchase-request/{pr.pk}/dispute/"


def _open(client, buyer, pr, **extra):
    client.force_login(buyer)
    data = {"reason": "not_received", "text": "Оплатил, предмет не пришёл", **extra}
    return client.post(open_url(pr), data)


def test_buyer_opens_dispute_with_image_and_seller_gets_a_deadline(client, owner, other, delivered):
    r = _open(client, other, delivered, image=upload("proof.png", image_bytes(size=(300, 200))))
    dispute = Dispute.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/disputes/{dispute.pk}/"
    delivered.refresh_from_db()
    assert delivered.status == "disputed" and delivered.disputed_at is not None
    assert (dispute.opened_by, dispute.respondent, dispute.reason) == (other, owner, "not_received")
    assert dispute.answer_due_at > timezone.now()
    event = DisputeEvent.objects.get()
    assert event.kind == "opened" and event.image.name.endswith(".png") and event.thumbnail
    note = Notification.objects.get(user=owner, type="dispute_update")
    assert "Ответьте до" in note.payload["message"]
    assert Notification.objects.filter(user=other, type="dispute_update").exists()
    # both sides see the timeline with the evidence; the deal page links to it
    for user in (owner, other):
        client.force_login(user)
        body = client.get(f"/disputes/{dispute.pk}/").content.decode()
        assert "Оплатил, предмет не пришёл" in body and event.thumbnail.url in body
        assert (
            f"/disputes/{dispute.pk}/" in client.get(delivered.get_absolute_url()).content.decode()
        )


def test_evidence_that_is_not_an_image_is_refused(client, other, delivered, listing):
    before = snapshot(delivered, listing)
    r = _open(client, other, delivered, image=upload("x.png", b"#!/bin/sh\necho hi"))
    assert r.status_code == 400
    assert snapshot(delivered, listing) == before
    assert not Dispute.objects.exists()


def test_no_show_is_not_a_deal_reason(client, other, delivered):
    r = _open(client, other, delivered, reason="no_show")
    assert r.status_code == 400 and not Dispute.objects.exists()


def test_seller_and_outsider_cannot_open_and_change_nothing(
    client, owner, outsider, delivered, listing
):
    before = snapshot(delivered, listing)
    assert _open(client, owner, delivered).status_code == 403
    assert _open(client, outsider, delivered).status_code == 404
    assert snapshot(delivered, listing) == before
    assert not Dispute.objects.exists() and not Notification.objects.exists()


def test_pending_deal_cannot_be_disputed(client, other, owner):
    pr = make_deal(make_listing(owner), other)
    r = _open(client, other, pr)
    assert r.status_code == 302 and not Dispute.objects.exists()
    pr.refresh_from_db()
    assert pr.status == "pending"


@pytest.fixture
def dispute(client, other, delivered):
    _open(client, other, delivered)
    client.logout()
    return Dispute.objects.get()


def test_seller_answers_and_the_buyer_is_notified(client, owner, other, dispute):
    client.force_login(owner)
    r = client.post(f"/disputes/{dispute.pk}/message/", {"text": "Передал, вот скриншот"})
    assert r.status_code == 302
    dispute.refresh_from_db()
    assert dispute.answered_at is not None
    assert Notification.objects.filter(user=other, type="dispute_update").count() == 2
    client.force_login(other)
    assert "Передал, вот скриншот" in client.get(f"/disputes/{dispute.pk}/").content.decode()


def test_outsider_cannot_see_write_or_decide(client, outsider, dispute, delivered):
    before = snapshot(dispute, delivered)
    client.force_login(outsider)
    assert client.get(f"/disputes/{dispute.pk}/").status_code == 404
    assert client.post(f"/disputes/{dispute.pk}/message/", {"text": "x"}).status_code == 404
    r = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "complete", "note": "x"})
    assert r.status_code == 404
    assert snapshot(dispute, delivered) == before
    assert DisputeEvent.objects.count() == 1


def test_participant_cannot_decide(client, owner, dispute, delivered):
    before = snapshot(dispute, delivered)
    client.force_login(owner)
    r = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "complete", "note": "сам"})
    assert r.status_code == 404
    assert snapshot(dispute, delivered) == before
    assert "Записать решение" not in client.get(f"/disputes/{dispute.pk}/").content.decode()


def test_staff_cancels_and_bans_the_seller(
    client, staff, owner, other, dispute, delivered, listing
):
    client.force_login(staff)
    r = client.post(
        f"/disputes/{dispute.pk}/decide/",
        {"outcome": "cancel", "sanction": "ban", "note": "Продавец не прислал доказательств"},
    )
    assert r.status_code == 302
    dispute.refresh_from_db()
    delivered.refresh_from_db()
    owner.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.sanction) == ("resolved", "cancel", "ban")
    assert dispute.decided_by == staff and dispute.decision_note
    assert delivered.status == "cancelled"
    assert not owner.is_active
    assert Listing.objects.get(pk=listing.pk).status == "cancelled"
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert actions == {"ban", "dispute_decide"}
    assert AuditLog.objects.get(action="dispute_decide").actor == staff
    client.force_login(other)
    body = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "Продавец не прислал доказательств" in body and "Блокировка" in body
    assert Notification.objects.filter(user=other, type="deal_resolved").exists()


def test_staff_completes_with_a_warning_and_reviews_open(
    client, staff, owner, other, dispute, delivered
):
    client.force_login(staff)
    client.post(
        f"/disputes/{dispute.pk}/decide/",
        {"outcome": "complete", "sanction": "warn", "note": "Предмет передан, см. скриншот"},
    )
    delivered.refresh_from_db()
    owner.refresh_from_db()
    assert (delivered.status, delivered.completed_by) == ("completed", "staff")
    assert owner.is_active and owner.total_sales == 1
    assert Notification.objects.filter(user=owner, type="moderation_warning").exists()
    client.force_login(other)
    r = client.post(f"/transactions/review/{delivered.pk}/create/", {"rating": 2})
    assert r.status_code == 302


def test_decision_needs_a_reason_and_happens_once(client, staff, dispute, delivered):
    client.force_login(staff)
    r = client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "complete", "note": ""})
    assert r.status_code == 400
    assert PurchaseRequest.objects.get(pk=delivered.pk).status == "disputed"
    ok = {"outcome": "complete", "note": "ok"}
    assert client.post(f"/disputes/{dispute.pk}/decide/", ok).status_code == 302
    assert client.post(f"/disputes/{dispute.pk}/decide/", ok).status_code == 409
    assert AuditLog.objects.filter(action="dispute_decide").count() == 1


def test_disputed_deal_is_not_auto_confirmed(settings, dispute, delivered):
    from datetime import timedelta

    from apps.market.services.deals import purchase_requests_auto_confirm

    PurchaseRequest.objects.filter(pk=delivered.pk).update(
        delivered_at=timezone.now() - timedelta(days=settings.DEAL_AUTO_CONFIRM_DAYS + 5)
    )
    assert purchase_requests_auto_confirm() == 0
    delivered.refresh_from_db()
    assert delivered.status == "disputed"
