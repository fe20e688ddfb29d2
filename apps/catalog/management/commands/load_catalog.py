from django.core.management.base import BaseCommand

from apps.catalog.loader import load_categories, load_game_catalog, load_games


class Command(BaseCommand):
    help = "Load (or update) the v6 categories and the LootLink games. Idempotent."

    def handle(self, *args, **options):
        categories = load_categories()
        load_games()
        games, sections = load_game_catalog()
        self.stdout.write(f"catalog: {categories} categories, {games} games, {sections} sections")
