"""Online status and typical reply time on seller cards."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.accounts.presence import presence_of
from apps.chat.models import Conversation, ConversationParticipant, Message
from apps.chat.reply_time import typical_reply_minutes
from apps.market.tests.factories import HTML, make_listing


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_a_web_visit_marks_the_user_active(client, owner):
    assert owner.last_active_at is None
    client.force_login(owner)
    client.get("/", **HTML)
    owner.refresh_from_db()
    assert owner.last_active_at is not None


def test_seller_card_shows_online_now(client, owner):
    owner.last_active_at = timezone.now()
    owner.save(update_fields=["last_active_at"])
    listing = make_listing(owner)
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert '<span class="presence is-online">В сети</span>' in body
    assert 'class="presence-dot"' in client.get("/", **HTML).content.decode()


@pytest.mark.parametrize(
    ("ago", "label"),
    [
        (timedelta(minutes=2), "В сети"),
        (timedelta(minutes=30), "Был(а) в сети недавно"),
        (timedelta(hours=5), "Был(а) в сети сегодня"),
        (timedelta(days=3), "Был(а) в сети на этой неделе"),
        (timedelta(days=40), "Давно не заходил(а)"),
    ],
)
def test_presence_is_coarse(ago, label):
    now = timezone.now()
    assert presence_of(now - ago, now=now)[1] == label


def test_exact_activity_time_is_not_on_the_page(client, owner):
    owner.last_active_at = timezone.now() - timedelta(hours=5)
    owner.save(update_fields=["last_active_at"])
    listing = make_listing(owner)
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert "Был(а) в сети сегодня" in body
    assert owner.last_active_at.isoformat()[:16] not in body


def _chat(seller, buyer, listing, delays_minutes):
    conv = Conversation.objects.create(listing=listing)
    ConversationParticipant.objects.create(conversation=conv, user=seller)
    ConversationParticipant.objects.create(conversation=conv, user=buyer)
    t = timezone.now() - timedelta(days=2)
    for minutes in delays_minutes:
        ask = Message.objects.create(conversation=conv, sender=buyer, content="?")
        answer = Message.objects.create(conversation=conv, sender=seller, content="!")
        Message.objects.filter(pk=ask.pk).update(created_at=t)
        Message.objects.filter(pk=answer.pk).update(created_at=t + timedelta(minutes=minutes))
        t += timedelta(hours=3)


def test_typical_reply_time_is_the_median_answer_delay(client, owner, other):
    listing = make_listing(owner)
    _chat(owner, other, listing, [5, 10, 600])
    assert typical_reply_minutes(user_id=owner.pk) == 10
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert "Обычно отвечает в течение 15 минут" in body


def test_no_reply_time_with_too_few_answers(client, owner, other):
    listing = make_listing(owner)
    _chat(owner, other, listing, [5, 10])
    assert typical_reply_minutes(user_id=owner.pk) is None
    assert "Обычно отвечает" not in client.get(listing.get_absolute_url(), **HTML).content.decode()
