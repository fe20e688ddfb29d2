"""`make bot`: run the Telegram bot (long polling; a webhook when TELEGRAM_WEBHOOK_URL is set)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.tgbot.bot import ALLOWED_UPDATES, build_application


class Command(BaseCommand):
    help = "Run the Telegram bot (disabled when TELEGRAM_BOT_TOKEN is unset)."

    def handle(self, *args, **options) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            self.stdout.write("TELEGRAM_BOT_TOKEN is not set: the Telegram bot is disabled.")
            return
        app = build_application()
        if settings.TELEGRAM_WEBHOOK_URL:
            self.stdout.write(f"Telegram bot: webhook {settings.TELEGRAM_WEBHOOK_URL}")
            app.run_webhook(
                listen=settings.TELEGRAM_WEBHOOK_LISTEN,
                port=settings.TELEGRAM_WEBHOOK_PORT,
                url_path="telegram",
                webhook_url=settings.TELEGRAM_WEBHOOK_URL,
                secret_token=settings.TELEGRAM_WEBHOOK_SECRET or None,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            self.stdout.write("Telegram bot: long polling")
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
