"""Writes on chat: start a listing chat, group chats by topic, send, mark read."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from apps.accounts.blocks import users_blocked
from apps.accounts.models import User
from apps.chat.models import Conversation, ConversationParticipant, Message, ParticipantRole
from apps.common.errors import InvalidState, PermissionDenied, ValidationFailed
from apps.market.images import image_process
from apps.market.models import Listing
from apps.notifications.models import Notification
from apps.notifications.services import notify

MAX_MESSAGE = 4000
UNAVAILABLE = "Собеседник сейчас недоступен: сообщение не отправлено"


def listing_topic_key(*, listing_id: int, buyer_id: int) -> str:
    return f"listing:{listing_id}:{buyer_id}"


def _get_or_create(
    *, topic_key: str, defaults: dict, members: Iterable[tuple[User, str]]
) -> tuple[Conversation, bool]:
    """Idempotent by the unique topic_key: a concurrent twin loses the insert and reads it."""
    conversation = Conversation.objects.filter(topic_key=topic_key).first()
    created = False
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(topic_key=topic_key, **defaults)
                created = True
        except IntegrityError:
            conversation = Conversation.objects.get(topic_key=topic_key)
    present = set(conversation.participants.values_list("user_id", flat=True))
    for user, role in members:
        if user.pk not in present:
            ConversationParticipant.objects.get_or_create(
                conversation=conversation, user=user, defaults={"role": role}
            )
            present.add(user.pk)
    return conversation, created


def conversation_start_for_listing(*, listing: Listing, buyer: User) -> Conversation:
    """The buyer's chat with the seller about a listing, created on first use."""
    if listing.seller_id == buyer.pk:
        raise PermissionDenied("Нельзя написать самому себе о своём объявлении", code="own_listing")
    if users_blocked(listing.seller_id, buyer.pk):
        raise InvalidState(UNAVAILABLE, code="chat_unavailable")
    conversation, _ = _get_or_create(
        topic_key=listing_topic_key(listing_id=listing.pk, buyer_id=buyer.pk),
        defaults={"listing": listing, "title": listing.title},
        members=[(buyer, ParticipantRole.BUYER), (listing.seller, ParticipantRole.SELLER)],
    )
    return conversation


def conversation_get_or_create_group(
    *, topic_key: str, users: list[User], title: str
) -> Conversation:
    """A group chat for a topic (e.g. "proposal:42"); missing users are added as members.

    Idempotent: calling it again with the same key returns the same conversation.
    """
    if not topic_key or len(topic_key) > 100:
        raise ValidationFailed("Некорректный ключ беседы", code="bad_topic_key")
    conversation, _ = _get_or_create(
        topic_key=topic_key,
        defaults={"title": title[:200], "is_group": True},
        members=[(user, ParticipantRole.MEMBER) for user in users],
    )
    return conversation


def conversation_mark_read(
    *, conversation: Conversation, user: User, up_to: Message | None = None
) -> int:
    """Mark what `user` has seen as read (everything, or up to a message); returns how many."""
    messages = conversation.messages.filter(is_read=False).exclude(sender=user)
    mark = up_to.created_at if up_to is not None else timezone.now()
    if up_to is not None:
        messages = messages.filter(pk__lte=up_to.pk)
    count = messages.update(is_read=True)
    ConversationParticipant.objects.filter(
        conversation=conversation, user=user, last_read_at__isnull=True
    ).update(last_read_at=mark)
    ConversationParticipant.objects.filter(conversation=conversation, user=user).update(
        last_read_at=Greatest(F("last_read_at"), mark)
    )
    return count


def _notify_recipients(conversation: Conversation, message: Message) -> None:
    # One unread "new message" notification per conversation is enough: no flood per line.
    recipients = conversation.participants.exclude(user_id=message.sender_id).values_list(
        "user_id", flat=True
    )
    already = set(
        Notification.objects.filter(
            user_id__in=list(recipients),
            type="new_message",
            read=False,
            payload__conversation_id=conversation.pk,
        ).values_list("user_id", flat=True)
    )
    preview = message.content if len(message.content) <= 80 else message.content[:79] + "…"
    if message.image and not preview:
        preview = "📷 Фото"
    topic = f" («{conversation.title}»)" if conversation.title else ""
    for user_id in recipients:
        if user_id in already:
            continue
        notify(
            user_id=user_id,
            type="new_message",
            payload={
                "message": f"Новое сообщение от {message.sender.username}{topic}: {preview}",
                "url": conversation.get_absolute_url(),
                "conversation_id": conversation.pk,
                "message_id": message.pk,
            },
        )


def message_send(
    *,
    conversation: Conversation,
    sender: User,
    content: str,
    image: UploadedFile | None = None,
) -> Message:
    """Post a message (text, a picture or both); the sender's unread messages here become
    read, the others are notified. A picture is checked and re-encoded before the transaction."""
    content = (content or "").strip()
    if not content and image is None:
        raise ValidationFailed("Сообщение не может быть пустым", code="empty_message")
    if len(content) > MAX_MESSAGE:
        raise ValidationFailed(f"Сообщение длиннее {MAX_MESSAGE} символов", code="long_message")
    picture = image_process(image, thumb_size=(8, 8)).image if image is not None else None
    return _message_save(conversation=conversation, sender=sender, content=content, picture=picture)


@transaction.atomic
def _message_save(
    *, conversation: Conversation, sender: User, content: str, picture: ContentFile | None
) -> Message:
    if not conversation.participants.filter(user=sender).exists():
        raise PermissionDenied("Вы не участник этой беседы", code="not_participant")
    others = conversation.participants.exclude(user=sender).values_list("user_id", flat=True)
    if not conversation.is_group and any(users_blocked(sender.pk, uid) for uid in others):
        # the same words whichever side blocked: the blocked one is not told
        raise InvalidState(UNAVAILABLE, code="chat_unavailable")
    message = Message(conversation=conversation, sender=sender, content=content)
    if picture is not None:
        message.image.save(picture.name, picture, save=False)
    message.save()
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=message.created_at)
    conversation_mark_read(conversation=conversation, user=sender, up_to=message)
    _notify_recipients(conversation, message)
    return message
