"""Blocking pages: block or unblock from a profile, the list of people I blocked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.blocks import blocked_by, user_block, user_unblock
from apps.accounts.models import User
from apps.common.errors import DomainError
from apps.exchange.proposal_trust import proposals_cancel_between
from apps.market.web import error_page


@login_required
@require_POST
def block(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        if user_block(blocker=request.user, blocked=person):
            proposals_cancel_between(a_id=request.user.pk, b_id=person.pk)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(
        request,
        _(
            "%(name)s заблокирован(а): чат, покупки и обмены между вами закрыты. Он(а) об этом не узнает."
        )
        % {"name": person.username},
    )
    return redirect("accounts:profile", username=person.username)


@login_required
@require_POST
def unblock(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    user_unblock(blocker=request.user, blocked=person)
    messages.success(request, _("%(name)s разблокирован(а)") % {"name": person.username})
    if request.POST.get("next") == "list":
        return redirect("moderation:blocked")
    return redirect("accounts:profile", username=person.username)


@login_required
@require_GET
def blocked_list(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/blocked.html", {"blocks": blocked_by(user=request.user)})
