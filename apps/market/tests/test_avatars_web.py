"""Avatars everywhere a person is shown: the uploaded picture instead of the initial."""

from apps.chat.models import Conversation, ConversationParticipant, Message
from apps.market.tests.factories import HTML, make_deal, make_listing, make_review


def _with_avatar(user, name="avatars/2026/11/face.png"):
    user.avatar = name
    user.save(update_fields=["avatar"])
    return user


def test_listing_card_shows_the_sellers_avatar(client, owner):
    _with_avatar(owner)
    make_listing(owner, title="Нож")
    body = client.get("/", **HTML).content.decode()
    assert '<span class="avatar avatar-xs"><img src="/media/avatars/2026/11/face.png"' in body


def test_card_falls_back_to_the_initial(client, owner):
    make_listing(owner, title="Нож")
    body = client.get("/", **HTML).content.decode()
    assert '<span class="avatar avatar-xs">O</span>' in body


def test_listing_page_and_reviews_show_avatars(client, owner, other):
    _with_avatar(owner, "avatars/s.png")
    _with_avatar(other, "avatars/b.png")
    listing = make_listing(owner)
    deal = make_deal(listing, other, status="completed")
    make_review(deal, other)
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert 'src="/media/avatars/s.png"' in body
    profile = client.get(f"/accounts/profile/{owner.username}/", **HTML).content.decode()
    assert 'src="/media/avatars/b.png"' in profile  # the reviewer's face on the review


def test_chat_and_deal_show_avatars(client, owner, other):
    _with_avatar(owner, "avatars/s.png")
    listing = make_listing(owner)
    conv = Conversation.objects.create(listing=listing)
    ConversationParticipant.objects.create(conversation=conv, user=owner)
    ConversationParticipant.objects.create(conversation=conv, user=other)
    Message.objects.create(conversation=conv, sender=owner, content="Привет")
    deal = make_deal(listing, other)
    client.force_login(other)
    assert 'src="/media/avatars/s.png"' in client.get("/chat/", **HTML).content.decode()
    assert (
        'src="/media/avatars/s.png"'
        in client.get(f"/chat/conversation/{conv.pk}/", **HTML).content.decode()
    )
    assert (
        'src="/media/avatars/s.png"' in client.get(deal.get_absolute_url(), **HTML).content.decode()
    )
