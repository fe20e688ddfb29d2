"""The LootLink game catalogue: every game of games.json with its sections, loaded idempotently."""

import json

from django.core.management import call_command

from apps.catalog.loader import DATA_DIR, load_game_catalog
from apps.catalog.models import Game, Section
from apps.catalog.sections import KIND_ATTRIBUTES, section_kind, slug_for

CATALOG = json.loads((DATA_DIR / "games.json").read_text(encoding="utf-8"))


def test_every_game_of_games_json_is_in_the_catalogue(db):
    names = set(Game.objects.values_list("name", flat=True))
    assert {entry["name"] for entry in CATALOG["catalog"]} <= names
    assert {entry["name"] for entry in CATALOG["games"]} <= names
    assert len(names) >= 800


def test_games_get_their_sections_in_file_order(db):
    dota = Game.objects.get(name="Dota 2")
    entry = next(e for e in CATALOG["catalog"] if e["name"] == "Dota 2")
    assert list(dota.sections.values_list("name", flat=True)) == entry["kinds"]
    kinds = dict(dota.sections.values_list("name", "kind"))
    assert kinds["Аккаунты"] == "accounts"
    assert kinds["Буст MMR"] == "boosting"
    assert kinds["Предметы"] == "items"


def test_featured_games_keep_their_slug_when_merged_with_the_catalogue(db):
    assert Game.objects.filter(name="Dota 2").values_list("slug", flat=True).get() == "dota-2"
    assert Game.objects.get(slug="cs2").sections.count() == len(CATALOG["item_kinds"])


def test_slugs_are_unique_and_ascii(db):
    slugs = list(Game.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert all(s.isascii() and s for s in slugs)


def test_loading_again_changes_nothing(db):
    games, sections = Game.objects.count(), Section.objects.count()
    before = list(Section.objects.order_by("pk").values_list("pk", "game_id", "slug", "kind"))
    call_command("load_catalog", stdout=open("/dev/null", "w"))  # noqa: SIM115
    load_game_catalog()
    assert Game.objects.count() == games
    assert Section.objects.count() == sections
    assert (
        list(Section.objects.order_by("pk").values_list("pk", "game_id", "slug", "kind")) == before
    )


def test_section_kinds_decide_the_attributes():
    assert section_kind("Робуксы") == "currency"
    assert section_kind("Ключи Steam") == "keys"
    assert section_kind("Буст рангов") == "boosting"
    assert "quantity" in KIND_ATTRIBUTES["currency"]
    assert "quantity" not in KIND_ATTRIBUTES["accounts"]
    assert "platform" in KIND_ATTRIBUTES["keys"]


def test_slug_for_transliterates_russian():
    assert slug_for("Прочие игры") == "prochie-igry"
    assert slug_for("Буст MMR") == "bust-mmr"
