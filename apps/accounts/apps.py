from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Пользователи"

    def ready(self) -> None:
        from apps.accounts import login_history  # noqa: F401  (signal receivers)
