"""Reports, the moderation queue and its actions; bans take effect everywhere at once."""

import pytest
from django.test import Client

from apps.chat.services import conversation_start_for_listing, message_send
from apps.exchange.models import ItemStatus
from apps.exchange.tests.helpers import item
from apps.market.models import Listing
from apps.market.tests.factories import make_deal, make_listing
from apps.moderation.models import AuditLog, Report
from apps.notifications.models import Notification
from conftest import PASSWORD


@pytest.fixture
def listing(owner):
    return make_listing(owner)


def report(client, user, kind, pk, **data):
    client.force_login(user)
    return client.post(f"/report/{kind}/{pk}/", {"reason": "fraud", "comment": "Обман", **data})


def test_listing_page_has_report_link_and_report_lands_in_the_queue(
    client, owner, other, staff, listing
):
    client.force_login(other)
    page = client.get(f"/listing/{listing.pk}/").content.decode()
    assert f"/report/listing/{listing.pk}/" in page
    assert client.get(f"/report/listing/{listing.pk}/").status_code == 200
    r = report(client, other, "listing", listing.pk)
    assert r.status_code == 302 and r["Location"] == f"/listing/{listing.pk}/"
    rep = Report.objects.get()
    assert (rep.reporter, rep.accused, rep.reason, rep.status) == (other, owner, "fraud", "open")
    client.force_login(staff)
    queue = client.get("/moderation/").content.decode()
    assert f"/moderation/reports/{rep.pk}/" in queue
    detail = client.get(f"/moderation/reports/{rep.pk}/").content.decode()
    assert listing.title in detail and listing.description in detail and "Обман" in detail


def test_second_report_by_same_user_is_refused_and_own_listing_cannot_be_reported(
    client, owner, other, listing
):
    report(client, other, "listing", listing.pk)
    assert report(client, other, "listing", listing.pk).status_code == 409
    assert report(client, owner, "listing", listing.pk).status_code == 403
    assert Report.objects.count() == 1


def test_queue_filters(client, owner, other, outsider, staff, listing):
    report(client, other, "listing", listing.pk)
    report(client, outsider, "user", owner.pk, reason="spam")
    client.force_login(staff)
    body = client.get("/moderation/", {"target_type": "user"}).content.decode()
    assert body.count('data-report="') == 1 and "Спам" in body
    body = client.get("/moderation/", {"reason": "fraud"}).content.decode()
    assert body.count('data-report="') == 1


def test_non_staff_get_404_on_moderation_pages_and_change_nothing(client, other, outsider, listing):
    report(client, other, "listing", listing.pk)
    rep = Report.objects.get()
    client.force_login(outsider)
    for path in ("/moderation/", f"/moderation/reports/{rep.pk}/", "/moderation/audit/"):
        assert client.get(path).status_code == 404
    r = client.post(f"/moderation/reports/{rep.pk}/act/", {"action": "hide", "note": "x"})
    assert r.status_code == 404
    rep.refresh_from_db()
    listing.refresh_from_db()
    assert rep.status == "open" and not listing.moderation_hidden
    assert not AuditLog.objects.exists()


def test_moderator_hides_a_listing(client, owner, other, outsider, staff, listing):
    pending = make_deal(listing, outsider)
    report(client, other, "listing", listing.pk)
    report(client, outsider, "listing", listing.pk, reason="prohibited")
    rep = Report.objects.filter(reporter=other).get()
    client.force_login(staff)
    r = client.post(
        f"/moderation/reports/{rep.pk}/act/", {"action": "hide", "note": "Запрещённый товар"}
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    pending.refresh_from_db()
    assert listing.moderation_hidden and listing.status == "cancelled"
    assert pending.status == "rejected"
    # both reports on the listing are closed; both reporters hear back
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    assert Notification.objects.filter(type="report_handled").count() == 2
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.target_id) == (staff, "report_hide", listing.pk)
    assert log.reason == "Запрещённый товар"
    # the public no longer sees it, the seller does and cannot put it back on sale
    client.force_login(other)
    assert client.get(f"/listing/{listing.pk}/").status_code == 404
    assert (
        f"/listing/{listing.pk}/" not in client.get("/", HTTP_ACCEPT="text/html").content.decode()
    )
    client.force_login(owner)
    assert client.get(f"/listing/{listing.pk}/").status_code == 200
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {"title": listing.title, "description": "x", "price": "10", "status": "active"},
    )
    listing.refresh_from_db()
    assert listing.status == "cancelled"


def test_action_needs_a_reason_and_happens_once(client, other, staff, listing):
    report(client, other, "listing", listing.pk)
    rep = Report.objects.get()
    client.force_login(staff)
    assert (
        client.post(f"/moderation/reports/{rep.pk}/act/", {"action": "dismiss"}).status_code == 400
    )
    ok = {"action": "dismiss", "note": "Нарушений нет"}
    assert client.post(f"/moderation/reports/{rep.pk}/act/", ok).status_code == 302
    assert client.post(f"/moderation/reports/{rep.pk}/act/", ok).status_code == 409
    rep.refresh_from_db()
    assert rep.status == "dismissed" and AuditLog.objects.count() == 1


def test_hidden_chat_message_keeps_the_evidence_in_the_log(client, owner, other, staff, listing):
    conversation = conversation_start_for_listing(listing=listing, buyer=other)
    message = message_send(
        conversation=conversation, sender=owner, content="Переведи на карту, потом"
    )
    client.force_login(other)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f"/report/message/{message.pk}/" in page
    report(client, other, "message", message.pk)
    rep = Report.objects.get()
    client.force_login(staff)
    detail = client.get(f"/moderation/reports/{rep.pk}/").content.decode()
    assert "Переведи на карту" in detail
    client.post(f"/moderation/reports/{rep.pk}/act/", {"action": "hide", "note": "Мошенничество"})
    message.refresh_from_db()
    assert message.content == "Сообщение скрыто модератором"
    assert AuditLog.objects.get().details["content"] == "Переведи на карту, потом"


def test_outsider_cannot_report_a_message_of_someone_elses_chat(
    client, owner, other, outsider, listing
):
    conversation = conversation_start_for_listing(listing=listing, buyer=other)
    message = message_send(conversation=conversation, sender=owner, content="hi")
    assert report(client, outsider, "message", message.pk).status_code == 404
    assert not Report.objects.exists()


def test_reported_want_is_archived(client, owner, other, staff):
    want = item(owner, "want", "Велосипед")
    report(client, other, "item", want.pk, reason="spam")
    client.force_login(staff)
    client.post(
        f"/moderation/reports/{Report.objects.get().pk}/act/", {"action": "hide", "note": "Спам"}
    )
    want.refresh_from_db()
    assert want.status == ItemStatus.ARCHIVED


def test_temporary_ban_logs_out_everywhere_and_cancels_deals(
    client, owner, other, outsider, staff, listing
):
    from apps.common.testing import ApiClient

    deal = make_deal(listing, other, status="accepted")
    Listing.objects.filter(pk=listing.pk).update(status="reserved")
    web = Client()
    web.force_login(owner)
    api = Client()
    login = api.post(
        "/auth/login", {"username": "owner", "password": PASSWORD}, content_type="application/json"
    )
    assert login.status_code == 200
    bearer = ApiClient(owner)
    report(client, other, "user", owner.pk)
    client.force_login(staff)
    r = client.post(
        f"/moderation/reports/{Report.objects.get().pk}/act/",
        {"action": "ban_temp", "days": 3, "note": "Кидает покупателей"},
    )
    assert r.status_code == 302
    owner.refresh_from_db()
    deal.refresh_from_db()
    listing.refresh_from_db()
    assert not owner.is_active and owner.banned_until is not None
    assert deal.status == "cancelled" and listing.moderation_hidden
    note = Notification.objects.get(user=other, type="deal_cancelled")
    assert "заблокирован" in note.payload["message"]
    # web session, refresh cookie and access token stop working at once
    assert web.get("/accounts/my-listings/").status_code == 302
    assert api.post("/auth/refresh").status_code == 401
    assert bearer.get("/user/cabinet").status_code == 401
    assert (
        Client()
        .post(
            "/auth/login",
            {"username": "owner", "password": PASSWORD},
            content_type="application/json",
        )
        .status_code
        == 401
    )
    assert not Client().login(username="owner", password=PASSWORD)
    log = AuditLog.objects.get(action="ban")
    assert log.actor == staff and log.details["days"] == 3


def test_expired_temporary_ban_lifts_at_next_login(client, owner, other, staff):
    from datetime import timedelta

    from django.utils import timezone

    from apps.moderation.sanctions import user_ban

    user_ban(user=owner, staff=staff, reason="тест", days=1)
    assert not Client().login(username="owner", password=PASSWORD)
    type(owner).objects.filter(pk=owner.pk).update(
        banned_until=timezone.now() - timedelta(minutes=1)
    )
    assert Client().login(username="owner", password=PASSWORD)
    owner.refresh_from_db()
    assert owner.is_active and owner.banned_until is None


def test_permanent_ban_never_lifts_and_staff_cannot_be_banned(client, owner, other, staff):
    from apps.common.errors import PermissionDenied
    from apps.moderation.sanctions import user_ban

    offer = item(owner, "offer", "Гитара")
    user_ban(user=owner, staff=staff, reason="навсегда")
    assert not Client().login(username="owner", password=PASSWORD)
    offer.refresh_from_db()
    assert offer.status == ItemStatus.ARCHIVED
    with pytest.raises(PermissionDenied):
        user_ban(user=staff, staff=staff, reason="x")
