"""Every time a user sees is in the user's zone: the setting, else a default by city."""

from datetime import UTC, datetime

import pytest

from apps.chat.models import Conversation, Message
from apps.market.tests.factories import make_deal, make_listing
from apps.notifications.preferences import preferences_update
from apps.notifications.zones import user_zone_name, zone_for_city

# 09:07 UTC: 14:07 in Almaty (UTC+5), 12:07 in Moscow (UTC+3), 16:07 in Novosibirsk (UTC+7).
AT = datetime(2026, 11, 3, 9, 7, tzinfo=UTC)


@pytest.fixture
def chat(client, owner, other):
    listing = make_listing(owner)
    client.force_login(other)
    client.get(f"/chat/start/{listing.pk}/")
    conv = Conversation.objects.get()
    client.post(f"/chat/conversation/{conv.pk}/", {"content": "Привет"})
    Message.objects.update(created_at=AT)
    client.logout()
    return conv


def test_city_defaults():
    assert zone_for_city("Алматы") == "Asia/Almaty"
    assert zone_for_city("Астана") == "Asia/Almaty"
    assert zone_for_city(" москва ") == "Europe/Moscow"
    assert zone_for_city("Новосибирск") == "Asia/Novosibirsk"
    assert zone_for_city("Атлантида") is None


def test_zone_comes_from_setting_then_city_then_site(owner, settings):
    assert user_zone_name(owner) == "Asia/Almaty"  # city Алматы
    owner.city = "Екатеринбург"
    owner.save(update_fields=["city"])
    assert user_zone_name(owner) == "Asia/Yekaterinburg"
    preferences_update(user=owner, time_zone="Europe/Moscow")
    assert user_zone_name(owner) == "Europe/Moscow"


def test_chat_time_follows_the_readers_city(client, owner, other, chat):
    other.city = "Москва"
    other.save(update_fields=["city"])
    client.force_login(other)
    page = client.get(f"/chat/conversation/{chat.pk}/").content.decode()
    assert 'data-tz="Europe/Moscow"' in page
    assert ">12:07" in page and ">14:07" not in page
    client.force_login(owner)  # Алматы
    page = client.get(f"/chat/conversation/{chat.pk}/").content.decode()
    assert 'data-tz="Asia/Almaty"' in page and ">14:07" in page


def test_changing_the_setting_moves_chat_and_deal_times_together(client, owner, other, chat):
    deal = make_deal(make_listing(owner, title="Второй"), other)
    type(deal).objects.filter(pk=deal.pk).update(created_at=AT)
    client.force_login(other)
    client.get("/")  # the zone is cached now; the setting must drop the cached one
    preferences_update(user=other, time_zone="Asia/Novosibirsk")
    chat_page = client.get(f"/chat/conversation/{chat.pk}/").content.decode()
    deal_page = client.get(f"/transactions/purchase-request/{deal.pk}/").content.decode()
    assert 'data-tz="Asia/Novosibirsk"' in chat_page and ">16:07" in chat_page
    assert "16:07" in deal_page and "14:07" not in deal_page


def test_anonymous_pages_use_the_site_zone(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'data-tz="Asia/Almaty"' in page
