"""What a request does when Redis (cache, token store, rate limits, event broker) is down.

Decided per use (docs/security.md, "Redis outage"):
- rate limits fail open (`cache_unavailable` below lets them tell an outage from a bug);
- access-token revocation falls back to the `AuthSession` row in the database;
- what truly needs the store (issuing or rotating refresh tokens, stream tickets) fails, and
  the failure leaves as 503 with Retry-After in the contract's error body (API) or the site's
  503 page, never a 500: `config/api.py` and `OutageMiddleware` map `OUTAGE_ERRORS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from apps.common.middleware import error_response, is_api_path

logger = logging.getLogger(__name__)

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5


def cache_unavailable(exc: BaseException) -> bool:
    """True for the errors a dead or unreachable Redis raises."""
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        response = error_response(
            503,
            _("Сервис временно недоступен, попробуйте позже"),
            "service_unavailable",
            code="store_unavailable",
        )
    else:
        response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    """Web pages (and API paths outside ninja): a Redis outage is a 503, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not cache_unavailable(exception):
            return None
        logger.warning("Redis unavailable on %s: %s", request.path, exception)
        return outage_response(request)
