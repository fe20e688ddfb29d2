"""Helpers shared by the web views: turning domain errors into pages, pagination."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.common.errors import DomainError, NotFound

PER_PAGE = 12


def error_page(
    request: HttpRequest,
    exc: DomainError,
    *,
    template: str = "errors/domain.html",
    context: dict | None = None,
) -> HttpResponse:
    """Show a refused action: 404 for what the user may not know about, else the message."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return render(
        request, template, {**(context or {}), "error": exc.message}, status=exc.status_code
    )


def paginate(request: HttpRequest, queryset, per_page: int = PER_PAGE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
