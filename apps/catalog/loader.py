"""Idempotent loading of the v6 taxonomy and the LootLink games from the repo's data files."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"

GAME_DESCRIPTIONS = {
    "cs2": "Counter-Strike 2: скины оружия, ножи, перчатки, кейсы и аккаунты с праймом.",
    "dota-2": "Dota 2: сеты на героев, арканы, курьеры, аккаунты с рейтингом и буст MMR.",
    "valorant": "Valorant: аккаунты с редкими скинами, Valorant Points и буст ранга.",
    "wow": "World of Warcraft: золото, персонажи, маунты, прохождение рейдов и подземелий.",
    "genshin": "Genshin Impact: аккаунты с персонажами пяти звёзд, кристаллы сотворения.",
    "fifa-24": "EA Sports FC / FIFA 24: монеты Ultimate Team, аккаунты с составами.",
    "fortnite": "Fortnite: аккаунты с редкими скинами, V-Bucks и боевые пропуска.",
    "lol": "League of Legends: аккаунты с чемпионами и образами, RP и буст дивизиона.",
    "csgo": "CS:GO: наследие старых скинов, аккаунты с медалями и историей матчей.",
    "minecraft": "Minecraft: лицензионные аккаунты, донат на серверах, постройки и моды.",
    "rust": "Rust: скины, ресурсы на серверах, аккаунты и помощь в вайпе.",
}


def _read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_categories(apps=None) -> int:
    """Create or update the v6 categories; return how many categories the version has."""
    if apps is None:
        from apps.catalog.models import Category, CategoryVersion
    else:  # inside a migration: historical models
        Category = apps.get_model("catalog", "Category")
        CategoryVersion = apps.get_model("catalog", "CategoryVersion")
    data = _read("categories_v6.json")
    CategoryVersion.objects.exclude(version=data["version"]).filter(is_active=True).update(
        is_active=False
    )
    version, _ = CategoryVersion.objects.update_or_create(
        version=data["version"],
        defaults={"description": data.get("description", ""), "is_active": True},
    )
    count = 0
    for key, items in data["categories"].items():
        for item in items:
            Category.objects.update_or_create(
                version=version,
                exchange_type=key.upper(),
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "group": item["group"],
                    "emoji": item.get("emoji", ""),
                    "sort_order": item.get("sort_order", 0),
                    "form_schema": item.get("form_schema"),
                },
            )
            count += 1
    return count


@transaction.atomic
def load_games(apps=None) -> int:
    if apps is None:
        from apps.catalog.models import Game
    else:
        Game = apps.get_model("catalog", "Game")
    data = _read("games.json")
    kinds = data.get("item_kinds", [])
    for order, game in enumerate(data["games"]):
        Game.objects.update_or_create(
            slug=game["slug"],
            defaults={
                "name": game["name"],
                "description": GAME_DESCRIPTIONS.get(game["slug"], ""),
                "item_kinds": kinds,
                "sort_order": order,
            },
        )
    return len(data["games"])
