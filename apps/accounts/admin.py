from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import AuthSession, User, UserLocation


class UserLocationInline(admin.TabularInline):
    model = UserLocation
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "email",
        "full_name",
        "city",
        "exchange_count",
        "is_staff",
        "is_active",
    )
    search_fields = ("username", "email", "full_name", "phone")
    inlines = [UserLocationInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Профиль",
            {
                "fields": (
                    "full_name",
                    "phone",
                    "telegram_contact",
                    "discord",
                    "city",
                    "bio",
                    "avatar",
                )
            },
        ),
        (
            "Репутация",
            {
                "fields": (
                    "trust_score",
                    "exchange_count",
                    "rating_sum",
                    "rating_count",
                    "total_sales",
                    "total_purchases",
                )
            },
        ),
        ("Проверки", {"fields": ("is_verified", "email_verified", "phone_verified", "is_deleted")}),
    )


@admin.register(AuthSession)
class AuthSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "revoked_at", "ip")
    list_filter = ("revoked_at",)
    raw_id_fields = ("user",)
