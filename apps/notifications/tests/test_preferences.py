"""Preferences: kind x channel, quiet hours in the user's time zone, chat batching."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from apps.notifications.models import Channel, Delivery, Notification, NotificationSettings
from apps.notifications.preferences import preferences_get, quiet_until
from apps.notifications.services import notify
from apps.notifications.tasks import deliveries_send_due
from apps.notifications.tests.fakes import link

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_defaults_proposals_and_deals_on_everywhere_chat_mail_off(owner):
    view = preferences_get(user=owner)
    assert view.channels["proposals"] == {"site": True, "telegram": True, "email": True}
    assert view.channels["deals"] == {"site": True, "telegram": True, "email": True}
    assert view.channels["messages"] == {"site": True, "telegram": True, "email": False}
    assert view.time_zone == "Asia/Almaty"


def test_preferences_page_saves_channels_quiet_hours_and_time_zone(owner):
    client = Client()
    client.force_login(owner)
    page = client.get("/notifications/settings/")
    body = page.content.decode()
    assert "Настройки уведомлений" in body and "Сделки LootLink" in body
    data = {
        "time_zone": "Europe/Moscow",
        "quiet_start": "23:00",
        "quiet_end": "08:00",
        "proposals__site": "on",
        "proposals__telegram": "on",
        "deals__site": "on",  # deals: Telegram and email off
    }
    assert client.post("/notifications/settings/", data).status_code == 302
    prefs = NotificationSettings.objects.get(user=owner)
    assert (prefs.time_zone, prefs.quiet_start, prefs.quiet_end) == (
        "Europe/Moscow",
        time(23),
        time(8),
    )
    view = preferences_get(user=owner)
    assert view.channels["deals"] == {"site": True, "telegram": False, "email": False}
    assert view.channels["proposals"] == {"site": True, "telegram": True, "email": False}


def test_preferences_page_rejects_half_quiet_hours(owner):
    client = Client()
    client.force_login(owner)
    response = client.post("/notifications/settings/", {"time_zone": "UTC", "quiet_start": "23:00"})
    assert response.status_code == 400
    assert "Укажите начало и конец тихих часов" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=owner).exists()


def test_preferences_api_reads_and_changes_only_what_is_given(api, owner):
    body = api.get("/api/notifications/preferences").json()
    assert body["channels"]["deals"]["telegram"] is True and body["quiet_hours"] is None
    body = api.put(
        "/api/notifications/preferences",
        {
            "channels": {"deals": {"telegram": False}},
            "quiet_hours": {"start": "22:30", "end": "07:00"},
        },
    ).json()
    assert body["channels"]["deals"] == {"site": True, "telegram": False, "email": True}
    assert body["quiet_hours"] == {"start": "22:30", "end": "07:00"}
    body = api.put("/api/notifications/preferences", {"quiet_hours": None}).json()
    assert body["quiet_hours"] is None and body["channels"]["deals"]["telegram"] is False
    bad = api.put("/api/notifications/preferences", {"channels": {"nope": {"site": False}}})
    assert bad.status_code == 400
    assert api.put("/api/notifications/preferences", {"time_zone": "Mars/Base"}).status_code == 400


def test_preferences_api_needs_a_login(anon_api):
    assert anon_api.get("/api/notifications/preferences").status_code == 401


def test_quiet_hours_in_the_users_time_zone():
    prefs = NotificationSettings(quiet_start=time(23), quiet_end=time(8), time_zone="Asia/Almaty")
    at_night = datetime(2026, 3, 2, 2, 30, tzinfo=ALMATY)
    assert quiet_until(prefs, at_night) == datetime(2026, 3, 2, 8, 0, tzinfo=ALMATY)
    late = datetime(2026, 3, 2, 23, 30, tzinfo=ALMATY)
    assert quiet_until(prefs, late) == datetime(2026, 3, 3, 8, 0, tzinfo=ALMATY)
    assert quiet_until(prefs, datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)) is None
    daytime = NotificationSettings(quiet_start=time(13), quiet_end=time(14), time_zone="UTC")
    assert quiet_until(daytime, datetime(2026, 3, 2, 13, 30, tzinfo=ZoneInfo("UTC"))).hour == 14


def test_a_kind_turned_off_on_telegram_queues_nothing_there(fake_tg, owner):
    link(owner, 5151)
    NotificationSettings.objects.create(user=owner, prefs={"deals": {"telegram": False}})
    notify(user_id=owner.pk, type="deal_accepted", payload={"message": "x"})
    assert not Delivery.objects.filter(user=owner).exists()


def test_site_off_keeps_the_notification_as_read_history(owner):
    NotificationSettings.objects.create(user=owner, prefs={"reviews": {"site": False}})
    notify(user_id=owner.pk, type="new_review", payload={"message": "Новый отзыв"})
    notify(user_id=owner.pk, type="deal_accepted", payload={"message": "Сделка"})
    assert list(
        Notification.objects.filter(user=owner, read=False).values_list("type", flat=True)
    ) == ["deal_accepted"]
    assert Notification.objects.filter(user=owner, type="new_review", read=True).exists()


def test_chat_messages_are_batched_per_conversation(fake_tg, owner, settings):
    settings.NOTIFY_CHAT_BATCH_MINUTES = 10
    link(owner, 5151)
    for n in range(3):
        notify(
            user_id=owner.pk,
            type="new_message",
            payload={"message": f"m{n}", "conversation_id": 1, "url": "/chat/1/"},
        )
    notify(
        user_id=owner.pk,
        type="new_message",
        payload={"message": "other chat", "conversation_id": 2, "url": "/chat/2/"},
    )
    rows = Delivery.objects.filter(user=owner, channel=Channel.TELEGRAM)
    assert sorted(r.notification.payload["message"] for r in rows) == ["m0", "other chat"]


def test_quiet_hours_postpone_telegram_until_they_end(fake_tg, owner):
    link(owner, 5151)
    NotificationSettings.objects.create(
        user=owner, quiet_start=time(0), quiet_end=time(23, 59, 59), time_zone="UTC"
    )
    notify(user_id=owner.pk, type="deal_accepted", payload={"message": "ночью"})
    row = Delivery.objects.get(user=owner)
    assert row.next_attempt_at.astimezone(ZoneInfo("UTC")).time() == time(23, 59, 59)
    assert deliveries_send_due() == {}
    assert fake_tg.sent() == []
