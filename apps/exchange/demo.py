"""A small, living demo market for `make run` (embedded default). Idempotent: keyed by username."""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User, UserLocation
from apps.exchange.models import ListingItem
from apps.exchange.services import ItemDraft, listing_create

DEMO_PASSWORD = "demo-pass-2026"

# username, full name, cities, wants, offers — (type, name, value, days or None, category)
DEMO_USERS = [
    (
        "aigerim",
        "Айгерим Садыкова",
        ["Алматы"],
        [("PERMANENT", "Учебник по Python", 15000, None, "physical_media")],
        [("PERMANENT", "Детский велосипед", 16000, None, "personal_transport")],
    ),
    (
        "bolat",
        "Болат Ержанов",
        ["Алматы", "Астана"],
        [("PERMANENT", "Детский велосипед", 15000, None, "personal_transport")],
        [("PERMANENT", "Настольная игра Каркассон", 14000, None, "games_collectibles")],
    ),
    (
        "dana",
        "Дана Ахметова",
        ["Алматы"],
        [("PERMANENT", "Настольная игра Каркассон", 13000, None, "games_collectibles")],
        [("PERMANENT", "Книга «Изучаем Python»", 14000, None, "physical_media")],
    ),
    (
        "erlan",
        "Ерлан Жумабаев",
        ["Астана"],
        [("TEMPORARY", "Палатка на выходные", 6000, 3, "sports_equipment")],
        [("TEMPORARY", "Перфоратор Bosch", 7000, 3, "hand_tools")],
    ),
    (
        "gulnara",
        "Гульнара Ким",
        ["Астана"],
        [("TEMPORARY", "Дрель или перфоратор", 6500, 2, "hand_tools")],
        [("TEMPORARY", "Туристическая палатка", 6000, 3, "sports_equipment")],
    ),
    (
        "timur",
        "Тимур Оспанов",
        ["Шымкент"],
        [("PERMANENT", "Электросамокат", 90000, None, "electric_vehicles")],
        [("PERMANENT", "Фотоаппарат Canon", 85000, None, "photo_equipment")],
    ),
    (
        "saule",
        "Сауле Нурланова",
        ["Шымкент", "Алматы"],
        [("PERMANENT", "Фотоаппарат", 80000, None, "photo_equipment")],
        [("PERMANENT", "Плед и подушки", 12000, None, "decor_textiles")],
    ),
]


@transaction.atomic
def load_demo() -> int:
    """Create the demo users and their wants/offers if missing; return how many were created."""
    created = 0
    for username, full_name, cities, wants, offers in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=f"demo_{username}",
            defaults={
                "full_name": full_name,
                "city": cities[0],
                "email": f"demo_{username}@example.com",
                "telegram_contact": f"@demo_{username}",
            },
        )
        if not was_created:
            continue
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        for city in cities:
            UserLocation.objects.get_or_create(user=user, city=city)
        drafts = [
            ItemDraft(
                item_type=kind,
                exchange_type=etype,
                item_name=name,
                value_tenge=value,
                duration_days=days,
                category=category,
            )
            for kind, rows in (("WANT", wants), ("OFFER", offers))
            for etype, name, value, days, category in rows
        ]
        listing_create(user=user, drafts=drafts)
        created += 1
    return created


def demo_item_count() -> int:
    return ListingItem.objects.filter(user__username__startswith="demo_").count()
