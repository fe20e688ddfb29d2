"""Matching endpoints (`/api/matching/...`): run the pipeline, its status, sample scenarios."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from apps.accounts.security import auth_required
from apps.common import ratelimit
from apps.common.errors import PermissionDenied, RateLimited
from apps.exchange.matching_runs import matching_run_request
from apps.exchange.run_status import matching_status
from apps.exchange.sample_scenarios import SCENARIOS, scenario_run

router = Router(tags=["Matching"])


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: int | None = None


class TestFlowIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scenario: Literal["bilateral", "chains", "locations", "scoring", "full"] = "full"


def check_run_rate(user) -> None:
    """Runs started over HTTP are limited per caller (staff too): RATE_LIMITS["matching_run"]."""
    wait = ratelimit.hit("matching_run", f"user:{user.pk}")
    if wait is not None:
        raise RateLimited(
            "Слишком много запусков подбора, попробуйте позже",
            retry_after=wait,
            code="matching_rate_limited",
        )


@router.post("/run-pipeline", response={200: dict, 202: dict}, auth=auth_required)
def run_pipeline(request: HttpRequest, payload: RunIn | None = None):
    """One user (the caller; staff: anyone) or, for staff with `user_id: null`, the market.

    A non-staff caller without `user_id` runs for themself. One run per scope at a time: a
    request while one runs gets that run. The answer waits a few seconds at most: 200 with the
    contract's counts when the run is done, else 202 with its `run_id` and `status: running`
    (poll `GET /api/matching/status`).
    """
    user = request.auth
    user_id = payload.user_id if payload else None
    if user_id is not None and user_id != user.pk and not user.is_staff:
        raise PermissionDenied("Запускать подбор можно только для себя", code="not_self")
    if user_id is None and not user.is_staff:
        user_id = user.pk
    check_run_rate(user)
    run, started = matching_run_request(user_id=user_id, trigger="api")
    body = {
        "bilateral_matches": run.bilateral_count,
        "exchange_chains": run.chain_count,
        "total_participants": run.participant_count,
        "errors": run.errors,
        "run_id": run.pk,
        "status": run.status,
        "already_running": not started,
    }
    if run.status == "running":
        return Status(202, body)
    return body


@router.get("/status")
def status(request: HttpRequest):
    return matching_status()


@router.post("/test-flow", auth=auth_required)
def test_flow(request: HttpRequest, payload: TestFlowIn):
    """Sample markets built in a transaction that is rolled back: staff or DEBUG only."""
    if not (request.auth.is_staff or settings.DEBUG):
        raise PermissionDenied("Тестовые сценарии доступны только персоналу", code="staff_only")
    if payload.scenario == "full":
        results = [scenario_run(name) for name in SCENARIOS]
        return {
            "test": "full",
            "passed": all(r["passed"] for r in results),
            "matches_found": sum(r["matches_found"] for r in results),
            "details": "; ".join(f"{r['test']}: {r['details']}" for r in results),
            "results": results,
        }
    return scenario_run(payload.scenario)
