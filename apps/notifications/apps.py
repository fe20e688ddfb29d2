from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        from apps.notifications import zones  # noqa: F401  (cache-dropping signals)
