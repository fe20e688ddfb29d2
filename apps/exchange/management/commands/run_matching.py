"""`manage.py run_matching [--user ID] [--expire]`: the pipeline from a shell or cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.exchange.matching_runs import matching_run
from apps.exchange.proposals import proposals_expire_due


class Command(BaseCommand):
    help = "Run the matching pipeline for one user or the whole market."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", type=int, default=None, help="only this user's cycles")
        parser.add_argument("--expire", action="store_true", help="expire due proposals first")

    def handle(self, *args, user: int | None, expire: bool, **options) -> None:
        if expire:
            self.stdout.write(f"expired: {proposals_expire_due()}")
        run = matching_run(user_id=user, trigger="command")
        self.stdout.write(
            f"run #{run.pk} {run.status}: {run.bilateral_count} bilateral, "
            f"{run.chain_count} chains, {run.participant_count} participants, "
            f"{run.skipped_count} skipped; errors: {run.errors or 'none'}"
        )
