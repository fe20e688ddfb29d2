"""Listing pages: home with filters, games, listing detail, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.twofactor import session_passed_2fa
from apps.catalog.loader import FEATURED_ORDER_LIMIT
from apps.catalog.models import Game, Section
from apps.chat.reply_time import reply_time_label, typical_reply_minutes
from apps.chat.selectors import conversation_find_for_listing
from apps.common.errors import DomainError, ValidationFailed
from apps.market import selectors, services
from apps.market.caching import cached_fragment, game_counts
from apps.market.forms import GameFilterForm, HomeFilterForm, ListingEditForm, ListingForm
from apps.market.models import Favourite, ListingStatus
from apps.market.services.listings import ATTRIBUTE_FIELDS, SELLER_STATUSES
from apps.market.web import error_page, paginate


def home(request: HttpRequest) -> HttpResponse:
    def content() -> str:
        form = HomeFilterForm(request.GET or None)
        filters = form.filters() if request.GET else {}
        listings = selectors.listing_list_active(filters=selectors.ListingFilters(**filters))
        featured = set(
            Game.objects.filter(sort_order__lt=FEATURED_ORDER_LIMIT).values_list("pk", flat=True)
        )
        context = {
            "form": form,
            "page": paginate(request, listings),
            # featured games and games with listings, not all 800 (issue 20)
            "games": [g for g in game_counts() if g.active_count or g.pk in featured],
            "filtered": bool(filters),
            "selected_game": filters.get("game"),
        }
        return render_to_string("market/_home_content.html", context, request)

    # The same for every visitor: rendered once per query string (apps/market/caching.py).
    html = mark_safe(cached_fragment(request, "home", content))  # noqa: S308 - our own render
    return render(request, "market/home.html", {"content_html": html})


@require_GET
def game_list(request: HttpRequest) -> HttpResponse:
    """Popular games as tiles, then every game A–Z (filtered by `q`)."""
    q = request.GET.get("q", "").strip()[:60]
    games = Game.objects.annotate(
        active_count=Count(
            "market_listings", filter=Q(market_listings__status=ListingStatus.ACTIVE)
        )
    )
    if q:
        games = games.filter(name__icontains=q)
    featured = [g for g in games if g.sort_order < FEATURED_ORDER_LIMIT] if not q else []
    others = games if q else [g for g in games if g.sort_order >= FEATURED_ORDER_LIMIT]
    return render(
        request,
        "market/game_list.html",
        {"games": games, "featured": featured, "others": others, "q": q},
    )


@require_GET
def game_detail(request: HttpRequest, slug: str) -> HttpResponse:
    game = get_object_or_404(Game, slug=slug)

    def listings() -> str:
        form = GameFilterForm(request.GET or None, game=game)
        filters = form.filters() if request.GET else {}
        qs = selectors.listing_list_active(filters=selectors.ListingFilters(game=game, **filters))
        section = filters.get("section")
        context = {
            "game": game,
            "form": form,
            "filtered": bool(filters),
            "sections": game.sections.all(),
            "selected_section": section,
            "servers": selectors.server_list_for(game=game, section=section),
            "page": paginate(request, qs),
        }
        return render_to_string("market/_game_listings.html", context, request)

    html = mark_safe(cached_fragment(request, "game", listings))  # noqa: S308 - our own render
    section = game.sections.filter(slug=request.GET.get("section", "")).first()
    return render(
        request,
        "market/game_detail.html",
        {"game": game, "listings_html": html, "selected_section": section},
    )


@require_GET
def game_sections(request: HttpRequest) -> JsonResponse:
    """The sections of a game, for the listing form's section select (`?game=<id>`)."""
    game_id = request.GET.get("game", "")
    sections = (
        Section.objects.filter(game_id=game_id) if game_id.isdigit() else Section.objects.none()
    )
    return JsonResponse({"sections": [{"id": s.pk, "name": s.name} for s in sections]})


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
            "reply_time": reply_time_label(typical_reply_minutes(user_id=listing.seller_id)),
            "is_favourite": user.is_authenticated
            and Favourite.objects.filter(user=user, listing=listing).exists(),
        },
    )


def _image_error(form, exc: DomainError) -> None:
    field = "image" if exc.code.startswith("image_") else None
    if exc.code == "image_too_many":
        field = "photos"
    elif exc.code == "section_wrong_game":
        field = "section"
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
        "section": listing.section_id,
        "server": listing.server,
        "platform": listing.platform,
        "quantity": listing.quantity,
        "delivery_minutes": listing.delivery_minutes,
    }
    form = ListingEditForm(
        request.POST if request.method == "POST" else None, request.FILES or None, initial=initial
    )
    form.set_game(listing.game_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # Attributes not posted at all (a contract-only client) stay as they are.
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("image", "photos") and (k not in ATTRIBUTE_FIELDS or k in request.POST)
            }
            remove = [int(x) for x in request.POST.getlist("remove_photos") if x.isdigit()]
            try:
                services.listing_update(
                    listing=listing,
                    user=request.user,
                    data=data,
                    image=form.cleaned_data.get("image"),
                    photos=form.cleaned_data.get("photos") or [],
                    remove_photos=remove,
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
