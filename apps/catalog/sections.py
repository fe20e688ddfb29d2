"""LootLink game sections: what a section is (its kind) and which attributes matter in it.

games.json names sections freely per game ("Аккаунты", "Робуксы", "Буст MMR", "Ключи"...).
Every section gets one of a few kinds; the kind decides which listing attributes the seller
fills in and the buyer filters by (server/region, quantity, delivery time, platform).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

ACCOUNTS, CURRENCY, ITEMS, BOOSTING, KEYS, SERVICES, OTHER = (
    "accounts",
    "currency",
    "items",
    "boosting",
    "keys",
    "services",
    "other",
)
KIND_CHOICES = [
    (ACCOUNTS, _("Аккаунты")),
    (CURRENCY, _("Валюта")),
    (ITEMS, _("Предметы")),
    (BOOSTING, _("Буст")),
    (KEYS, _("Ключи и подписки")),
    (SERVICES, _("Услуги")),
    (OTHER, _("Прочее")),
]
KIND_LABELS = dict(KIND_CHOICES)

SERVER, QUANTITY, DELIVERY, PLATFORM = "server", "quantity", "delivery_minutes", "platform"
# The attributes a seller is asked for, per kind (all optional: old listings have none).
KIND_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    ACCOUNTS: (SERVER, PLATFORM, DELIVERY),
    CURRENCY: (SERVER, QUANTITY, DELIVERY),
    ITEMS: (SERVER, QUANTITY, PLATFORM, DELIVERY),
    BOOSTING: (SERVER, PLATFORM, DELIVERY),
    KEYS: (SERVER, PLATFORM, DELIVERY),
    SERVICES: (SERVER, DELIVERY),
    OTHER: (SERVER, PLATFORM, QUANTITY, DELIVERY),
}

PLATFORM_CHOICES = [
    ("pc", _("ПК")),
    ("playstation", "PlayStation"),
    ("xbox", "Xbox"),
    ("switch", "Nintendo Switch"),
    ("mobile", _("Телефон")),
]
DELIVERY_CHOICES = [
    (5, _("Моментально")),
    (60, _("До часа")),
    (1440, _("До суток")),
    (4320, _("До трёх дней")),
]

# Names that say outright what the section is; the rest go through the keyword rules below.
_EXACT = {
    "аккаунты": ACCOUNTS,
    "аккаунты с играми": ACCOUNTS,
    "предметы": ITEMS,
    "скины": ITEMS,
    "экипировка": ITEMS,
    "кейсы": ITEMS,
    "наборы": ITEMS,
    "прочее": OTHER,
    "прочие игры": OTHER,
    "услуги": SERVICES,
    "обучение": SERVICES,
    "гайды": SERVICES,
    "билды": SERVICES,
    "реклама": SERVICES,
}
_RULES: list[tuple[str, str]] = [
    (
        r"буст|прокачк|рейд|подземель|калибровк|квест|достижени|pvp|pve|фарм|вылазк|завоевани"
        r"|боссы|экспедици|исследовани|репутаци|профессии|квалификаци|лбз|отмыв",
        BOOSTING,
    ),
    (
        r"ключ|активаци|game pass|подписк|пропуск|pass\b|premium|премиум|prime|plus|nitro"
        r"|twitch|kick drops|подарочн|пополнени|ваучер|промокод|бонус-код|eshop|online|ea play"
        r"|смена региона|предзаказ|founder",
        KEYS,
    ),
    (
        r"услуг|рефералы|инвайты|кланы|гильдии|сообщества|группы|каналы|серверы|моды|конфиги"
        r"|шаблоны|ресурс-паки|аддоны|расстановка|юзернеймы",
        SERVICES,
    ),
    (
        r"предмет|скин|экипиров|карточк|стикер|плащи|обои|корабли|флоты|растения|руны|украшени",
        ITEMS,
    ),
]


def section_kind(name: str) -> str:
    """The kind of a section named `name` (currency when nothing else fits: "Робуксы", "UC")."""
    low = name.strip().lower()
    if low in _EXACT:
        return _EXACT[low]
    for pattern, kind in _RULES:
        if re.search(pattern, low):
            return kind
    return CURRENCY


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "c",
            "ch",
            "sh",
            "sch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def slug_for(name: str, max_length: int = 64) -> str:
    """An ASCII slug for a game or section name ("Прочие игры" -> "prochie-igry")."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in name.lower()).replace("_", "")
    out = re.sub(r"[^a-z0-9]+", "-", out).strip("-")
    return (out or "section")[:max_length].strip("-")
