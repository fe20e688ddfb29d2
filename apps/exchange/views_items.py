"""A want's or offer's own page (issue 20): photos, condition, the owner's username, and
"Предложить обмен" (a direct two-person proposal, apps/exchange/direct_proposals.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.blocks import users_blocked
from apps.common.errors import DomainError, NotFound
from apps.exchange import item_pages
from apps.exchange.direct_proposals import direct_proposal_create
from apps.exchange.models import MAX_ITEM_PHOTOS, ItemCondition, ItemType
from apps.exchange.proposal_selectors import exchange_rating_summary


def _item(request: HttpRequest, pk: int):
    viewer = request.user if request.user.is_authenticated else None
    try:
        item = item_pages.item_get_public(pk=pk, viewer=viewer)
    except NotFound as exc:
        raise Http404 from exc
    if viewer and item.user_id != viewer.pk and users_blocked(viewer.pk, item.user_id):
        raise Http404
    return item


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    user = request.user
    is_owner = user.is_authenticated and item.user_id == user.pk
    context = {
        "item": item,
        "photos": list(item.photos.all()),
        "is_owner": is_owner,
        "max_photos": MAX_ITEM_PHOTOS,
        "conditions": ItemCondition.choices,
        "owner_rating": exchange_rating_summary(user_id=item.user_id),
    }
    if user.is_authenticated and not is_owner and item.is_active:
        context["my_offers"] = list(item_pages.offers_to_give(user=user))
        if item.item_type == ItemType.WANT:
            context["their_offers"] = list(item_pages.offers_of_owner(item=item))
    return render(request, "exchange/item_detail.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def item_propose(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        proposal = direct_proposal_create(
            proposer=request.user,
            target=item,
            my_offer_id=_int(request.POST.get("my_offer")) or 0,
            their_offer_id=_int(request.POST.get("their_offer")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exchange:item_detail", pk=pk)
    messages.success(
        request,
        _("Предложение отправлено %(user)s. Мы сообщим, когда он ответит.")
        % {"user": item.user.username},
    )
    return redirect("exchange:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def item_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    upload = request.FILES.get("photo")
    if item.user_id != request.user.pk:
        raise Http404
    if upload is None:
        messages.error(request, _("Выберите фотографию."))
    else:
        try:
            item_pages.item_photo_add(item=item, user=request.user, upload=upload)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Фотография добавлена."))
    return redirect("exchange:item_detail", pk=pk)


@login_required
@require_POST
def item_photo_delete(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    item = _item(request, pk)
    if item.user_id != request.user.pk:
        raise Http404
    try:
        item_pages.item_photo_delete(item=item, user=request.user, photo_id=photo_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Фотография удалена."))
    return redirect("exchange:item_detail", pk=pk)


@login_required
@require_POST
def item_condition(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if item.user_id != request.user.pk:
        raise Http404
    try:
        item_pages.item_set_condition(
            item=item, user=request.user, condition=request.POST.get("condition", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Состояние сохранено."))
    return redirect("exchange:item_detail", pk=pk)
