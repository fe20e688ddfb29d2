"""Email notifications through a local SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from apps.notifications.channels.email import unsubscribe_token
from apps.notifications.models import Channel, Delivery, DeliveryStatus, NotificationSettings
from apps.notifications.services import notify
from apps.notifications.tasks import deliveries_send_due, email_digest_queue

pytestmark = pytest.mark.django_db


def _verified(user):
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    return user


def _deal(user, message="Продавец принял ваш запрос на «AK-47»"):
    return notify(
        user_id=user.pk,
        type="deal_accepted",
        payload={"message": message, "url": "/transactions/3/"},
    )


def test_verified_address_gets_html_and_text_with_one_click_unsubscribe(smtp, owner):
    _verified(owner)
    _deal(owner)
    deliveries_send_due()
    [mail] = smtp.messages
    assert mail["To"] == "owner@example.com"
    assert mail["Subject"].strip() == "FreeMarket: Продавец принял ваш запрос на «AK-47»"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Продавец принял ваш запрос" in text and "http://127.0.0.1:8000/transactions/3/" in text
    assert 'href="http://127.0.0.1:8000/transactions/3/"' in html
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    assert mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert unsubscribe in text

    # One click (the mail client's POST): no more deal emails; other kinds still come.
    path = unsubscribe.removeprefix("http://127.0.0.1:8000")
    page = Client().get(path)
    assert "Больше не присылать письма «Сделки LootLink»?" in page.content.decode()
    assert Client().post(path).status_code == 200
    _deal(owner, "Ещё одна сделка")
    assert not Delivery.objects.filter(
        user=owner, notification__payload__message="Ещё одна сделка"
    ).exists()
    notify(user_id=owner.pk, type="dispute_opened", payload={"message": "Спор", "url": "/"})
    deliveries_send_due()
    assert smtp.messages[-1]["Subject"].strip() == "FreeMarket: Спор"


def test_unverified_address_gets_nothing(smtp, owner):
    _deal(owner)
    deliveries_send_due()
    assert not Delivery.objects.filter(channel=Channel.EMAIL).exists()
    assert smtp.messages == []


def test_forged_unsubscribe_link_is_refused(owner):
    token = unsubscribe_token(user_id=owner.pk, kind="deals")
    response = Client().post(f"/notifications/unsubscribe/{token[:-3]}abc/")
    assert response.status_code == 404
    assert not NotificationSettings.objects.filter(user=owner).exists()


def test_smtp_refusing_then_accepting_sends_exactly_one_mail(smtp, owner):
    _verified(owner)
    smtp.refuse = 1
    _deal(owner)
    deliveries_send_due()
    row = Delivery.objects.get(user=owner, channel=Channel.EMAIL)
    assert row.status == DeliveryStatus.RETRY and "451" in row.last_error
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliveries_send_due()
    deliveries_send_due()
    assert len(smtp.messages) == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_daily_digest_replaces_single_mails_and_is_sent_once_a_day(smtp, owner):
    _verified(owner)
    NotificationSettings.objects.create(user=owner, email_digest=True, time_zone="Asia/Almaty")
    _deal(owner, "Первая сделка")
    _deal(owner, "Вторая сделка")
    deliveries_send_due()
    assert smtp.messages == []  # no single mails: they wait for the digest

    now = timezone.now()
    early = now.astimezone(ZoneInfo("Asia/Almaty")).replace(hour=6)
    assert email_digest_queue(now=early) == 0  # before 08:00 local: not yet
    morning = early.replace(hour=9)
    assert email_digest_queue(now=morning) == 1
    assert email_digest_queue(now=morning.replace(hour=20)) == 0  # once a day
    [mail] = smtp.messages
    text = mail.get_body(("plain",)).get_content()
    assert "Первая сделка" in text and "Вторая сделка" in text
    assert mail["Subject"].strip() == "FreeMarket: сводка за день, новых уведомлений — 2"


def test_digest_unsubscribe_stops_all_mail(owner):
    _verified(owner)
    NotificationSettings.objects.create(user=owner, email_digest=True)
    token = unsubscribe_token(user_id=owner.pk, kind="digest")
    assert (
        "ежедневная сводка" in Client().get(f"/notifications/unsubscribe/{token}/").content.decode()
    )
    Client().post(f"/notifications/unsubscribe/{token}/")
    prefs = NotificationSettings.objects.get(user=owner)
    assert prefs.email_digest is False
    _deal(owner)
    assert not Delivery.objects.filter(user=owner, channel=Channel.EMAIL).exists()
