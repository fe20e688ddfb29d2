"""The want list page: the candidate offers of one's want, with "подходит" / "не подходит"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.common.errors import DomainError, NotFound
from apps.exchange import wantlists

PER_PAGE = 20


def _own_want(request: HttpRequest, pk: int):
    try:
        return wantlists.want_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def want_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    want = _own_want(request, pk)
    page = Paginator(wantlists.want_candidates(want=want), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "exchange/want_candidates.html", {"want": want, "page": page})


@login_required
@require_POST
def want_mark(request: HttpRequest, pk: int, offer_id: int) -> HttpResponse:
    """One of the two buttons (or "снять отметку"); back to the same page of the list."""
    want = _own_want(request, pk)
    verdict = request.POST.get("verdict", "")
    try:
        if verdict == "clear":
            wantlists.want_mark_clear(want=want, user=request.user, offer_id=offer_id)
            messages.success(request, _("Отметка снята."))
        else:
            wantlists.want_mark_set(
                want=want, user=request.user, offer_id=offer_id, verdict=verdict
            )
            messages.success(
                request,
                _("Отмечено: подходит. Такой обмен предложим в первую очередь.")
                if verdict == "yes"
                else _("Отмечено: не подходит. Это предложение больше не предложим."),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    url = reverse("exchange:want_candidates", args=[want.pk])
    page = request.POST.get("page", "")
    if page.isdigit():
        url += f"?page={page}"
    return redirect(f"{url}#offer-{offer_id}")
