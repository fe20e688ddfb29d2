"""`manage.py seed_market --users N --listings N --items N`: a realistic market (appends)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from apps.exchange.seeding import seed_market


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic market: users, LootLink listings with images, "
        "FreeMarket wants/offers, some chats and notifications. Appends on every call."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=2000)
        parser.add_argument("--listings", type=int, default=10000)
        parser.add_argument("--items", type=int, default=20000, help="FreeMarket wants/offers")
        parser.add_argument("--games", type=int, default=50, help="at least this many games")
        parser.add_argument("--seed", type=int, default=0, help="random seed (deterministic)")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        result = seed_market(
            users=opts["users"],
            listings=opts["listings"],
            items=opts["items"],
            games=opts["games"],
            seed=opts["seed"],
            log=lambda msg: self.stdout.write(f"  {msg}"),
        )
        self.stdout.write(
            f"seeded {result.users} users, {result.listings} listings, {result.items} "
            f"wants/offers over {result.games} games in {time.perf_counter() - started:.1f} s"
        )
