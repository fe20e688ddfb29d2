from django.contrib import admin

from apps.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "read", "created_at")
    list_filter = ("type", "read")
    raw_id_fields = ("user",)
