from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Пользователи"

    def ready(self) -> None:
        from apps.accounts import checks, web_sessions  # noqa: F401  (checks, signal receivers)
