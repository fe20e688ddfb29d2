"""Deal pages: request a listing, the deal page, seller/buyer actions, reviews.

Every action is a POST with CSRF; a GET on an action URL shows what it will do and changes
nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.chat.selectors import conversation_find_for_listing
from apps.chat.services import conversation_start_for_listing
from apps.common.errors import DomainError, InvalidState, PermissionDenied
from apps.market import selectors, services
from apps.market.forms import PurchaseRequestForm, ReviewForm
from apps.market.models import ConfirmedBy, DealStatus, PurchaseRequest
from apps.market.services.deals import (
    TRANSITIONS,
    actions_for,
    confirm_deadline,
    purchase_requests_auto_confirm,
)
from apps.market.web import error_page

ACTIONS = {
    "accept": (
        services.purchase_request_accept,
        gettext_lazy("Принять запрос"),
        gettext_lazy(
            "Объявление будет забронировано за этим покупателем, остальные "
            "запросы останутся в ожидании."
        ),
        gettext_lazy("Запрос принят, объявление забронировано"),
    ),
    "reject": (
        services.purchase_request_reject,
        gettext_lazy("Отклонить запрос"),
        gettext_lazy(
            "Покупатель получит уведомление. Если сделка была принята, "
            "объявление снова станет доступно другим покупателям."
        ),
        gettext_lazy("Запрос отклонён"),
    ),
    "complete": (
        services.purchase_request_complete,
        gettext_lazy("Отметить предмет переданным"),
        gettext_lazy(
            "Отметьте, что вы передали предмет покупателю. Сделку закрывает покупатель: он "
            "подтвердит получение или откроет спор. Если он не ответит, сделка подтвердится "
            "автоматически через несколько дней."
        ),
        gettext_lazy("Передача отмечена, ждём подтверждения покупателя"),
    ),
    "confirm": (
        services.purchase_request_confirm,
        gettext_lazy("Подтвердить получение"),
        gettext_lazy(
            "Подтвердите, только если предмет действительно у вас. После подтверждения "
            "сделка завершится, открыть по ней спор будет нельзя."
        ),
        gettext_lazy("Получение подтверждено, сделка завершена"),
    ),
    "cancel": (
        services.purchase_request_cancel,
        gettext_lazy("Отменить запрос"),
        gettext_lazy(
            "Продавец получит уведомление. Если сделка была принята, объявление вернётся в продажу."
        ),
        gettext_lazy("Запрос отменён"),
    ),
}


def _timeline(pr: PurchaseRequest) -> list[dict]:
    steps = [{"label": _("Запрос отправлен"), "at": pr.created_at, "state": "done"}]
    if pr.accepted_at:
        steps.append({"label": _("Продавец принял запрос"), "at": pr.accepted_at, "state": "done"})
    if pr.delivered_at:
        steps.append(
            {"label": _("Продавец отметил передачу"), "at": pr.delivered_at, "state": "done"}
        )
    if pr.disputed_at:
        steps.append({"label": _("Покупатель открыл спор"), "at": pr.disputed_at, "state": "done"})
    status = pr.status
    if status in (DealStatus.REJECTED, DealStatus.CANCELLED):
        label = {
            DealStatus.REJECTED: _("Продавец отклонил запрос"),
            DealStatus.CANCELLED: _("Сделка отменена")
            if pr.disputed_at
            else _("Покупатель отменил запрос"),
        }[status]
        steps.append({"label": label, "at": pr.closed_at, "state": "failed"})
        return steps
    if status == DealStatus.COMPLETED:
        label = {
            ConfirmedBy.AUTO: _("Сделка подтверждена автоматически"),
            ConfirmedBy.STAFF: _("Модератор завершил сделку"),
        }.get(pr.completed_by, _("Покупатель подтвердил получение"))
        steps.append({"label": label, "at": pr.completed_at, "state": "done"})
        return steps
    upcoming = {
        DealStatus.PENDING: [_("Ожидает ответа продавца"), _("Передача предмета и оплата")],
        DealStatus.ACCEPTED: [_("Передача предмета и оплата"), _("Покупатель подтверждает")],
        DealStatus.DELIVERED: [_("Покупатель подтверждает получение")],
        DealStatus.DISPUTED: [_("Решение модератора")],
    }[status]
    for i, label in enumerate(upcoming):
        steps.append({"label": label, "at": None, "state": "current" if i == 0 else "todo"})
    return steps


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest, listing_id: int) -> HttpResponse:
    try:
        listing = selectors.listing_get(pk=listing_id)
    except DomainError as exc:
        return error_page(request, exc)
    existing = selectors.purchase_request_open_for(listing=listing, buyer=request.user)
    if existing is not None:
        messages.info(request, _("У вас уже есть открытый запрос на это объявление"))
        return redirect(existing)
    if listing.seller_id == request.user.pk:
        return error_page(request, PermissionDenied(_("Нельзя купить собственное объявление")))
    form = PurchaseRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pr = services.purchase_request_create(
                    listing=listing, buyer=request.user, message=form.cleaned_data["message"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Запрос отправлен продавцу"))
                return redirect(pr)
        else:
            status = 400
    return render(
        request, "market/deal_create.html", {"listing": listing, "form": form}, status=status
    )


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pr = selectors.purchase_request_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    deadline = confirm_deadline(pr)
    if deadline is not None and deadline <= timezone.now():
        # Embedded mode has no beat: a due deal confirms itself when someone looks at it.
        purchase_requests_auto_confirm(pk=pr.pk)
        pr.refresh_from_db()
        deadline = None
    role = pr.role_of(request.user)
    conversation = None
    if pr.listing_id:
        conversation = conversation_find_for_listing(listing_id=pr.listing_id, buyer=pr.buyer)
    reviews = list(pr.reviews.select_related("reviewer"))
    return render(
        request,
        "market/deal_detail.html",
        {
            "pr": pr,
            "role": role,
            "counterpart": pr.buyer if role == "seller" else pr.seller,
            "actions": [
                (name, ACTIONS[name][1] if name in ACTIONS else _("Открыть спор"))
                for name in actions_for(pr=pr, user=request.user)
            ],
            "timeline": _timeline(pr),
            "confirm_deadline": deadline,
            "reviews": reviews,
            "can_review": pr.status == DealStatus.COMPLETED
            and not any(r.reviewer_id == request.user.pk for r in reviews),
            "conversation": conversation,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """accept / reject / complete (seller), cancel / confirm (buyer): GET confirms, POST acts."""
    role = TRANSITIONS[action][0]
    try:
        pr = selectors.purchase_request_get_for(user=request.user, pk=pk, role=role)
    except DomainError as exc:
        return error_page(request, exc)
    service, title, explanation, done = ACTIONS[action]
    context = {
        "pr": pr,
        "action": action,
        "title": title,
        "explanation": explanation,
        "allowed": action in actions_for(pr=pr, user=request.user),
    }
    if request.method == "POST":
        try:
            service(pr=pr, user=request.user)
        except DomainError as exc:
            return error_page(request, exc, template="market/deal_confirm.html", context=context)
        messages.success(request, done)
        return redirect(pr)
    return render(request, "market/deal_confirm.html", context)


@login_required
@require_GET
def deal_chat(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (creating on first use) the deal's chat: the buyer with the seller."""
    try:
        pr = selectors.purchase_request_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    if pr.listing is None:
        messages.error(request, _("Объявление удалено, чат по нему недоступен"))
        return redirect(pr)
    conversation = conversation_start_for_listing(listing=pr.listing, buyer=pr.buyer)
    return redirect(conversation)


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, purchase_request_id: int) -> HttpResponse:
    try:
        pr = selectors.purchase_request_get_for(user=request.user, pk=purchase_request_id)
    except DomainError as exc:
        return error_page(request, exc)
    counterpart = pr.buyer if pr.role_of(request.user) == "seller" else pr.seller
    context = {"pr": pr, "counterpart": counterpart}
    if pr.status != DealStatus.COMPLETED:
        return error_page(
            request,
            InvalidState(_("Отзыв можно оставить только после завершения сделки")),
            context=context,
        )
    if request.method == "GET" and selectors.review_exists(pr=pr, reviewer=request.user):
        messages.info(request, _("Вы уже оставили отзыв по этой сделке"))
        return redirect(pr)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_create(pr=pr, reviewer=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Спасибо! Отзыв опубликован"))
                return redirect(pr)
        else:
            status = 400
    return render(request, "market/review_form.html", {**context, "form": form}, status=status)
