"""The OpenAPI schema says what the server really answers: every error status an operation can
give, in the contract's error body.

Ninja documents only the success response. `document_errors` adds, per operation:
- 400 always (validation, a NUL character anywhere in the request);
- 401 when the operation authenticates (required or optional bearer: a bad token is 401);
- 404 when the path names an object (and where a service looks one up from the query or body);
- 413 when it takes a body (over DATA_UPLOAD_MAX_MEMORY_SIZE);
- 429 when it is throttled (by a ninja throttle, or inside the handler: listed in `EXTRA`);
- 403 / 409 / 503 where the services raise them (`EXTRA` below, kept beside the code it
  describes: a new `PermissionDenied` / `Conflict` in a service means a line here; the fuzz test
  in tests/test_schema_fuzz.py fails on an undocumented status).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "The contract's error body plus `code`, a stable machine-readable reason.",
    "properties": {
        "detail": {"type": "string", "description": "Сообщение для пользователя (по-русски)"},
        "status_code": {"type": "integer", "minimum": 400, "maximum": 599},
        "error_type": {"type": "string"},
        "code": {"type": "string", "description": "Стабильный код причины"},
    },
    "required": ["detail", "status_code", "error_type", "code"],
}

DESCRIPTIONS = {
    400: "Некорректный запрос (валидация, недопустимый символ NUL)",
    401: "Требуется авторизация или токен недействителен",
    403: "Недостаточно прав",
    404: "Не найдено",
    409: "Конфликт с текущим состоянием",
    413: "Слишком большой запрос",
    429: "Слишком много запросов (см. Retry-After)",
    503: "Хранилище токенов временно недоступно (см. Retry-After)",
}

_PROPOSAL_ACTIONS = {403, 409}
_TOKEN_STORE = {503}
EXTRA: dict[str, set[int]] = {
    # accounts
    # (sign-up, login and refresh are throttled inside the handler: apps/accounts/throttles.py)
    "apps_accounts_api_create_user": {409, 429},
    "apps_accounts_api_register": {409, 429},
    "apps_accounts_api_set_locations": {403},
    "apps_accounts_api_login": {401, 403, 429} | _TOKEN_STORE,  # 403: staff without 2FA
    "apps_accounts_api_refresh": {401, 429} | _TOKEN_STORE,
    "apps_accounts_api_logout": _TOKEN_STORE,
    "apps_accounts_api_change_password": _TOKEN_STORE,
    "apps_accounts_api_revoke_sessions": _TOKEN_STORE,
    "apps_accounts_cabinet_api_update_profile": {409},
    # catalog: an unknown `version` is 404
    "apps_catalog_api_categories": {404},
    # listings
    "apps_exchange_api_update_item": {403, 409},
    "apps_exchange_api_archive_item": {403, 409},
    # matching
    # runs are rate limited per caller inside the handler (apps/exchange/api_matching.py)
    "apps_exchange_api_matching_run_pipeline": {403, 404, 429},
    "apps_exchange_api_matching_test_flow": {403},
    # proposals (chains and bilateral matches); `user_id` in the body may name nobody: 404
    "chain_list_all": {403},
    "chain_list_for_user": {403},
    "bilateral_list_all": {403},
    "bilateral_list_for_user": {403},
    "chain_accept": _PROPOSAL_ACTIONS,
    "chain_decline": _PROPOSAL_ACTIONS,
    "chain_confirm_receipt": _PROPOSAL_ACTIONS,
    "chain_rate": _PROPOSAL_ACTIONS,
    "bilateral_accept": _PROPOSAL_ACTIONS,
    "bilateral_decline": _PROPOSAL_ACTIONS,
    "bilateral_confirm_receipt": _PROPOSAL_ACTIONS,
    "bilateral_rate": _PROPOSAL_ACTIONS,
    "apps_exchange_api_chains_discover": {403, 429},
    # trust and safety (apps/moderation/api.py): reports, disputes, withdrawals
    "apps_moderation_api_report_create": {403, 404, 409},
    "apps_moderation_api_withdraw": {403, 409},
    "apps_moderation_api_dispute_open": {403, 409},
    "apps_moderation_api_dispute_message": {403, 409},
    # notifications
    "apps_notifications_api_list_notifications": {403},
    "apps_notifications_api_stream_ticket": _TOKEN_STORE,
}


def _operation_facts(api: NinjaAPI) -> dict[str, tuple[bool, bool]]:
    """operation id -> (authenticates, throttled)."""
    facts: dict[str, tuple[bool, bool]] = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                op_id = op.operation_id or api.get_openapi_operation_id(op)
                facts[op_id] = (bool(op.auth_callbacks), bool(op.throttle_objects))
    return facts


def document_errors(api: NinjaAPI, schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    facts = _operation_facts(api)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            op_id = operation["operationId"]
            authenticates, throttled = facts.get(op_id, (False, False))
            codes = {400} | EXTRA.get(op_id, set())
            if authenticates:
                codes.add(401)
            if "{" in path:
                codes.add(404)
            if "requestBody" in operation or method in ("post", "put", "patch"):
                codes.add(413)
            if throttled:
                codes.add(429)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return schema


class DocumentedErrorsAPI(NinjaAPI):
    """A NinjaAPI whose schema documents the error answers (see `document_errors`)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(self, schema)
