from django.contrib import admin
from django.db.models import Count, Q

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
    """The staff view of runs: what each run made and what became of its proposals (#14)."""

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
        "made",
        "accepted",
        "declined",
        "expired",
        "completed",
        "safety_stop",
    )
    list_filter = ("status", "trigger")
    raw_id_fields = ("scope_user",)

    def get_queryset(self, request):
        from apps.exchange.run_status import OUTCOMES

        counts = {
            f"n_{name}": Count("proposals", filter=_on_proposals(cond))
            for name, cond in OUTCOMES.items()
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="предложено")
    def made(self, run):
        return run.n_proposals_made

    @admin.display(description="приняты")
    def accepted(self, run):
        return run.n_accepted

    @admin.display(description="отклонены")
    def declined(self, run):
        return run.n_declined

    @admin.display(description="истекли")
    def expired(self, run):
        return run.n_expired

    @admin.display(description="завершены")
    def completed(self, run):
        return run.n_completed

    @admin.display(description="аварийная остановка", boolean=True)
    def safety_stop(self, run):
        return bool(run.stats.get("safety_stop"))


def _on_proposals(cond: Q) -> Q:
    """`Q(status=...)` of a proposal as seen from its run (`proposals__status=...`)."""
    return Q(*[(f"proposals__{k}", v) for k, v in cond.children])


@admin.register(ProposalRating)
class ProposalRatingAdmin(admin.ModelAdmin):
    list_display = ("proposal", "rater", "rated", "score", "created_at")
    raw_id_fields = ("proposal", "rater", "rated")
