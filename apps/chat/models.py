"""Conversations: two-party chats about a LootLink listing and group chats keyed by a topic.

A listing chat has `topic_key = "listing:<listing_id>:<buyer_id>"`, so one mechanism (a unique
key) makes both `/chat/start/<listing_id>/` and FreeMarket's chain chats idempotent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def chat_image_path(instance: Message, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"chat/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class ParticipantRole(models.TextChoices):
    BUYER = "buyer", _("Покупатель")  # participant1 of a listing chat: who started it
    SELLER = "seller", _("Продавец")  # participant2 of a listing chat
    MEMBER = "member", _("Участник")  # a member of a group chat


class Conversation(models.Model):
    listing = models.ForeignKey(
        "market.Listing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    topic_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    title = models.CharField(max_length=200, blank=True)
    is_group = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # bumped on every message

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("беседа")
        verbose_name_plural = _("беседы")

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("chat:conversation", args=[self.pk])

    def _by_role(self, role: str):
        for part in self.participants.all():
            if part.role == role:
                return part.user
        return None

    @property
    def participant1(self):
        """The buyer who started a listing chat (the contract's participant1)."""
        return self._by_role(ParticipantRole.BUYER)

    @property
    def participant2(self):
        """The seller of a listing chat (the contract's participant2)."""
        return self._by_role(ParticipantRole.SELLER)


class ConversationParticipant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations"
    )
    role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    # Unread = messages by others created after this moment (None: nothing read yet).
    last_read_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="chat_participant_unique")
        ]
        indexes = [models.Index(fields=["user", "conversation"], name="chat_part_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    content = models.TextField(_("сообщение"), max_length=4000)
    # An attached picture, checked and re-encoded like listing photos; served only to the
    # conversation's participants (chat:attachment), never by a public media URL in the page.
    image = models.ImageField(upload_to=chat_image_path, max_length=255, blank=True)
    # Meaningful for two-party chats: the other participant has seen it.
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="chat_msg_conv_created"),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id}: {self.content[:40]}"
