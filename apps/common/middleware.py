"""Every error under the API's prefixes leaves in the contract's body, whoever produced it.

Ninja's own handlers cover errors raised in operations; this catches the rest: unknown paths,
wrong methods (405 from the router), Django's 500 page, CSRF failures.

The body is `{"detail", "status_code", "error_type", "code"}`: the contract's three keys plus a
stable `code` a client can branch on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/auth/", "/user/", "/v1/", "/health")

ERROR_TYPES = {
    400: "validation_error",
    401: "authentication_error",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}
DETAILS = {
    400: "Некорректный запрос",
    401: "Требуется авторизация",
    403: "Недостаточно прав",
    404: "Не найдено",
    405: "Метод не поддерживается",
    409: "Конфликт",
    413: "Слишком большой запрос",
    429: "Слишком много запросов",
    500: "Внутренняя ошибка сервера",
    503: "Сервис временно недоступен, попробуйте позже",
}


def is_api_path(path: str) -> bool:
    return path == "/" or path.startswith(API_PREFIXES)


def error_response(
    status: int, detail: str, error_type: str | None = None, *, code: str | None = None
) -> JsonResponse:
    """The contract's three keys, plus `code`: the stable, machine-readable reason (a
    DomainError's code, e.g. `already_answered` vs `proposal_changed`); it defaults to the
    error type when there is nothing more specific to say."""
    error_type = error_type or ERROR_TYPES.get(status, "server_error")
    body = {
        "detail": detail,
        "status_code": status,
        "error_type": error_type,
        "code": code or error_type,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _with_headers(replaced: HttpResponse, original: HttpResponse) -> HttpResponse:
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in original:
            replaced[header] = original[header]
    return replaced


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PREFIXES):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(response.content or b"{}")
            except ValueError:
                body = None
            if isinstance(body, dict) and {"detail", "status_code", "error_type"} <= body.keys():
                if "code" in body:
                    return response
                # a body built elsewhere in the contract's format: add the stable code
                replaced = error_response(
                    response.status_code, str(body["detail"]), str(body["error_type"])
                )
                return _with_headers(replaced, response)
        replaced = error_response(response.status_code, DETAILS.get(response.status_code, "Ошибка"))
        return _with_headers(replaced, response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIXES):
            return None
        logger.exception("Unhandled error on %s", request.path, exc_info=exception)
        return error_response(500, DETAILS[500], "server_error")
