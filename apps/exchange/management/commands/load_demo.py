import os

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.exchange.demo import DEMO_PASSWORD
from apps.exchange.demo import load_demo as load_exchange_demo
from apps.market.demo import load_demo as load_market_demo


class Command(BaseCommand):
    help = (
        "Load a small demo market: users in the three cities with wants and offers, and a few "
        "LootLink listings. Idempotent. Runs only in the embedded default (no DATABASE_URL) "
        "unless --force; DEMO_DATA=0 turns it off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DATABASE_URL")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEMO_DATA:
            self.stdout.write("demo: DEMO_DATA=0, skipped")
            return
        if os.environ.get("DATABASE_URL") and not force:
            self.stdout.write("demo: DATABASE_URL is set, skipped (use --force)")
            return
        users = load_exchange_demo()
        listings = load_market_demo()
        self.stdout.write(
            f"demo: {users} new users (password {DEMO_PASSWORD!r}), {listings} new listings"
        )
