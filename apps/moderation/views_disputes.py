"""Dispute pages: open one (deal or exchange), the timeline with messages, staff decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.twofactor import session_passed_2fa
from apps.common.errors import DomainError
from apps.exchange.proposal_selectors import proposal_get_for
from apps.market import selectors as market_selectors
from apps.market.services.deals import actions_for
from apps.market.web import error_page
from apps.moderation import disputes
from apps.moderation.forms import DisputeDecisionForm, DisputeMessageForm, DisputeOpenForm
from apps.moderation.views_staff import to_2fa_setup


def _open(request, *, form, target, template_ctx, service, **service_kwargs) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                dispute = service(
                    user=request.user,
                    reason=data["reason"],
                    text=data["text"],
                    image=data.get("image") or None,
                    **service_kwargs,
                    **({"respondent_id": data["respondent"]} if "respondent" in data else {}),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Спор открыт, модератор рассмотрит его"))
                return redirect(dispute)
        else:
            status = 400
    return render(
        request, "moderation/dispute_open.html", {**template_ctx, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_open_deal(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pr = market_selectors.purchase_request_get_for(user=request.user, pk=pk, role="buyer")
    except DomainError as exc:
        return error_page(request, exc)
    if "dispute" not in actions_for(pr=pr, user=request.user):
        existing = disputes.dispute_open_for(pr=pr)
        if existing is not None:
            return redirect(existing)
        messages.error(request, _("По этой сделке сейчас нельзя открыть спор"))
        return redirect(pr)
    form = DisputeOpenForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        reasons=disputes.DEAL_REASONS,
    )
    return _open(
        request,
        form=form,
        target=pr,
        template_ctx={"subject": pr.listing_title, "back": pr.get_absolute_url()},
        service=disputes.dispute_open_for_deal,
        pr=pr,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_open_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal = proposal_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    respondents = [
        (p.user_id, p.user.username)
        for p in proposal.participants.select_related("user")
        if p.user_id != request.user.pk
    ]
    form = DisputeOpenForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        respondents=respondents,
    )
    return _open(
        request,
        form=form,
        target=proposal,
        template_ctx={
            "subject": _("Обмен №%(n)s") % {"n": proposal.pk},
            "back": f"/exchange/proposals/{proposal.pk}/",
        },
        service=disputes.dispute_open_for_proposal,
        proposal=proposal,
    )


@login_required
@require_GET
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dispute = disputes.dispute_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    if _staff_without_2fa(request, dispute):
        return to_2fa_setup(request)
    return _detail(request, dispute)


def _staff_without_2fa(request, dispute) -> bool:
    """Staff look into other people's disputes only from a 2FA-passed session."""
    user = request.user
    return (
        user.is_staff
        and user.pk not in (dispute.opened_by_id, dispute.respondent_id)
        and not session_passed_2fa(request)
    )


def _detail(request, dispute, *, message_form=None, decision_form=None, status=200):
    return render(
        request,
        "moderation/dispute_detail.html",
        {
            "dispute": dispute,
            "events": dispute.events.select_related("author"),
            "message_form": message_form or DisputeMessageForm(),
            "decision_form": decision_form or DisputeDecisionForm(),
            "is_staff": request.user.is_staff,
        },
        status=status,
    )


@login_required
@require_POST
def dispute_message(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dispute = disputes.dispute_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    if _staff_without_2fa(request, dispute):
        return to_2fa_setup(request)
    form = DisputeMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            disputes.dispute_message_add(
                dispute=dispute,
                user=request.user,
                text=form.cleaned_data["text"],
                image=form.cleaned_data.get("image") or None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _detail(request, dispute, message_form=form, status=exc.status_code)
        return redirect(dispute)
    return _detail(request, dispute, message_form=form, status=400)


@login_required
@require_POST
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dispute = disputes.dispute_get_for(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    if not request.user.is_staff:
        return error_page(
            request,
            disputes.NotFound("Спор не найден", code="dispute_not_found"),
        )
    if not session_passed_2fa(request):
        return to_2fa_setup(request)
    form = DisputeDecisionForm(request.POST)
    if form.is_valid():
        try:
            disputes.dispute_decide(dispute=dispute, staff=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _detail(request, dispute, decision_form=form, status=exc.status_code)
        messages.success(request, _("Решение записано, участники уведомлены"))
        return redirect(dispute)
    return _detail(request, dispute, decision_form=form, status=400)
