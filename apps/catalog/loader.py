"""Idempotent loading of the v6 taxonomy and the LootLink games from the repo's data files."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from apps.catalog.sections import section_kind, slug_for

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


FEATURED_ORDER_LIMIT = 100  # games.json's "games" (featured) get sort_order below this


def _unique_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = base[: 64 - len(suffix)] + suffix, n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def load_game_catalog(apps=None) -> tuple[int, int]:
    """Every game of games.json's `catalog` with its sections; idempotent, in bulk.

    Featured games (the `games` list) keep their slug and order; a catalogue entry with the
    same name is merged into them. Existing games and sections are updated, never duplicated;
    sections that vanished from the file stay (listings may point at them).
    Returns (games, sections) in the catalogue.
    """
    if apps is None:
        from apps.catalog.models import Game, Section
    else:
        Game = apps.get_model("catalog", "Game")
        Section = apps.get_model("catalog", "Section")
    data = _read("games.json")
    entries = data.get("catalog", [])
    default_kinds = data.get("item_kinds", [])
    games = {g.name: g for g in Game.objects.all()}
    slugs = {g.slug for g in games.values()}
    new, changed = [], []
    for entry in entries:
        game = games.get(entry["name"])
        if game is None:
            slug = _unique_slug(slug_for(entry["name"]) or "game", slugs)
            game = Game(name=entry["name"], slug=slug, item_kinds=entry["kinds"], sort_order=1000)
            new.append(game)
            games[game.name] = game
        elif game.item_kinds != entry["kinds"]:
            game.item_kinds = entry["kinds"]
            changed.append(game)
    Game.objects.bulk_create(new)
    Game.objects.bulk_update(changed, ["item_kinds"])
    games = {g.name: g for g in Game.objects.all()}  # pks on every backend
    existing = {(s.game_id, s.slug): s for s in Section.objects.all()}
    new_sections, changed_sections = [], []
    count = 0
    for game in games.values():
        kinds = game.item_kinds or default_kinds
        taken: set[str] = set()
        for order, name in enumerate(kinds):
            slug = _unique_slug(slug_for(name), taken)
            kind = section_kind(name)
            count += 1
            section = existing.get((game.pk, slug))
            if section is None:
                new_sections.append(
                    Section(game=game, name=name, slug=slug, kind=kind, sort_order=order)
                )
            elif (section.name, section.kind, section.sort_order) != (name, kind, order):
                section.name, section.kind, section.sort_order = name, kind, order
                changed_sections.append(section)
    Section.objects.bulk_create(new_sections, batch_size=500)
    Section.objects.bulk_update(changed_sections, ["name", "kind", "sort_order"], batch_size=500)
    return len(games), count
