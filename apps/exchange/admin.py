from django.contrib import admin

from apps.exchange.models import Listing, ListingItem


class ListingItemInline(admin.TabularInline):
    model = ListingItem
    extra = 0
    raw_id_fields = ("user", "category")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at")
    raw_id_fields = ("user",)
    inlines = [ListingItemInline]


@admin.register(ListingItem)
class ListingItemAdmin(admin.ModelAdmin):
    list_display = ("item_name", "item_type", "exchange_type", "category", "value_tenge",
                    "status", "user")
    list_filter = ("item_type", "exchange_type", "status")
    search_fields = ("item_name", "description")
    raw_id_fields = ("user", "listing", "category")
