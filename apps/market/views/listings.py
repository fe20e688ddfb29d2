"""Listing pages: home with filters, games, listing detail, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.twofactor import session_passed_2fa
from apps.catalog.models import Game
from apps.chat.selectors import conversation_find_for_listing
from apps.common.errors import DomainError, ValidationFailed
from apps.market import selectors, services
from apps.market.caching import cached_fragment, game_counts
from apps.market.forms import ListingEditForm, ListingFilterForm, ListingForm
from apps.market.models import ListingStatus
from apps.market.services.listings import SELLER_STATUSES
from apps.market.web import error_page, paginate


def home(request: HttpRequest) -> HttpResponse:
    def content() -> str:
        form = ListingFilterForm(request.GET or None)
        filters = form.filters() if request.GET else {}
        listings = selectors.listing_list_active(filters=selectors.ListingFilters(**filters))
        context = {
            "form": form,
            "page": paginate(request, listings),
            "games": game_counts(),
            "filtered": bool(filters),
            "selected_game": filters.get("game"),
        }
        return render_to_string("market/_home_content.html", context, request)

    # The same for every visitor: rendered once per query string (apps/market/caching.py).
    html = mark_safe(cached_fragment(request, "home", content))  # noqa: S308 - our own render
    return render(request, "market/home.html", {"content_html": html})


@require_GET
def game_list(request: HttpRequest) -> HttpResponse:
    games = Game.objects.annotate(
        active_count=Count(
            "market_listings", filter=Q(market_listings__status=ListingStatus.ACTIVE)
        )
    )
    return render(request, "market/game_list.html", {"games": games})


@require_GET
def game_detail(request: HttpRequest, slug: str) -> HttpResponse:
    game = get_object_or_404(Game, slug=slug)

    def listings() -> str:
        qs = selectors.listing_list_active(filters=selectors.ListingFilters(game=game))
        context = {"game": game, "page": paginate(request, qs)}
        return render_to_string("market/_game_listings.html", context, request)

    html = mark_safe(cached_fragment(request, "game", listings))  # noqa: S308 - our own render
    return render(request, "market/game_detail.html", {"game": game, "listings_html": html})


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        listing = selectors.listing_get(pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    user = request.user
    is_seller = user.is_authenticated and user.pk == listing.seller_id
    # staff see hidden listings from a 2FA-passed session only (apps/accounts/twofactor.py)
    if listing.moderation_hidden and not (
        is_seller or (user.is_staff and session_passed_2fa(request))
    ):
        raise Http404(_("Объявление не найдено"))
    open_request = (
        None if is_seller else selectors.purchase_request_open_for(listing=listing, buyer=user)
    )
    conversation = None
    if user.is_authenticated and not is_seller:
        conversation = conversation_find_for_listing(listing_id=listing.pk, buyer=user)

    def similar() -> str:
        rows = selectors.listing_list_active(
            filters=selectors.ListingFilters(game=listing.game)
        ).exclude(pk=listing.pk)[:4]
        return render_to_string(
            "market/_similar.html", {"listing": listing, "similar": rows}, request
        )

    return render(
        request,
        "market/listing_detail.html",
        {
            "listing": listing,
            "is_seller": is_seller,
            "open_request": open_request,
            "can_request": listing.is_active and not is_seller and open_request is None,
            "requests": selectors.purchase_request_list_for_listing(listing=listing)
            if is_seller
            else [],
            "conversation": conversation,
            # The same for everyone: cached like the home page (apps/market/caching.py).
            "similar_html": mark_safe(cached_fragment(request, "similar", similar)),  # noqa: S308
        },
    )


def _image_error(form, exc: DomainError) -> None:
    field = "image" if exc.code.startswith("image_") else None
    form.add_error(field, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest) -> HttpResponse:
    form = ListingForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial={"game": request.GET.get("game")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                listing = services.listing_create(seller=request.user, **form.cleaned_data)
            except DomainError as exc:
                _image_error(form, exc)
            else:
                messages.success(request, _("Объявление опубликовано"))
                return redirect(listing)
        status = 400
    return render(
        request, "market/listing_form.html", {"form": form, "creating": True}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        listing = selectors.listing_get_for_seller(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    locked = listing.status not in SELLER_STATUSES
    initial = {
        "title": listing.title,
        "description": listing.description,
        "price": listing.price,
        "status": listing.status,
    }
    form = ListingEditForm(
        request.POST if request.method == "POST" else None, request.FILES or None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "image"}
            try:
                services.listing_update(
                    listing=listing,
                    user=request.user,
                    data=data,
                    image=form.cleaned_data.get("image"),
                )
            except DomainError as exc:
                _image_error(form, exc)
                status = exc.status_code if not isinstance(exc, ValidationFailed) else 400
            else:
                messages.success(request, _("Изменения сохранены"))
                return redirect(listing)
        else:
            status = 400
    return render(
        request,
        "market/listing_form.html",
        {"form": form, "listing": listing, "locked": locked},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation and changes nothing; POST deletes."""
    try:
        listing = selectors.listing_get_for_seller(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    context = {"listing": listing}
    if request.method == "POST":
        try:
            services.listing_delete(listing=listing, user=request.user)
        except DomainError as exc:
            return error_page(request, exc, template="market/listing_delete.html", context=context)
        messages.success(request, _("Объявление «%(title)s» удалено") % {"title": listing.title})
        return redirect("accounts:my_listings")
    return render(request, "market/listing_delete.html", context)
