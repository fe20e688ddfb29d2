from django.conf import settings
from django.core.management.base import BaseCommand

from apps.exchange.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load a small demo market (users in the three cities with wants and offers). "
        "Idempotent. Runs only in the embedded default (no DATABASE_URL) unless --force; "
        "DEMO_DATA=0 turns it off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DATABASE_URL")

    def handle(self, *args, force: bool = False, **options):
        import os

        if not settings.DEMO_DATA:
            self.stdout.write("demo: DEMO_DATA=0, skipped")
            return
        if os.environ.get("DATABASE_URL") and not force:
            self.stdout.write("demo: DATABASE_URL is set, skipped (use --force)")
            return
        created = load_demo()
        extra = []
        for hook in DEMO_HOOKS:
            extra.append(hook())
        self.stdout.write(
            f"demo: {created} new demo users (password {DEMO_PASSWORD!r}) {' '.join(extra)}"
        )


DEMO_HOOKS: list = []
"""Other apps append callables returning a short summary (e.g. LootLink's demo listings)."""
