import pytest

from apps.chat.models import Conversation, ConversationParticipant, Message
from apps.chat.selectors import unread_message_count
from apps.chat.services import conversation_get_or_create_group, message_send
from apps.market.tests.factories import make_listing
from apps.notifications.models import Notification


@pytest.fixture
def listing(owner):
    return make_listing(owner)


@pytest.fixture
def conv(client, other, listing):
    """`other` (buyer) started a chat about `owner`'s listing."""
    client.force_login(other)
    client.get(f"/chat/start/{listing.pk}/")
    client.logout()
    return Conversation.objects.get()


def test_start_creates_conversation_and_reuses_it(client, owner, other, listing):
    client.force_login(other)
    r = client.get(f"/chat/start/{listing.pk}/")
    conv = Conversation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/chat/conversation/{conv.pk}/"
    assert (conv.participant1, conv.participant2, conv.listing) == (other, owner, listing)
    again = client.get(f"/chat/start/{listing.pk}/")
    assert again["Location"] == r["Location"]
    assert Conversation.objects.count() == 1
    assert not Notification.objects.exists()


def test_start_needs_login(client, listing):
    r = client.get(f"/chat/start/{listing.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not Conversation.objects.exists()


def test_seller_cannot_start_chat_with_self(client, owner, listing):
    client.force_login(owner)
    assert client.get(f"/chat/start/{listing.pk}/").status_code == 403
    assert not Conversation.objects.exists()


def test_start_for_unknown_listing_returns_404(client, other):
    client.force_login(other)
    assert client.get("/chat/start/999999/").status_code == 404


def test_participants_chat_and_recipient_is_notified(client, owner, other, conv):
    client.force_login(other)
    r = client.post(f"/chat/conversation/{conv.pk}/", {"content": "Привет! Ещё продаёте?"})
    assert r.status_code == 302
    msg = Message.objects.get()
    assert (msg.sender, msg.content, msg.is_read) == (other, "Привет! Ещё продаёте?", False)
    note = Notification.objects.get(user=owner, type="new_message")
    assert note.payload["url"] == f"/chat/conversation/{conv.pk}/"
    client.force_login(owner)
    body = client.get(f"/chat/conversation/{conv.pk}/").content.decode()
    assert "Привет! Ещё продаёте?" in body
    msg.refresh_from_db()
    assert msg.is_read


def test_unread_messages_are_notified_once_per_conversation(owner, other, conv):
    for text in ("раз", "два", "три"):
        message_send(conversation=conv, sender=other, content=text)
    assert Notification.objects.filter(user=owner, type="new_message").count() == 1


def test_outsider_cannot_read_or_post_and_changes_nothing(client, outsider, other, conv):
    message_send(conversation=conv, sender=other, content="секрет")
    client.force_login(outsider)
    assert client.get(f"/chat/conversation/{conv.pk}/").status_code == 404
    assert client.post(f"/chat/conversation/{conv.pk}/", {"content": "влезу"}).status_code == 404
    assert client.get(f"/chat/conversation/{conv.pk}/messages/?after=0").status_code == 404
    assert list(Message.objects.values_list("content", "is_read")) == [("секрет", False)]
    assert not ConversationParticipant.objects.filter(user=outsider).exists()


def test_empty_message_is_refused(client, other, conv):
    client.force_login(other)
    r = client.post(f"/chat/conversation/{conv.pk}/", {"content": "   "})
    assert r.status_code == 400
    assert not Message.objects.exists()


def test_list_shows_last_message_and_unread_count(client, owner, other, conv):
    message_send(conversation=conv, sender=other, content="первое")
    message_send(conversation=conv, sender=other, content="второе сообщение")
    client.force_login(owner)
    r = client.get("/chat/")
    row = r.context["page"].object_list[0]
    assert (row.unread, row.last_content) == (2, "второе сообщение")
    assert "второе сообщение" in r.content.decode()
    assert unread_message_count(user=owner) == 2
    client.get(f"/chat/conversation/{conv.pk}/")
    assert client.get("/chat/").context["page"].object_list[0].unread == 0
    assert unread_message_count(user=owner) == 0


def test_sending_marks_the_senders_unread_as_read(client, owner, other, conv):
    message_send(conversation=conv, sender=other, content="вопрос")
    client.force_login(owner)
    client.post(f"/chat/conversation/{conv.pk}/", {"content": "ответ"})
    assert Message.objects.get(content="вопрос").is_read
    assert unread_message_count(user=owner) == 0
    assert unread_message_count(user=other) == 1


def test_poll_returns_new_messages_as_json_and_marks_them_read(client, owner, other, conv):
    first = message_send(conversation=conv, sender=other, content="один")
    second = message_send(conversation=conv, sender=other, content="два")
    client.force_login(owner)
    data = client.get(f"/chat/conversation/{conv.pk}/messages/", {"after": first.pk}).json()
    assert [m["content"] for m in data["messages"]] == ["два"]
    assert data["last_id"] == second.pk
    assert data["messages"][0]["created_at"].endswith("Z")
    assert data["messages"][0]["is_mine"] is False
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_read and first.is_read


def test_send_via_fetch_returns_json(client, other, conv):
    client.force_login(other)
    r = client.post(
        f"/chat/conversation/{conv.pk}/", {"content": "json!"}, HTTP_ACCEPT="application/json"
    )
    assert r.status_code == 201
    assert r.json()["message"]["content"] == "json!"


def test_conversation_page_escapes_html(client, owner, other, conv):
    message_send(conversation=conv, sender=other, content="<script>alert(1)</script>")
    client.force_login(owner)
    body = client.get(f"/chat/conversation/{conv.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_group_conversation_is_idempotent_and_for_members_only(client, owner, other, outsider):
    conv = conversation_get_or_create_group(
        topic_key="proposal:42", users=[owner, other], title="Цепочка обмена №42"
    )
    same = conversation_get_or_create_group(
        topic_key="proposal:42", users=[owner, other], title="другое"
    )
    assert same.pk == conv.pk and conv.is_group
    assert conv.participants.count() == 2
    message_send(conversation=conv, sender=owner, content="Всем привет")
    client.force_login(other)
    r = client.get(f"/chat/conversation/{conv.pk}/")
    assert r.status_code == 200 and "Цепочка обмена №42" in r.content.decode()
    client.force_login(outsider)
    assert client.get(f"/chat/conversation/{conv.pk}/").status_code == 404


def test_group_conversation_adds_new_members(owner, other, outsider):
    conversation_get_or_create_group(topic_key="proposal:7", users=[owner, other], title="T")
    conv = conversation_get_or_create_group(
        topic_key="proposal:7", users=[owner, other, outsider], title="T"
    )
    assert set(conv.participants.values_list("user__username", flat=True)) == {
        "owner",
        "other",
        "outsider",
    }


def test_chat_list_needs_login(client, db):
    r = client.get("/chat/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
