"""The bot end to end: the real python-telegram-bot client against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.exchange.models import Proposal, ProposalParticipant, ProposalStatus
from apps.exchange.tests.helpers import proposal_for
from apps.notifications.models import Channel, Delivery, DeliveryStatus, TelegramLinkToken
from apps.notifications.tasks import deliveries_send_due
from apps.notifications.telegram_link import telegram_link_start
from apps.notifications.tests.fakes import link
from apps.tgbot.actions import NOT_LINKED
from apps.tgbot.tests.driver import bot_poll

pytestmark = pytest.mark.django_db

OWNER_CHAT, OTHER_CHAT, STRANGER_CHAT = 1001, 1002, 1999


def _token(url: str) -> str:
    assert url.startswith("https://t.me/fm_test_bot?start=")
    return url.split("start=", 1)[1]


def _last_text(fake, chat_id: int) -> str:
    return [m for m in fake.sent() if int(m["chat_id"]) == chat_id][-1]["text"]


def _answers(fake) -> list[str]:
    return [c.get("text", "") for c in fake.sent("answerCallbackQuery")]


def test_start_with_a_fresh_link_links_the_chat_once(fake_tg, owner, other):
    token = _token(telegram_link_start(user=owner))
    fake_tg.push_message(OWNER_CHAT, f"/start {token}")
    bot_poll()
    owner.refresh_from_db()
    assert owner.telegram_id == OWNER_CHAT
    assert owner.telegram_username == f"tg{OWNER_CHAT}"
    assert "аккаунт owner подключён" in _last_text(fake_tg, OWNER_CHAT)
    # The link is one-time: a second chat using it links nothing.
    fake_tg.push_message(STRANGER_CHAT, f"/start {token}")
    bot_poll()
    assert "недействительна или устарела" in _last_text(fake_tg, STRANGER_CHAT)
    assert not User.objects.filter(telegram_id=STRANGER_CHAT).exists()
    owner.refresh_from_db()
    assert owner.telegram_id == OWNER_CHAT


def test_expired_or_unknown_link_is_refused(fake_tg, owner):
    token = _token(telegram_link_start(user=owner))
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    fake_tg.push_message(OWNER_CHAT, f"/start {token}")
    fake_tg.push_message(OWNER_CHAT, "/start not-a-token")
    bot_poll()
    owner.refresh_from_db()
    assert owner.telegram_id is None
    texts = [m["text"] for m in fake_tg.sent()]
    assert len(texts) == 2 and all("недействительна" in t for t in texts)
    # Only the hash is stored.
    assert not TelegramLinkToken.objects.filter(token_hash=token).exists()


def test_a_new_link_replaces_the_previous_one(fake_tg, owner):
    first = _token(telegram_link_start(user=owner))
    second = _token(telegram_link_start(user=owner))
    fake_tg.push_message(OWNER_CHAT, f"/start {first}")
    bot_poll()
    assert User.objects.get(pk=owner.pk).telegram_id is None
    fake_tg.push_message(OWNER_CHAT, f"/start {second}")
    bot_poll()
    assert User.objects.get(pk=owner.pk).telegram_id == OWNER_CHAT


def test_stop_unlinks_and_the_bot_then_acts_for_no_one(fake_tg, owner):
    link(owner, OWNER_CHAT)
    fake_tg.push_message(OWNER_CHAT, "/stop")
    bot_poll()
    owner.refresh_from_db()
    assert owner.telegram_id is None
    assert "Telegram отключён" in _last_text(fake_tg, OWNER_CHAT)
    fake_tg.push_message(OWNER_CHAT, "/proposals")
    bot_poll()
    assert _last_text(fake_tg, OWNER_CHAT) == NOT_LINKED


def _proposal_between(owner, other) -> Proposal:
    link(owner, OWNER_CHAT)
    link(other, OTHER_CHAT)
    proposal = proposal_for([owner, other])
    deliveries_send_due()
    return proposal


def _proposal_message(fake, chat_id: int, proposal: Proposal) -> dict:
    for m in fake.sent():
        markup = m.get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if int(m["chat_id"]) == chat_id and any(
            b.get("callback_data") == f"pa:{proposal.pk}" for b in buttons
        ):
            return m
    raise AssertionError("no proposal message with buttons")


def test_new_proposal_arrives_with_accept_and_decline_buttons(fake_tg, owner, other):
    proposal = _proposal_between(owner, other)
    for chat in (OWNER_CHAT, OTHER_CHAT):
        message = _proposal_message(fake_tg, chat, proposal)
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        assert [b["text"] for b in buttons] == ["Принять", "Отказаться"]
        assert [b["callback_data"] for b in buttons] == [f"pa:{proposal.pk}", f"pd:{proposal.pk}"]
        assert "Найдено совпадение" in message["text"]
        assert f"/exchange/proposals/{proposal.pk}/" in message["text"]
    rows = Delivery.objects.filter(channel=Channel.TELEGRAM, notification__type="bilateral_match")
    assert {r.status for r in rows} == {DeliveryStatus.SENT}
    assert {r.chat_id for r in rows} == {OWNER_CHAT, OTHER_CHAT}


def test_accept_button_accepts_once_and_a_second_press_changes_nothing(fake_tg, owner, other):
    proposal = _proposal_between(owner, other)
    message = _proposal_message(fake_tg, OWNER_CHAT, proposal)
    fake_tg.push_button(OWNER_CHAT, f"pa:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    me = ProposalParticipant.objects.get(proposal=proposal, user=owner)
    assert me.accepted_at is not None
    assert "Вы приняли предложение" in _answers(fake_tg)[-1]
    edits = fake_tg.sent("editMessageText")
    assert len(edits) == 1 and "Вы приняли предложение" in edits[0]["text"]
    assert "reply_markup" not in edits[0]  # the buttons are gone
    accepted_at = me.accepted_at

    fake_tg.push_button(OWNER_CHAT, f"pa:{proposal.pk}", message_id=message["message_id"])
    fake_tg.push_button(OWNER_CHAT, f"pd:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    assert _answers(fake_tg)[-2:] == ["Вы уже ответили на это предложение"] * 2
    me.refresh_from_db()
    assert me.accepted_at == accepted_at and me.declined_at is None
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING

    # The partner accepts from Telegram too: the exchange is confirmed and both hear about it.
    other_message = _proposal_message(fake_tg, OTHER_CHAT, proposal)
    fake_tg.push_button(OTHER_CHAT, f"pa:{proposal.pk}", message_id=other_message["message_id"])
    bot_poll()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CONFIRMED
    assert "обмен подтверждён" in _answers(fake_tg)[-1]
    deliveries_send_due()
    confirmed = [m for m in fake_tg.sent() if "обмен подтверждён" in m["text"]]
    assert {int(m["chat_id"]) for m in confirmed} == {OWNER_CHAT, OTHER_CHAT}


def test_decline_button_declines_for_everyone(fake_tg, owner, other):
    proposal = _proposal_between(owner, other)
    message = _proposal_message(fake_tg, OTHER_CHAT, proposal)
    fake_tg.push_button(OTHER_CHAT, f"pd:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DECLINED
    assert "Вы отказались" in _answers(fake_tg)[-1]
    deliveries_send_due()
    assert "отклонил(а) предложение" in _last_text(fake_tg, OWNER_CHAT)
    # The owner's proposal message loses its now useless buttons.
    [cleared] = fake_tg.sent("editMessageReplyMarkup")
    owner_message = _proposal_message(fake_tg, OWNER_CHAT, proposal)
    assert (int(cleared["chat_id"]), int(cleared["message_id"])) == (
        OWNER_CHAT,
        owner_message["message_id"],
    )


def test_button_after_expiry_says_so_and_does_not_accept(fake_tg, owner, other):
    proposal = _proposal_between(owner, other)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    message = _proposal_message(fake_tg, OWNER_CHAT, proposal)
    fake_tg.push_button(OWNER_CHAT, f"pa:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    assert _answers(fake_tg)[-1] == "Срок ответа на предложение истёк"
    assert ProposalParticipant.objects.get(proposal=proposal, user=owner).accepted_at is None
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.EXPIRED


def test_unlinked_chat_and_outsider_cannot_act(fake_tg, owner, other, outsider):
    proposal = _proposal_between(owner, other)
    message = _proposal_message(fake_tg, OWNER_CHAT, proposal)
    fake_tg.push_button(STRANGER_CHAT, f"pa:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    assert _answers(fake_tg)[-1] == NOT_LINKED
    link(outsider, STRANGER_CHAT)
    fake_tg.push_button(STRANGER_CHAT, f"pa:{proposal.pk}", message_id=message["message_id"])
    bot_poll()
    assert _answers(fake_tg)[-1] == "Предложение не найдено"
    assert not ProposalParticipant.objects.filter(
        proposal=proposal, accepted_at__isnull=False
    ).exists()
    assert fake_tg.sent("editMessageText") == []


def test_proposals_command_lists_what_waits_with_buttons(fake_tg, owner, other):
    proposal = _proposal_between(owner, other)
    fake_tg.push_message(OWNER_CHAT, "/proposals")
    bot_poll()
    texts = [m for m in fake_tg.sent() if int(m["chat_id"]) == OWNER_CHAT][-2:]
    assert texts[0]["text"] == "Ждут вашего ответа: 1"
    assert f"№{proposal.pk}" in texts[1]["text"]
    buttons = [b for row in texts[1]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["callback_data"] == f"pa:{proposal.pk}"
    # Once answered, nothing waits.
    ProposalParticipant.objects.filter(proposal=proposal, user=owner).update(
        accepted_at=timezone.now()
    )
    fake_tg.push_message(OWNER_CHAT, "/proposals")
    bot_poll()
    assert _last_text(fake_tg, OWNER_CHAT) == "Сейчас нет предложений, которые ждут вашего ответа."
