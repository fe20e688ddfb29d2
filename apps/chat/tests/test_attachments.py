"""Image attachments in chat: checked and re-encoded, shown to the participants only."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.chat.models import Conversation, ConversationParticipant, Message
from apps.market.tests.factories import HTML, image_bytes, make_listing
from apps.notifications.models import Notification

JSON = {"HTTP_ACCEPT": "application/json"}


def _conversation(owner, other):
    conv = Conversation.objects.create(listing=make_listing(owner))
    ConversationParticipant.objects.create(conversation=conv, user=owner)
    ConversationParticipant.objects.create(conversation=conv, user=other)
    return conv


def _jpeg_with_exif():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    Image.new("RGB", (80, 60), (9, 9, 9)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), "image/jpeg")


def test_buyer_sends_a_picture_and_the_seller_sees_it(client, owner, other):
    conv = _conversation(owner, other)
    client.force_login(other)
    url = f"/chat/conversation/{conv.pk}/"
    r = client.post(url, {"content": "", "image": _jpeg_with_exif()}, **JSON)
    assert r.status_code == 201
    data = r.json()["message"]
    message = Message.objects.get()
    assert data["image_url"] == f"/chat/attachment/{message.pk}/"
    assert message.content == ""
    stored = Image.open(message.image.path)
    assert not stored.getexif()  # re-encoded, metadata dropped
    note = Notification.objects.get(user=owner, type="new_message")
    assert "📷 Фото" in note.message

    client.force_login(owner)
    body = client.get(url, **HTML).content.decode()
    assert f'src="/chat/attachment/{message.pk}/"' in body
    picture = client.get(f"/chat/attachment/{message.pk}/")
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


def test_outsider_cannot_fetch_a_chat_picture(client, owner, other, outsider):
    conv = _conversation(owner, other)
    client.force_login(other)
    client.post(f"/chat/conversation/{conv.pk}/", {"image": _jpeg_with_exif()}, **JSON)
    message = Message.objects.get()
    client.force_login(outsider)
    assert client.get(f"/chat/attachment/{message.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/chat/attachment/{message.pk}/").status_code == 302  # to login


def test_a_fake_picture_is_refused_and_nothing_is_sent(client, owner, other):
    conv = _conversation(owner, other)
    client.force_login(other)
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", "image/png")
    r = client.post(f"/chat/conversation/{conv.pk}/", {"content": "смотри", "image": fake}, **JSON)
    assert r.status_code == 400
    assert "не является корректным изображением" in r.json()["detail"]
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_text_and_picture_together_without_javascript(client, owner, other):
    conv = _conversation(owner, other)
    client.force_login(other)
    png = SimpleUploadedFile("p.png", image_bytes(), "image/png")
    r = client.post(f"/chat/conversation/{conv.pk}/", {"content": "Вот скрин", "image": png})
    assert r.status_code == 302
    message = Message.objects.get()
    assert message.content == "Вот скрин" and message.image.name.endswith(".png")


def test_an_empty_message_without_picture_is_still_refused(client, owner, other):
    conv = _conversation(owner, other)
    client.force_login(other)
    r = client.post(f"/chat/conversation/{conv.pk}/", {"content": "  "}, **JSON)
    assert r.status_code == 400
    assert not Message.objects.exists()
