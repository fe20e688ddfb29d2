from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.common.errors import DomainError
from apps.notifications import selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "all")
    if status not in {"all", "pending", "read"}:
        status = "all"
    page = Paginator(selectors.notification_list(user=request.user, status=status), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "status": status})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one as read and follow its link (POST: reading changes state)."""
    try:
        notification = services.notification_get_for(user=request.user, pk=pk)
    except DomainError:
        return redirect("notifications:list")
    services.notification_mark_read(notification=notification)
    url = notification.url
    return redirect(
        url if url.startswith("/") and not url.startswith("//") else "notifications:list"
    )


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
