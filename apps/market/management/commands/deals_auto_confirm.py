"""Complete delivered deals whose buyer did not answer within DEAL_AUTO_CONFIRM_DAYS.

Production runs the same check from Celery beat (`market.deals_auto_confirm`); this command is
for the embedded setup's cron, or to catch up by hand.
"""

from django.core.management.base import BaseCommand

from apps.market.services.deals import purchase_requests_auto_confirm


class Command(BaseCommand):
    help = "Auto-confirm delivered LootLink deals whose confirmation window has passed."

    def handle(self, *args, **options) -> None:
        count = purchase_requests_auto_confirm()
        self.stdout.write(f"auto-confirmed {count} deal(s)")
