"""Every API error carries a stable `code` beside the contract's keys, so a client can tell
two refusals with the same status apart."""

from __future__ import annotations

import json

import pytest

from apps.common.testing import assert_error
from apps.exchange.tests.helpers import person, proposal_for

pytestmark = pytest.mark.django_db


def test_accept_twice_and_accept_declined_have_different_codes(api, other_api, owner, other):
    chain = proposal_for([owner, other, person("third")])
    assert api.post(f"/api/chains/{chain.pk}/accept", {}).status_code == 200

    twice = assert_error(api.post(f"/api/chains/{chain.pk}/accept", {}), 409, "invalid_state")
    assert twice["code"] == "already_answered"

    assert other_api.post(f"/api/chains/{chain.pk}/decline", {}).status_code == 200
    declined = assert_error(api.post(f"/api/chains/{chain.pk}/accept", {}), 409, "invalid_state")
    assert declined["code"] == "proposal_declined"
    assert declined["code"] != twice["code"]


def test_validation_error_has_code(api):
    body = assert_error(api.get("/api/listings/wants", {"limit": 0}), 400, "validation_error")
    assert body["code"] == "validation_error"


def test_unknown_path_and_missing_auth_have_codes(anon_api):
    assert assert_error(anon_api.get("/api/no-such-thing"), 404)["code"] == "not_found"
    body = assert_error(anon_api.get("/auth/me"), 401, "authentication_error")
    assert body["code"] == "authentication_error"


def test_bad_token_code_says_why(anon_api):
    body = assert_error(
        anon_api.get("/auth/me", headers={"Authorization": "Bearer not-a-jwt"}), 401
    )
    assert body["code"] == "token_invalid"


def test_a_body_built_elsewhere_gains_the_code(rf):
    from django.http import JsonResponse

    from apps.common.middleware import ApiErrorMiddleware

    legacy = {"detail": "Нет", "status_code": 429, "error_type": "rate_limited"}

    def view(request):
        response = JsonResponse(legacy, status=429)
        response["Retry-After"] = "7"
        return response

    response = ApiErrorMiddleware(view)(rf.get("/api/anything"))
    assert response.status_code == 429 and response["Retry-After"] == "7"
    assert json.loads(response.content) == {**legacy, "code": "rate_limited"}
