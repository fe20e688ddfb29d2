from django.apps import AppConfig


class TgbotConfig(AppConfig):
    name = "apps.tgbot"
    verbose_name = "Telegram-бот"
