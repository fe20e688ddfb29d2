"""FreeMarket web pages: one's wants and offers, browsing, locations. Proposals: views_proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.services import user_set_locations
from apps.common.errors import DomainError
from apps.exchange import selectors, services
from apps.exchange.forms import BrowseForm, ItemForm, LocationsForm
from apps.exchange.models import ItemStatus, ListingItem


def _own_item(request: HttpRequest, pk: int) -> ListingItem:
    """The signed-in user's own item; anyone else's is a 404."""
    item = selectors.item_qs().filter(pk=pk, user=request.user).first()
    if item is None:
        raise Http404
    return item


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    items = selectors.items_of_user(user_id=request.user.pk, include_archived=True)
    return render(
        request,
        "exchange/dashboard.html",
        {
            "wants": [i for i in items if i.item_type == "WANT" and i.status == ItemStatus.ACTIVE],
            "offers": [
                i for i in items if i.item_type == "OFFER" and i.status == ItemStatus.ACTIVE
            ],
            "archived": [i for i in items if i.status != ItemStatus.ACTIVE][:20],
            "locations": request.user.locations,
        },
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    initial = {"item_type": request.GET.get("type", "WANT"), "exchange_type": "PERMANENT"}
    form = ItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _listing, items = services.listing_create(
                user=request.user,
                drafts=[
                    services.ItemDraft(
                        item_type=data["item_type"],
                        exchange_type=data["exchange_type"],
                        item_name=data["item_name"],
                        value_tenge=data["value_tenge"],
                        description=data["description"],
                        duration_days=data["duration_days"],
                        category=data["category_slug"],
                        any_in_category=data["any_in_category"],
                    )
                ],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            item = items[0]
            note = _("Сохранено.")
            if item.category_inferred and item.category:
                note += " " + _("Категория определена автоматически: %(c)s") % {
                    "c": item.category.name
                }
            messages.success(request, note)
            return redirect("exchange:dashboard")
    return render(request, "exchange/item_form.html", {"form": form, "editing": False})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    if item.status != ItemStatus.ACTIVE:
        messages.error(request, _("Изменять можно только активные позиции."))
        return redirect("exchange:dashboard")
    initial = {
        "item_type": item.item_type,
        "exchange_type": item.exchange_type,
        "item_name": item.item_name,
        "description": item.description,
        "value_tenge": item.value_tenge,
        "duration_days": item.duration_days,
        "any_in_category": item.any_in_category,
        "category": f"{item.exchange_type}:{item.category.slug}"
        if item.category and not item.category_inferred
        else "",
    }
    form = ItemForm(
        request.POST if request.method == "POST" else None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_update(
                item=item,
                user=request.user,
                data={
                    "item_name": data["item_name"],
                    "description": data["description"],
                    "value_tenge": data["value_tenge"],
                    "duration_days": data["duration_days"],
                    "category": data["category_slug"],
                    "any_in_category": data["any_in_category"],
                },
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("exchange:dashboard")
    return render(request, "exchange/item_form.html", {"form": form, "editing": True, "item": item})


@login_required
def item_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation and changes nothing; POST archives."""
    item = _own_item(request, pk)
    if request.method == "POST":
        try:
            services.item_archive(item=item, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("«%(name)s» убрано в архив.") % {"name": item.item_name})
        return redirect("exchange:dashboard")
    return render(request, "exchange/item_archive_confirm.html", {"item": item})


def browse(request: HttpRequest, kind: str) -> HttpResponse:
    item_type = {"wants": "WANT", "offers": "OFFER"}.get(kind)
    if item_type is None:
        raise Http404
    form = BrowseForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = (
        selectors.item_list_public(
            item_type=item_type,
            exchange_type=filters.get("exchange_type") or None,
            category=filters.get("category") or None,
            city=filters.get("city") or None,
            q=filters.get("q") or None,
        )
        .prefetch_related("user__location_set", "photos")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchange/browse.html",
        {
            "form": form,
            "page": page,
            "kind": kind,
            "item_type": item_type,
            "query": query.urlencode(),
        },
    )


@login_required
def locations(request: HttpRequest) -> HttpResponse:
    form = LocationsForm(
        request.POST if request.method == "POST" else None,
        initial={"locations": request.user.locations},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_set_locations(user=request.user, locations=form.cleaned_data["locations"])
        except DomainError as exc:
            form.add_error("locations", exc.message)
        else:
            messages.success(request, _("Города сохранены."))
            return redirect("exchange:dashboard")
    return render(request, "exchange/locations.html", {"form": form})
