"""Event kinds: notification types grouped the way users choose what reaches them.

A preference is per kind and channel. Any notification type is deliverable: an unknown type
falls into its prefix's kind (`dispute_*` -> disputes, `deal_*` -> deals, ...) or into "other".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from apps.notifications.models import Channel


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    site: bool = True
    telegram: bool = True
    email: bool = True

    def default(self, channel: str) -> bool:
        return getattr(self, channel)


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("proposals", _("Новые предложения обмена")),
        Kind("proposal_updates", _("Ход обменов: ответы, подтверждение, завершение")),
        Kind("deals", _("Сделки LootLink")),
        # Batched on Telegram: one message per conversation per NOTIFY_CHAT_BATCH_MINUTES.
        Kind("messages", _("Сообщения в чатах"), email=False),
        Kind("disputes", _("Споры")),
        Kind("reviews", _("Отзывы и оценки"), email=False),
        # LootLink favourites (price drops) and saved searches (new listings): uimarket
        Kind("watchlist", _("Избранное и сохранённые поиски")),
        Kind("other", _("Прочее"), telegram=False, email=False),
    ]
}

TYPE_KIND = {
    "bilateral_match": "proposals",
    "chain_proposed": "proposals",
    "new_message": "messages",
    "new_review": "reviews",
    "rating_received": "reviews",
}
PREFIX_KIND = [
    ("proposal_", "proposal_updates"),
    ("deal_", "deals"),
    ("dispute", "disputes"),
    ("watch_", "watchlist"),
]
# Types whose Telegram message carries the "Принять" / "Отказаться" buttons.
PROPOSAL_TYPES = {"bilateral_match", "chain_proposed"}
CHANNELS = [Channel.SITE, Channel.TELEGRAM, Channel.EMAIL]


def kind_of(type_: str) -> str:
    if type_ in TYPE_KIND:
        return TYPE_KIND[type_]
    for prefix, kind in PREFIX_KIND:
        if type_.startswith(prefix):
            return kind
    return "other"
