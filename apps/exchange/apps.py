from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    label = "exchange"
    verbose_name = "FreeMarket: обмен"

    def ready(self) -> None:
        from apps.accounts.services import account_deleted_hooks
        from apps.exchange.services import items_archive_for_deleted_user

        if items_archive_for_deleted_user not in account_deleted_hooks:
            account_deleted_hooks.append(items_archive_for_deleted_user)
