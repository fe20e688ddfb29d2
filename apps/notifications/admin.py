from django.contrib import admin, messages

from apps.notifications.delivery import delivery_retry_now
from apps.notifications.models import Delivery, Notification, NotificationSettings
from apps.notifications.outbox import deliveries_dispatch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "read", "created_at")
    list_filter = ("type", "read")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Staff see what failed (filter by status "не доставлено" / "ошибка, повтор") and why."""

    list_display = (
        "id",
        "user",
        "channel",
        "key",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "channel")
    search_fields = ("user__username", "key", "last_error")
    raw_id_fields = ("user", "notification")
    readonly_fields = (
        "notification",
        "user",
        "channel",
        "key",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
        "chat_id",
        "external_id",
        "created_at",
    )
    actions = ["retry_now"]

    @admin.display(description="ошибка")
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:120]

    @admin.action(description="Отправить ещё раз")
    def retry_now(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        count = delivery_retry_now(pks=pks)
        deliveries_dispatch(pks)
        self.message_user(request, f"Снова в очереди: {count}", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "time_zone", "quiet_start", "quiet_end", "email_digest")
    raw_id_fields = ("user",)
