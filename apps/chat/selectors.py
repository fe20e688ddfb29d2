"""Reads on chat: the participant gate, the conversation list with unread counts."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.chat.models import Conversation, ConversationParticipant, Message
from apps.common.errors import NotFound

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def conversation_get_for(*, user: User, pk: int) -> Conversation:
    """The access gate: participants only; everyone else gets 404."""
    if not user.is_authenticated:
        raise NotFound("Беседа не найдена", code="conversation_not_found")
    conversation = (
        Conversation.objects.filter(pk=pk, participants__user=user)
        .select_related("listing")
        .prefetch_related("participants__user")
        .first()
    )
    if conversation is None:
        raise NotFound("Беседа не найдена", code="conversation_not_found")
    return conversation


def conversation_find_for_listing(*, listing_id: int, buyer: User) -> Conversation | None:
    from apps.chat.services import listing_topic_key

    return Conversation.objects.filter(
        topic_key=listing_topic_key(listing_id=listing_id, buyer_id=buyer.pk)
    ).first()


def _unread_subquery(user: User) -> Subquery:
    unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation"), created_at__gt=OuterRef("read_mark")
        )
        .exclude(sender=user)
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


def conversation_list_for(*, user: User) -> QuerySet[ConversationParticipant]:
    """The user's conversations that have messages, newest activity first.

    Rows are the user's participations, annotated with `unread`, `last_content`,
    `last_sender_id` and `last_at`; `row.conversation` is the conversation.
    """
    last = Message.objects.filter(conversation=OuterRef("conversation")).order_by(
        "-created_at", "-pk"
    )
    return (
        ConversationParticipant.objects.filter(user=user)
        .filter(Exists(Message.objects.filter(conversation=OuterRef("conversation"))))
        .select_related("conversation", "conversation__listing")
        .prefetch_related("conversation__participants__user")
        .annotate(read_mark=Coalesce("last_read_at", Value(_EPOCH, output_field=DateTimeField())))
        .annotate(
            unread=_unread_subquery(user),
            last_content=Subquery(last.values("content")[:1]),
            last_sender_id=Subquery(last.values("sender_id")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
        )
        .order_by("-conversation__updated_at", "-conversation_id")
    )


def unread_message_count(*, user: User) -> int:
    """Unread messages across all the user's conversations (the header badge)."""
    if not user.is_authenticated:
        return 0
    parts = ConversationParticipant.objects.filter(
        user=user, conversation_id=OuterRef("conversation_id")
    ).filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=OuterRef("created_at")))
    return Message.objects.filter(Exists(parts)).exclude(sender=user).count()


def message_list(
    *, conversation: Conversation, after_id: int | None = None, limit: int = 200
) -> list[Message]:
    """Messages oldest first: the last `limit` ones, or those after `after_id` (polling)."""
    qs = conversation.messages.select_related("sender")
    if after_id is not None:
        return list(qs.filter(pk__gt=after_id).order_by("pk")[:limit])
    newest = list(qs.order_by("-created_at", "-pk")[:limit])
    return newest[::-1]


def other_participants(*, conversation: Conversation, user: User) -> list[User]:
    return [p.user for p in conversation.participants.all() if p.user_id != user.pk]
