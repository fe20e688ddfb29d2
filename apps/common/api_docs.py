"""API documentation people can use (issue 20).

`install_russian_docs(api)` puts the Russian summaries and descriptions of
`apps/common/api_docs_ru.py` into the OpenAPI schema (so /api/openapi.json and Swagger UI show
them). `api_docs_page` is `/docs`: a server-rendered page of the site (its header and footer,
no JavaScript needed, so it paints at once), every operation grouped, with a link to the
interactive Swagger UI (`/docs/swagger`, ninja's assets served locally by whitenoise).
"""

from __future__ import annotations

import copy
import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.common.api_docs_ru import GROUPS, OPS

METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


def localise(schema: dict) -> dict:
    """A copy of `schema` with every known operation's summary and description in Russian."""
    schema = copy.deepcopy(schema)
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            text = OPS.get((method.upper(), path))
            if text:
                op["summary"], op["description"] = text
    return schema


def install_russian_docs(api) -> None:
    """Wrap `api.get_openapi_schema`, once; the schema is built once per process."""
    if getattr(api, "_russian_docs", False):
        return
    original = api.get_openapi_schema

    @functools.wraps(original)
    def get_openapi_schema(*args, **kwargs):
        key = repr(sorted((kwargs.get("path_params") or {}).items())) + str(
            kwargs.get("path_prefix")
        )
        if key not in cache:
            cache[key] = localise(original(*args, **kwargs))
        return copy.deepcopy(cache[key])

    cache: dict[str, dict] = {}
    api.get_openapi_schema = get_openapi_schema
    api._russian_docs = True


def _group(path: str) -> str:
    parts = [p for p in path.split("/") if p and p not in {"api", "v1"}]
    return GROUPS.get(parts[0] if parts else "", "Прочее")


def operations(schema: dict) -> list[dict]:
    """[{title, ops: [{method, path, summary, description, auth}]}] in the schema's order."""
    groups: dict[str, list[dict]] = {}
    for path, ops in schema.get("paths", {}).items():
        for method, op in sorted(ops.items(), key=lambda kv: METHOD_ORDER.get(kv[0].upper(), 9)):
            groups.setdefault(_group(path), []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "auth": bool(op.get("security")),
                    "anchor": op.get("operationId", ""),
                }
            )
    return [{"title": title, "ops": ops} for title, ops in groups.items()]


def api_docs_page(request: HttpRequest, api) -> HttpResponse:
    schema = api.get_openapi_schema(path_params={})
    return render(
        request,
        "api_docs.html",
        {
            "groups": operations(schema),
            "title": schema.get("info", {}).get("title", "API"),
            "version": schema.get("info", {}).get("version", ""),
            "openapi_url": "/api/openapi.json",
            "swagger_url": "/docs/swagger",
        },
    )
