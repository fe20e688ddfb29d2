from django.contrib import admin

from apps.market.models import Listing, PurchaseRequest, Review


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "game", "seller", "price", "status", "created_at")
    list_filter = ("status", "game")
    search_fields = ("title", "description", "seller__username")
    raw_id_fields = ("seller",)


@admin.register(PurchaseRequest)
class PurchaseRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "listing_title", "buyer", "seller", "price", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("listing", "buyer", "seller")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "reviewer", "reviewed_user", "rating", "created_at")
    raw_id_fields = ("purchase_request", "reviewer", "reviewed_user")
