from django.contrib import admin

from apps.accounts.models import TOTPDevice, UserBlock
from apps.moderation.models import AuditLog, Dispute, DisputeEvent, Report


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("pk", "reason", "status", "opened_by", "respondent", "created_at")
    list_filter = ("status", "reason")


@admin.register(DisputeEvent)
class DisputeEventAdmin(admin.ModelAdmin):
    list_display = ("pk", "dispute", "kind", "author", "created_at")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "target_type", "target_id", "reason", "status", "reporter", "accused")
    list_filter = ("status", "target_type", "reason")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "target_type", "target_id")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Staff can remove a user's 2FA (a lost phone) after checking who asks; the secret is
    never shown."""

    list_display = ("user", "confirmed_at", "created_at")
    search_fields = ("user__username",)
    fields = ("user", "confirmed_at", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
