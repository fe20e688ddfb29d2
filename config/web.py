"""The web home page behind `/` for browsers (the API serves JSON there to everyone else)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    from apps.market.views import home as market_home

    return market_home(request)
