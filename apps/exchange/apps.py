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

        from apps.exchange.proposals import proposals_cancel_for_items
        from apps.exchange.services import item_changed_hooks, items_created_hooks
        from apps.exchange.tasks import schedule_user_run

        if proposals_cancel_for_items not in item_changed_hooks:
            item_changed_hooks.append(proposals_cancel_for_items)
        if schedule_user_run not in items_created_hooks:
            items_created_hooks.append(schedule_user_run)
