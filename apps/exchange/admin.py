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
    list_display = (
        "item_name",
        "item_type",
        "exchange_type",
        "category",
        "value_tenge",
        "status",
        "user",
    )
    list_filter = ("item_type", "exchange_type", "status")
    search_fields = ("item_name", "description")
    raw_id_fields = ("user", "listing", "category")


# --- Proposals and matching runs -------------------------------------------------------------

from apps.exchange.models import (  # noqa: E402
    MatchingRun,
    Proposal,
    ProposalLeg,
    ProposalParticipant,
    ProposalRating,
)


class ProposalParticipantInline(admin.TabularInline):
    model = ProposalParticipant
    extra = 0
    raw_id_fields = ("user",)


class ProposalLegInline(admin.TabularInline):
    model = ProposalLeg
    extra = 0
    raw_id_fields = ("giver", "receiver", "offer", "want")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read mostly: state changes go through apps.exchange.proposals."""

    list_display = ("id", "kind", "status", "score", "created_at", "expires_at")
    list_filter = ("kind", "status")
    readonly_fields = (
        "status",
        "cycle_key",
        "matching_run",
        "confirmed_at",
        "completed_at",
        "closed_at",
        "close_reason",
    )
    inlines = [ProposalParticipantInline, ProposalLegInline]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "scope_user",
        "bilateral_count",
        "chain_count",
        "skipped_count",
    )
    list_filter = ("status", "trigger")
    raw_id_fields = ("scope_user",)


@admin.register(ProposalRating)
class ProposalRatingAdmin(admin.ModelAdmin):
    list_display = ("proposal", "rater", "rated", "score", "created_at")
    raw_id_fields = ("proposal", "rater", "rated")
