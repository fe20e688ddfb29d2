"""Refuse input no handler should ever see: NUL characters and oversized bodies.

PostgreSQL cannot store U+0000 in text (psycopg raises, a 500), SQLite stores it as-is: the same
request must not mean two things on two databases. So a NUL anywhere in the path (404: such a
path names nothing), the query string or a JSON / form body (400) is refused here, before any
handler runs. A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is 413 on the API.

Web pages get the site's 400 page with the same Russian message, for GET parameters and POSTed
form fields alike (several views read `request.POST` directly, without a form's NUL check; the
one rule in one place keeps them all safe). Uploaded files are not inspected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.common.middleware import error_response, is_api_path

NUL = "\x00"
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _json_has_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def _body_has_nul(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type.endswith("x-www-form-urlencoded"):
        # Form fields only, through Django's parser: uploaded files stream to disk past the
        # in-memory limit (never read `request.body` here) and may well contain NUL bytes.
        return _has_nul(request.POST.keys()) or any(
            _has_nul(request.POST.getlist(k)) for k in request.POST
        )
    body = request.body  # may raise RequestDataTooBig
    if not body:
        return False
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body:  # a JSON string can only carry NUL as this escape
        return False
    try:
        return _json_has_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the handler reports the parse error itself


def _query_has_nul(request: HttpRequest) -> bool:
    return _has_nul(request.GET.keys()) or any(
        _has_nul(request.GET.getlist(k)) for k in request.GET
    )


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # "/" is the API's root for API clients and the home page for browsers
        api = is_api_path(request.path) and not (
            request.path == "/" and "text/html" in request.headers.get("Accept", "")
        )
        if NUL in request.path:
            if api:
                return error_response(404, _("Не найдено"), "not_found")
            from apps.common.views import not_found

            return not_found(request)
        try:
            if _query_has_nul(request):
                return self._bad(request, api)
            if request.method in _BODY_METHODS and _body_has_nul(request):
                return self._bad(request, api)
        except RequestDataTooBig:
            if api:
                return error_response(413, _("Слишком большой запрос"), "payload_too_large")
            raise  # Django answers 400 with the site's page
        except (TooManyFieldsSent, TooManyFilesSent):
            if api:
                return error_response(400, _("Слишком много полей в запросе"))
            raise
        return self.get_response(request)

    @staticmethod
    def _bad(request: HttpRequest, api: bool) -> HttpResponse:
        message = _("Запрос содержит недопустимый символ (NUL)")
        if api:
            return error_response(400, message, "validation_error", code="nul_character")
        return render(request, "errors/400.html", {"message": message}, status=400)
