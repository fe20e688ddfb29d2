"""The outbox: rows in the event's transaction, one send per row, retries, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from apps.common.testing import force_login_2fa
from apps.notifications import delivery as delivery_module
from apps.notifications.channels import telegram as tg
from apps.notifications.channels.base import RetryLater
from apps.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from apps.notifications.services import notify, notify_many
from apps.notifications.tasks import deliveries_send, deliveries_send_due, deliveries_send_now
from apps.notifications.tests.fakes import link

pytestmark = pytest.mark.django_db
S = DeliveryStatus
CHAT = 4242


def _deal(user, message="Продавец принял ваш запрос") -> Notification:
    return notify(
        user_id=user.pk,
        type="deal_accepted",
        payload={"message": message, "url": "/transactions/1/"},
    )


def _row(user) -> Delivery:
    return Delivery.objects.get(user=user, channel=Channel.TELEGRAM)


def test_rows_are_written_with_the_event_and_vanish_with_its_rollback(fake_tg, owner):
    link(owner, CHAT)
    with pytest.raises(RuntimeError), transaction.atomic():
        _deal(owner)
        assert Delivery.objects.filter(user=owner).count() == 1
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert fake_tg.sent() == []


def test_delivery_starts_after_commit(fake_tg, owner, django_capture_on_commit_callbacks):
    link(owner, CHAT)
    with django_capture_on_commit_callbacks(execute=True):
        _deal(owner)
        assert fake_tg.sent() == []  # nothing leaves inside the transaction
    [message] = fake_tg.sent()
    assert int(message["chat_id"]) == CHAT
    row = _row(owner)
    assert (row.status, row.attempts, row.external_id) == (S.SENT, 1, str(message["message_id"]))


def test_only_linked_users_and_enabled_channels_get_rows(fake_tg, owner, other, outsider):
    link(owner, CHAT)
    notify_many(
        [
            (owner.pk, "deal_accepted", {"message": "a"}),
            (other.pk, "deal_accepted", {"message": "b"}),  # not linked, email unverified
            (owner.pk, "something_new", {"message": "c"}),  # "other": Telegram off by default
        ]
    )
    assert list(Delivery.objects.values_list("user_id", "channel")) == [(owner.pk, "telegram")]


def test_running_the_task_twice_sends_once(fake_tg, owner):
    link(owner, CHAT)
    row = _row(owner) if _deal(owner) else None
    deliveries_send([row.pk])
    deliveries_send([row.pk])
    deliveries_send_due()
    assert len(fake_tg.sent()) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.SENT, 1)


def test_a_row_claimed_by_another_worker_is_not_sent_again(fake_tg, owner):
    link(owner, CHAT)
    _deal(owner)
    row = _row(owner)
    assert delivery_module._claim(row.pk)  # another worker holds it
    assert deliveries_send_now([row.pk]) == {"not_claimed": 1}
    assert fake_tg.sent() == []


def test_server_error_is_retried_with_backoff_then_sent_once(fake_tg, owner, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    link(owner, CHAT)
    fake_tg.fail("sendMessage", 500, times=2)
    _deal(owner)
    row = _row(owner)

    assert deliveries_send_now([row.pk]) == {"retry": 1}
    row.refresh_from_db()
    assert row.status == S.RETRY and row.attempts == 1 and "Internal Server Error" in row.last_error
    first_wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < first_wait <= 36
    assert deliveries_send_due() == {}  # not due yet: nothing is sent early

    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliveries_send_due() == {"retry": 1}
    row.refresh_from_db()
    second_wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert second_wait > first_wait  # exponential: 30 s, then 60 s

    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliveries_send_due() == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (S.SENT, 3, "")
    assert len(fake_tg.sent()) == 3  # two refused, one delivered
    deliveries_send_due()
    assert len(fake_tg.sent()) == 3


def test_429_waits_what_telegram_asks_and_is_not_a_failed_attempt(fake_tg, owner):
    link(owner, CHAT)
    fake_tg.fail_429("sendMessage", retry_after=17)
    _deal(owner)
    row = _row(owner)
    deliveries_send_now([row.pk])
    row.refresh_from_db()
    assert row.status == S.RETRY and row.attempts == 0
    assert 15 < (row.next_attempt_at - timezone.now()).total_seconds() <= 17
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliveries_send_due()
    row.refresh_from_db()
    assert row.status == S.SENT


def test_telegram_down_then_back_the_beat_catches_up(fake_tg, owner, settings):
    link(owner, CHAT)
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # nothing listens: connection refused
    _deal(owner)
    deliveries_send_due()
    row = _row(owner)
    assert row.status == S.RETRY and row.last_error
    settings.TELEGRAM_API_BASE = fake_tg.base_url
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliveries_send_due()
    assert _row(owner).status == S.SENT
    assert len(fake_tg.sent()) == 1


def test_after_the_last_attempt_the_row_fails_and_staff_see_it(fake_tg, owner, staff, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    link(owner, CHAT)
    fake_tg.fail("sendMessage", 500, times=2)
    _deal(owner)
    row = _row(owner)
    deliveries_send_now([row.pk])
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliveries_send_now([row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.FAILED, 2)
    assert deliveries_send_due() == {}  # given up: no more tries until staff ask

    client = force_login_2fa(Client(), staff)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    page = client.get("/admin/notifications/delivery/?status__exact=failed")
    assert page.status_code == 200
    assert "Internal Server Error" in page.content.decode()
    client.post(
        "/admin/notifications/delivery/",
        {"action": "retry_now", "_selected_action": [row.pk]},
    )  # queued again and sent at once
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.SENT, 3)
    assert deliveries_send_due() == {}


def test_stale_claim_is_released_for_another_try(fake_tg, owner):
    link(owner, CHAT)
    _deal(owner)
    row = _row(owner)
    Delivery.objects.filter(pk=row.pk).update(
        status=S.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    deliveries_send_due()
    assert _row(owner).status == S.SENT


def test_unlinked_before_sending_is_skipped(fake_tg, owner):
    link(owner, CHAT)
    _deal(owner)
    owner.telegram_id = None
    owner.save(update_fields=["telegram_id"])
    deliveries_send_due()
    assert _row(owner).status == S.SKIPPED
    assert fake_tg.sent() == []


class _Clock:
    """time for the limiter: sleep() moves it on instead of waiting."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limits_one_a_second_per_chat_and_a_global_cap(settings, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(tg, "time", clock)
    settings.TELEGRAM_RATE_PER_CHAT = 1
    settings.TELEGRAM_RATE_GLOBAL = 3
    tg.throttle(1)
    tg.throttle(2)
    assert clock.slept == []
    tg.throttle(1)  # second message to chat 1 in the same second: waits for the next one
    assert len(clock.slept) == 1
    for chat in (10, 11, 12):
        tg.throttle(chat)
    assert len(clock.slept) == 2  # the fourth message of a second waits: global cap of 3


def test_limiter_gives_the_row_back_when_it_cannot_get_a_slot(settings, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(tg, "time", clock)
    monkeypatch.setattr(tg, "_slot", lambda key, limit: False)
    with pytest.raises(RetryLater):
        tg.throttle(1)


def test_a_worker_schedules_the_retry_for_its_time(fake_tg, owner, settings, monkeypatch):
    link(owner, CHAT)
    fake_tg.fail("sendMessage", 500)
    _deal(owner)
    row = _row(owner)
    scheduled = []
    monkeypatch.setattr(deliveries_send, "apply_async", lambda **kw: scheduled.append(kw))
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as on a real worker
    deliveries_send([row.pk])
    row.refresh_from_db()
    assert scheduled == [{"args": [[row.pk]], "eta": row.next_attempt_at}]


def test_when_telegram_is_down_a_batch_stops_trying_and_the_rest_waits(
    fake_tg, owner, other, outsider, staff
):
    users = [owner, other, outsider, staff]
    for n, user in enumerate(users):
        link(user, CHAT + n)
    fake_tg.fail("sendMessage", 502, times=3)
    notify_many([(u.pk, "deal_accepted", {"message": "x"}) for u in users])
    counts = deliveries_send_due()
    assert counts == {"retry": 3, "deferred": 1}
    assert Delivery.objects.filter(status=S.PENDING, attempts=0).count() == 1
    deliveries_send_due()  # Telegram is back: the waiting row goes out
    assert Delivery.objects.filter(status=S.SENT).count() == 1
