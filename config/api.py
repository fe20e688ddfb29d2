"""The one NinjaAPI of the project and its error handling.

Every error leaves as `{"detail", "status_code", "error_type"}` (the contract's format) plus a
stable `code` (the DomainError's code; the error type when nothing more specific applies):
domain errors from services, validation errors (400, not ninja's 422), auth, throttling (429 with
Retry-After) and anything unexpected (500, logged, no stack trace).
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from apps.accounts.api import auth_router, users_router
from apps.accounts.cabinet_api import router as cabinet_router
from apps.catalog.api import router as categories_router
from apps.common.errors import DomainError, RateLimited, ServiceUnavailable
from apps.common.middleware import error_response
from apps.common.openapi import DocumentedErrorsAPI
from apps.common.outage import outage_response
from apps.common.overload import PoolTimeout, is_overload_error, overload_response
from apps.exchange.api import router as listings_router
from apps.exchange.api_chains import chains_router, matches_router
from apps.exchange.api_matching import router as matching_router
from apps.exchange.api_wantlists import router as wantlists_router  # want lists (issue 14)
from apps.moderation.api import router as trust_router
from apps.notifications.api import events_router
from apps.notifications.api import router as notifications_router

logger = logging.getLogger(__name__)


class UnicodeJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = DocumentedErrorsAPI(  # NinjaAPI + the error answers in the schema (secrobust)
    renderer=UnicodeJSONRenderer(),
    title="FreeMarket API",
    version="1.0.0",
    description="Бартерная биржа FreeMarket: пользователи, желания и предложения, "
    "цепочки обмена. Ошибки: {detail, status_code, error_type}.",
    openapi_url="/api/openapi.json",
    docs_url="/docs/swagger",  # /docs is the readable page (apps/common/api_docs.py)
    urls_namespace="api",
)


def _describe_validation(errors: list[dict]) -> str:
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query"))
        msg = err.get("msg", "Некорректное значение")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "Некорректный запрос"


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(exc.status_code, exc.message, exc.error_type, code=exc.code)
    if isinstance(exc, RateLimited | ServiceUnavailable):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(400, _describe_validation(exc.errors), "validation_error")


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = error_response(429, "Слишком много запросов, попробуйте позже", "rate_limited")
    if exc.wait:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "Требуется авторизация", "authentication_error")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "Не найдено", "not_found")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(413, "Слишком большой запрос", "payload_too_large")


@api.exception_handler(RedisConnectionError)
@api.exception_handler(RedisTimeoutError)
def on_store_outage(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("Redis unavailable on %s: %s", request.path, exc)
    return outage_response(request)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    if "text/html" in request.headers.get("Accept", ""):
        from apps.common.views import server_error_page

        return server_error_page(request)
    return error_response(500, "Внутренняя ошибка сервера", "server_error")


# perf (#16): no database connection to be had (pool exhausted, too many clients) -> 503.
@api.exception_handler(OperationalError)
@api.exception_handler(PoolTimeout)
def on_operational_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_overload_error(exc):
        return overload_response(request)
    return on_unexpected(request, exc)


api.add_router("/api/users", users_router)
api.add_router("/auth", auth_router)
api.add_router("/user", cabinet_router)
api.add_router("/v1/categories", categories_router)
api.add_router("/api/listings", listings_router)
api.add_router("/api/listings", wantlists_router)  # want lists (issue 14)
api.add_router("/api/matching", matching_router)
api.add_router("/api/chains", chains_router)
api.add_router("/api/matches", matches_router)
api.add_router("/api/notifications", notifications_router)
api.add_router("/api/events", events_router)
api.add_router("/api", trust_router)  # trust (issue 17): withdraw, disputes, reports, blocks


@api.get("/health", tags=["Health"])
def health(request: HttpRequest):
    return {"status": "ok", "message": "FreeMarket API is running"}


@api.get("/", tags=["Health"])
def root(request: HttpRequest):
    """JSON for API clients; a browser (Accept: text/html) gets the web home page."""
    accept = request.headers.get("Accept", "")
    if "text/html" in accept:
        from config.web import home

        return home(request)
    return {"message": "FreeMarket API", "version": "1.0.0"}
