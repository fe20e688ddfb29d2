"""Deal events, chat messages with a quick reply, dispute updates; linking from the site."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.chat.models import Message
from apps.chat.services import conversation_start_for_listing, message_send
from apps.market.services.deals import purchase_request_accept, purchase_request_create
from apps.market.tests.factories import make_listing
from apps.notifications.models import Channel, Delivery, Notification
from apps.notifications.services import notify
from apps.notifications.tasks import deliveries_send_due
from apps.notifications.tests.fakes import link
from apps.tgbot.actions import NOT_LINKED
from apps.tgbot.tests.driver import bot_poll

pytestmark = pytest.mark.django_db

OWNER_CHAT, OTHER_CHAT = 2001, 2002


def _to(fake, chat_id: int) -> list[dict]:
    return [m for m in fake.sent() if int(m["chat_id"]) == chat_id]


def test_deal_events_reach_both_sides_with_a_link_to_the_deal(fake_tg, owner, other):
    link(owner, OWNER_CHAT)
    link(other, OTHER_CHAT)
    listing = make_listing(owner, title="AWP | Asiimov")
    pr = purchase_request_create(listing=listing, buyer=other, message="Беру")
    deliveries_send_due()
    [to_seller] = _to(fake_tg, OWNER_CHAT)
    assert to_seller["text"].startswith("other хочет купить «AWP | Asiimov»")
    assert f"http://127.0.0.1:8000{pr.get_absolute_url()}" in to_seller["text"]
    purchase_request_accept(pr=pr, user=owner)
    deliveries_send_due()
    [to_buyer] = _to(fake_tg, OTHER_CHAT)
    assert to_buyer["text"].startswith("Продавец принял ваш запрос на «AWP | Asiimov»")
    assert pr.get_absolute_url() in to_buyer["text"]
    types = set(
        Delivery.objects.filter(channel=Channel.TELEGRAM, status="sent").values_list(
            "notification__type", flat=True
        )
    )
    assert types == {"deal_requested", "deal_accepted"}


def test_any_event_type_is_deliverable_for_example_a_dispute_update(fake_tg, owner):
    link(owner, OWNER_CHAT)
    notify(
        user_id=owner.pk,
        type="dispute_opened",
        payload={"message": "Открыт спор по сделке №7", "url": "/transactions/7/"},
    )
    deliveries_send_due()
    [message] = _to(fake_tg, OWNER_CHAT)
    assert message["text"].startswith("Открыт спор по сделке №7")
    assert "/transactions/7/" in message["text"]


def test_chat_message_arrives_with_a_quick_reply_that_posts_into_the_conversation(
    fake_tg, owner, other
):
    link(owner, OWNER_CHAT)
    link(other, OTHER_CHAT)
    conversation = conversation_start_for_listing(listing=make_listing(owner), buyer=other)
    message_send(conversation=conversation, sender=other, content="Ещё продаёте?")
    deliveries_send_due()
    [notice] = _to(fake_tg, OWNER_CHAT)
    assert "Ещё продаёте?" in notice["text"]
    assert notice["reply_markup"]["force_reply"] is True

    fake_tg.push_message(OWNER_CHAT, "Да, продаю", reply_to=notice["message_id"])
    bot_poll()
    reply = Message.objects.filter(conversation=conversation).latest("pk")
    assert (reply.sender_id, reply.content) == (owner.pk, "Да, продаю")
    assert _to(fake_tg, OWNER_CHAT)[-1]["text"] == "Отправлено в чат."
    # Answered from Telegram: the notice is read, so the next message notifies again.
    assert not Notification.objects.filter(user=owner, type="new_message", read=False).exists()


def test_a_reply_from_another_chat_or_to_another_message_posts_nothing(
    fake_tg, owner, other, outsider
):
    link(owner, OWNER_CHAT)
    conversation = conversation_start_for_listing(listing=make_listing(owner), buyer=other)
    message_send(conversation=conversation, sender=other, content="Привет")
    deliveries_send_due()
    [notice] = _to(fake_tg, OWNER_CHAT)
    before = Message.objects.count()

    fake_tg.push_message(3003, "чужой ответ", reply_to=notice["message_id"])  # not linked
    link(outsider, 3004)
    fake_tg.push_message(3004, "и я", reply_to=notice["message_id"])  # linked, not the addressee
    fake_tg.push_message(OWNER_CHAT, "мимо", reply_to=999_999)  # not a notice of ours
    bot_poll()
    assert Message.objects.count() == before
    assert _to(fake_tg, 3003)[-1]["text"] == NOT_LINKED
    assert "ответьте на моё сообщение" in _to(fake_tg, 3004)[-1]["text"]
    assert "ответьте на моё сообщение" in _to(fake_tg, OWNER_CHAT)[-1]["text"]


def test_profile_offers_a_one_time_deep_link_and_the_site_can_unlink(fake_tg, owner):
    client = Client()
    client.force_login(owner)
    page = client.get(f"/accounts/profile/{owner.username}/")
    assert "Подключить Telegram" in page.content.decode()
    response = client.post("/notifications/telegram/link/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "https://t.me/fm_test_bot?start=" in body
    token = body.split("https://t.me/fm_test_bot?start=", 1)[1].split('"', 1)[0]

    fake_tg.push_message(OWNER_CHAT, f"/start {token}")
    bot_poll()
    owner.refresh_from_db()
    assert owner.telegram_id == OWNER_CHAT
    assert (
        "Telegram подключён" in client.get(f"/accounts/profile/{owner.username}/").content.decode()
    )

    assert client.post("/notifications/telegram/unlink/").status_code == 302
    owner.refresh_from_db()
    assert owner.telegram_id is None
    notify(user_id=owner.pk, type="deal_accepted", payload={"message": "x", "url": "/"})
    assert not Delivery.objects.filter(user=owner, channel=Channel.TELEGRAM).exists()


def test_without_a_bot_token_nothing_is_queued_for_telegram_and_the_command_exits(
    settings, owner, capsys
):
    from django.core.management import call_command

    settings.TELEGRAM_BOT_TOKEN = ""
    link(owner, OWNER_CHAT)
    notify(user_id=owner.pk, type="deal_accepted", payload={"message": "x", "url": "/"})
    assert not Delivery.objects.filter(channel=Channel.TELEGRAM).exists()
    call_command("runbot")
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().out


def test_runbot_uses_a_webhook_when_one_is_set(fake_tg, settings, monkeypatch):
    from django.core.management import call_command
    from telegram.ext import Application

    calls = []
    monkeypatch.setattr(
        Application, "run_webhook", lambda self, **kw: calls.append(("webhook", kw))
    )
    monkeypatch.setattr(
        Application, "run_polling", lambda self, **kw: calls.append(("polling", kw))
    )
    call_command("runbot")
    settings.TELEGRAM_WEBHOOK_URL = "https://example.test/telegram"
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret"
    call_command("runbot")
    assert [c[0] for c in calls] == ["polling", "webhook"]
    webhook = calls[1][1]
    assert webhook["webhook_url"] == "https://example.test/telegram"
    assert webhook["url_path"] == "telegram" and webhook["secret_token"] == "s3cret"
