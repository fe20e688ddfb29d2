"""Favourites and saved searches pages (issue 20)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.catalog.models import Game
from apps.common.errors import DomainError
from apps.market import selectors
from apps.market.models import Favourite, SavedSearch
from apps.market.search_params import search_filters, search_name
from apps.market.services import watch
from apps.market.web import error_page, paginate


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _visible_listing(request: HttpRequest, pk: int):
    try:
        listing = selectors.listing_get(pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if listing.moderation_hidden and listing.seller_id != request.user.pk:
        raise Http404(_("Объявление не найдено"))
    return listing


@login_required
@require_POST
def favourite_add(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    try:
        watch.favourite_add(user=request.user, listing=listing)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("Добавлено в избранное. Сообщим, если цена снизится."))
    return redirect(_back(request, listing.get_absolute_url()))


@login_required
@require_POST
def favourite_remove(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    watch.favourite_remove(user=request.user, listing=listing)
    messages.success(request, _("Убрано из избранного"))
    return redirect(_back(request, listing.get_absolute_url()))


@login_required
@require_GET
def favourite_list(request: HttpRequest) -> HttpResponse:
    favourites = (
        Favourite.objects.filter(user=request.user, listing__moderation_hidden=False)
        .select_related("listing", "listing__game", "listing__seller", "listing__section")
        .order_by("-created_at", "-pk")
    )
    return render(request, "market/favourites.html", {"page": paginate(request, favourites)})


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """GET (the link on a filtered page, same for every visitor) asks; POST saves."""
    data = request.POST if request.method == "POST" else request.GET
    slug = data.get("scope", "")
    game = get_object_or_404(Game, slug=slug) if slug else None
    if request.method == "GET":
        name = search_name(search_filters(data, game=game, keep_raw=True), game=game)
        return render(request, "market/saved_search_confirm.html", {"name": name})
    try:
        search = watch.saved_search_create(user=request.user, params=request.POST, game=game)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(
        request,
        _("Поиск «%(name)s» сохранён: пришлём уведомление о новых объявлениях")
        % {"name": search.name},
    )
    return redirect("market:saved_search_list")


@login_required
@require_GET
def saved_search_list(request: HttpRequest) -> HttpResponse:
    searches = SavedSearch.objects.filter(user=request.user).select_related("game")
    return render(request, "market/saved_searches.html", {"searches": searches})


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        watch.saved_search_delete(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("Поиск удалён"))
    return redirect("market:saved_search_list")
