"""FreeMarket web: the user's proposals (bilateral matches and chains) and their actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.twofactor import session_passed_2fa
from apps.chat.models import Conversation
from apps.common.errors import DomainError, NotFound
from apps.exchange import proposal_selectors as selectors
from apps.exchange import proposal_trust
from apps.exchange import proposals as services
from apps.exchange.cycle_svg import cycle_layout
from apps.exchange.models import HOLDING_STATUSES, ProposalRating, ProposalStatus
from apps.exchange.proposal_explain import chance_line, completion_chance, legs_why

STATUS_FILTERS = {
    "open": HOLDING_STATUSES,
    "done": (ProposalStatus.COMPLETED,),
    "closed": (ProposalStatus.DECLINED, ProposalStatus.EXPIRED, ProposalStatus.CANCELLED),
}


REVEALED = (ProposalStatus.CONFIRMED, ProposalStatus.COMPLETED)


def _cards(proposals: list, user) -> list[dict]:
    """What the template needs per proposal; ratings and chats in one query each."""
    ids = [p.pk for p in proposals]
    rated: dict[int, set[int]] = {}
    for proposal_id, rated_id in ProposalRating.objects.filter(
        proposal_id__in=ids, rater=user
    ).values_list("proposal_id", "rated_id"):
        rated.setdefault(proposal_id, set()).add(rated_id)
    chats = {
        c.topic_key: c
        for c in Conversation.objects.filter(topic_key__in=[f"proposal:{pk}" for pk in ids])
    }
    why = legs_why([leg for p in proposals for leg in p.legs.all()])
    return [
        _card(p, user, rated.get(p.pk, set()), chats.get(f"proposal:{p.pk}"), why)
        for p in proposals
    ]


def _card(proposal, user, rated: set[int], chat, why: dict) -> dict:
    detail = selectors.proposal_detail(proposal, viewer=user)
    legs = list(proposal.legs.all())
    for leg, row in zip(legs, detail["legs"], strict=True):
        row["why"] = why[leg.pk].lines
    me = next((m for m in detail["members"] if m["user_id"] == user.pk), None)
    completed = proposal.status == ProposalStatus.COMPLETED
    return {
        "proposal": proposal,
        "detail": detail,
        "svg": cycle_layout(detail, viewer_id=user.pk),
        "chance": chance_line(completion_chance(legs)),
        "me": me,
        "can_answer": proposal.status == ProposalStatus.PENDING
        and me
        and me["decision"] == "pending",
        "can_confirm": proposal.status == ProposalStatus.CONFIRMED and me and not me["received"],
        "to_rate": [
            m
            for m in detail["members"]
            if completed and me and m["user_id"] != user.pk and m["user_id"] not in rated
        ],
        "chat": chat if proposal.status in REVEALED else None,
    }


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in STATUS_FILTERS:
        show = "open"
    qs = (
        selectors.proposal_list(user_id=request.user.pk)
        .filter(status__in=STATUS_FILTERS[show])
        .order_by("-created_at", "-id")[:50]
    )
    cards = _cards(list(qs), request.user)
    return render(request, "exchange/proposals.html", {"cards": cards, "show": show})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if (
        request.user.is_staff
        and not session_passed_2fa(request)
        and not proposal.participants.filter(user=request.user).exists()
    ):
        raise Http404  # staff look at others' exchanges from a 2FA-passed session only
    return render(
        request, "exchange/proposal_detail.html", {"card": _cards([proposal], request.user)[0]}
    )


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    try:
        proposal = selectors.proposal_get_for(user=request.user, pk=pk)
        if request.user.is_staff and not proposal.participants.filter(user=request.user).exists():
            raise Http404  # staff look, they do not act for others on the web
        message = action(proposal)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("exchange:proposal_detail", pk=pk)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def run(proposal):
        result = services.proposal_accept(proposal=proposal, user=request.user)
        if result.status == ProposalStatus.CONFIRMED:
            return _("Все согласились! Контакты участников открыты.")
        return _("Вы согласились. Ждём ответа остальных участников.")

    return _act(request, pk, run)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:500]

    def run(proposal):
        services.proposal_decline(proposal=proposal, user=request.user, reason=reason)
        return _("Вы отказались от этого обмена. Подберём другие варианты.")

    return _act(request, pk, run)


@login_required
@require_POST
def proposal_confirm_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    def run(proposal):
        result = services.proposal_confirm_receipt(proposal=proposal, user=request.user)
        if result.status == ProposalStatus.COMPLETED:
            return _("Обмен завершён. Оцените партнёров!")
        return _("Получение подтверждено.")

    return _act(request, pk, run)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Pull out of a confirmed exchange before the handover, with a reason (trust)."""
    reason = request.POST.get("reason", "")[:500]

    def run(proposal):
        proposal_trust.proposal_withdraw(proposal=proposal, user=request.user, reason=reason)
        return _("Вы вышли из обмена. Остальным участникам подберём новые варианты.")

    return _act(request, pk, run)


@login_required
@require_POST
def proposal_rate(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rated_id = int(request.POST.get("rated_id", ""))
        score = int(request.POST.get("score", ""))
    except ValueError:
        messages.error(request, _("Выберите оценку от 1 до 5."))
        return redirect("exchange:proposal_detail", pk=pk)
    comment = request.POST.get("comment", "")

    def run(proposal):
        services.proposal_rate(
            proposal=proposal, rater=request.user, rated_id=rated_id, score=score, comment=comment
        )
        return _("Спасибо за оценку!")

    return _act(request, pk, run)


@login_required
@require_POST
def proposal_discover(request: HttpRequest) -> HttpResponse:
    """Look for exchanges for the signed-in user now (also runs by itself after changes)."""
    from apps.exchange.matching_runs import matching_run_request

    run, _started = matching_run_request(user_id=request.user.pk, trigger="web")
    found = run.bilateral_count + run.chain_count
    if run.status == "running":
        messages.info(request, _("Подбор идёт. Мы сообщим, когда найдём обмены."))
    elif run.status != "success":
        messages.error(request, _("Подбор сейчас не удался, попробуйте позже."))
    elif found:
        messages.success(request, _("Найдено новых обменов: %(n)s") % {"n": found})
    elif open_count := (
        selectors.proposal_list(user_id=request.user.pk).filter(status__in=HOLDING_STATUSES).count()
    ):
        # Never "no exchanges" above the proposals the user already has: say no NEW ones.
        messages.info(
            request,
            _("Новых вариантов не нашлось. Ваши открытые предложения (%(n)s) — в списке ниже.")
            % {"n": open_count},
        )
    else:
        messages.info(request, _("Подходящих обменов пока нет. Мы сообщим, когда они появятся."))
    return redirect(reverse("exchange:proposals") + "?show=open")
