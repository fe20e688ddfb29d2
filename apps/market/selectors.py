"""Reads of LootLink: listing search and filters, access gates, cabinet lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet

from apps.accounts.models import User
from apps.catalog.models import Game, Section
from apps.common.errors import NotFound, PermissionDenied
from apps.market.models import OPEN_STATUSES, Listing, ListingStatus, PurchaseRequest, Review
from apps.market.search import search

SORTS = {
    "-created_at": ("-created_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "price": ("price", "pk"),
    "-price": ("-price", "-pk"),
    # fastest delivery first; listings that do not say come last
    "delivery": (F("delivery_minutes").asc(nulls_last=True), "-created_at", "-pk"),
}
DEFAULT_SORT = "-created_at"
# The fields a listing card shows (includes/listing_card.html): lists fetch only these.
CARD_FIELDS = (
    "id", "title", "price", "image", "thumbnail", "status", "created_at", "game_id", "seller_id",
    "game__id", "game__name", "game__slug",
    "seller__id", "seller__username", "seller__rating_sum", "seller__rating_count",
    # issue 20 (uimarket): section chip, attributes line, avatar and online dot
    "section_id", "server", "quantity", "delivery_minutes",
    "section__id", "section__name", "section__slug",
    "seller__avatar", "seller__last_active_at",
)  # fmt: skip


@dataclass(frozen=True)
class ListingFilters:
    game: Game | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    search: str = ""
    sort: str = ""
    # sections and their attributes (apps/catalog/sections.py)
    section: Section | None = None
    kind: str = ""
    server: str = ""
    platform: str = ""
    min_quantity: int | None = None
    max_delivery: int | None = None


def _filter_sections(qs: QuerySet[Listing], f: ListingFilters) -> QuerySet[Listing]:
    if f.section is not None:
        qs = qs.filter(section=f.section)
    if f.kind:
        qs = qs.filter(section__kind=f.kind)
    if f.server.strip():
        qs = qs.filter(server__iexact=f.server.strip())
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.min_quantity is not None:
        qs = qs.filter(quantity__gte=f.min_quantity)
    if f.max_delivery is not None:
        qs = qs.filter(delivery_minutes__lte=f.max_delivery)
    return qs


def server_list_for(*, game: Game, section: Section | None = None) -> list[str]:
    """Servers/regions sellers named in the game's (or section's) active listings."""
    qs = Listing.objects.filter(game=game, status=ListingStatus.ACTIVE).exclude(server="")
    if section is not None:
        qs = qs.filter(section=section)
    return sorted(set(qs.values_list("server", flat=True)[:500]), key=str.lower)


def listing_list_active(*, filters: ListingFilters | None = None) -> QuerySet[Listing]:
    """Active listings for the home and game pages, filtered and sorted."""
    f = filters or ListingFilters()
    qs = (
        Listing.objects.filter(status=ListingStatus.ACTIVE)
        .select_related("game", "seller", "section")
        .only(*CARD_FIELDS)  # what a card shows, not descriptions or profiles (perf, #16)
    )
    if f.game is not None:
        qs = qs.filter(game=f.game)
    if f.min_price is not None:
        qs = qs.filter(price__gte=f.min_price)
    if f.max_price is not None:
        qs = qs.filter(price__lte=f.max_price)
    qs = _filter_sections(qs, f)
    if f.search.strip():
        qs = search(qs, f.search.strip())  # indexed full text, typos too (apps/market/search.py)
        if not f.sort:
            return qs.order_by("-rank", "-created_at", "-pk")
    return qs.order_by(*SORTS.get(f.sort or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


def listing_get(*, pk: int) -> Listing:
    listing = Listing.objects.select_related("game", "seller", "section").filter(pk=pk).first()
    if listing is None:
        raise NotFound("Объявление не найдено", code="listing_not_found")
    return listing


def listing_get_for_seller(*, user: User, pk: int) -> Listing:
    """The access gate for editing and deleting: only the listing's seller passes."""
    listing = listing_get(pk=pk)
    if listing.seller_id != user.pk:
        raise PermissionDenied("Это объявление принадлежит другому продавцу", code="not_seller")
    return listing


def purchase_request_get_for(*, user: User, pk: int, role: str | None = None) -> PurchaseRequest:
    """The access gate for deals: outsiders get 404, a participant in the wrong role 403."""
    pr = (
        PurchaseRequest.objects.select_related("listing", "listing__game", "buyer", "seller")
        .filter(pk=pk)
        .filter(Q(buyer=user) | Q(seller=user))
        .first()
    )
    if pr is None:
        raise NotFound("Сделка не найдена", code="deal_not_found")
    if role is not None and pr.role_of(user) != role:
        who = "продавцу" if role == "seller" else "покупателю"
        raise PermissionDenied(f"Это действие доступно только {who}", code=f"not_{role}")
    return pr


def purchase_request_open_for(*, listing: Listing, buyer: User) -> PurchaseRequest | None:
    """The buyer's open request (pending, accepted, delivered, disputed) for this listing."""
    if not buyer.is_authenticated:
        return None
    return PurchaseRequest.objects.filter(
        listing=listing, buyer=buyer, status__in=OPEN_STATUSES
    ).first()


def purchase_request_list_for_listing(*, listing: Listing) -> QuerySet[PurchaseRequest]:
    return listing.purchase_requests.select_related("buyer").order_by("-created_at", "-pk")


def purchase_list(*, user: User) -> QuerySet[PurchaseRequest]:
    return PurchaseRequest.objects.filter(buyer=user).select_related("seller", "listing")


def sale_list(*, user: User) -> QuerySet[PurchaseRequest]:
    return PurchaseRequest.objects.filter(seller=user).select_related("buyer", "listing")


def seller_listing_list(*, user: User, status: str | None = None) -> QuerySet[Listing]:
    qs = Listing.objects.filter(seller=user).select_related("game")
    if status in ListingStatus.values:
        qs = qs.filter(status=status)
    return qs


def review_list_received(*, user: User) -> QuerySet[Review]:
    return Review.objects.filter(reviewed_user=user).select_related("reviewer", "purchase_request")


def review_summary(*, user: User) -> tuple[float, int]:
    """LootLink reviews only (average, count): barter ratings are shown apart, by face."""
    row = Review.objects.filter(reviewed_user=user).aggregate(avg=Avg("rating"), n=Count("id"))
    return round(float(row["avg"] or 0), 2), row["n"]


def review_exists(*, pr: PurchaseRequest, reviewer: User) -> bool:
    return Review.objects.filter(purchase_request=pr, reviewer=reviewer).exists()
