"""Exchange Chains (`/api/chains/...`) and bilateral matches (`/api/matches/...`).

Both are proposals; one router factory gives them the same actions. Handlers parse, resolve
whom the request acts for (`proposal_actor`: the caller, or staff for anyone), fetch through
the one access gate and call one service.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from apps.accounts.security import auth_required
from apps.common.errors import PermissionDenied
from apps.exchange import proposal_selectors as selectors
from apps.exchange import proposals
from apps.exchange.api import ProposalPage
from apps.exchange.api_matching import check_run_rate
from apps.exchange.matching_runs import matching_run_request
from apps.exchange.models import ProposalKind, ProposalStatus


class ActIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: int | None = None


class DeclineIn(ActIn):
    reason: str = Field("", max_length=500)


class RateIn(ActIn):
    rated_user_id: int
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=1000)


class ListFilters(ProposalPage):
    status: ProposalStatus | None = None


class DiscoverIn(Schema):
    model_config = ConfigDict(extra="forbid")
    min_participants: int = Field(3, ge=2, le=10)
    max_participants: int = Field(10, ge=2, le=10)


def path_id(name: str) -> Callable:
    """Expose a handler's `proposal_id` as `name` (the contract's `{chain_id}`, `{match_id}`)."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs):
            kwargs["proposal_id"] = kwargs.pop(name)
            return func(request, *args, **kwargs)

        sig = inspect.signature(func)
        wrapper.__signature__ = sig.replace(
            parameters=[
                p.replace(name=name) if p.name == "proposal_id" else p
                for p in sig.parameters.values()
            ]
        )
        return wrapper

    return decorate


def make_router(kind: str) -> Router:
    router = Router(
        tags=["Exchange Chains" if kind == ProposalKind.CHAIN else "Matches"], auth=auth_required
    )
    id_name = "chain_id" if kind == ProposalKind.CHAIN else "match_id"
    noun = "exchange chain" if kind == ProposalKind.CHAIN else "exchange"

    def acted(proposal, user, status: str, message: str) -> dict:
        return {
            id_name: proposal.pk,
            "user_id": user.pk,
            "status": status,
            "message": message,
            "proposal_status": proposal.status,
        }

    @router.get("/all", operation_id=f"{kind}_list_all")
    def list_all(request: HttpRequest, filters: Query[ListFilters]):
        """Staff see every proposal; others see the ones they take part in."""
        user = request.auth
        qs = selectors.proposal_list(
            kind=kind, status=filters.status, user_id=None if user.is_staff else user.pk
        )
        return selectors.proposal_page(qs, filters)

    @router.get("/user/{int:user_id}", operation_id=f"{kind}_list_for_user")
    def list_for_user(request: HttpRequest, user_id: int, filters: Query[ListFilters]):
        if user_id != request.auth.pk and not request.auth.is_staff:
            raise PermissionDenied("Можно смотреть только свои обмены", code="not_owner")
        qs = selectors.proposal_list(kind=kind, user_id=user_id, status=filters.status)
        return selectors.proposal_page(qs, filters)

    @router.get(f"/{{int:{id_name}}}", operation_id=f"{kind}_detail")
    @path_id(id_name)
    def detail(request: HttpRequest, proposal_id: int):
        proposal = selectors.proposal_get_for(user=request.auth, pk=proposal_id, kind=kind)
        return selectors.proposal_detail(proposal, viewer=request.auth)

    def gate(request: HttpRequest, proposal_id: int, user_id: int | None):
        actor = proposals.proposal_actor(user=request.auth, user_id=user_id)
        return actor, selectors.proposal_get_for(user=actor, pk=proposal_id, kind=kind)

    @router.post(f"/{{int:{id_name}}}/accept", operation_id=f"{kind}_accept")
    @path_id(id_name)
    def accept(request: HttpRequest, proposal_id: int, payload: ActIn | None = None):
        actor, proposal = gate(request, proposal_id, payload and payload.user_id)
        proposal = proposals.proposal_accept(proposal=proposal, user=actor)
        return acted(proposal, actor, "accepted", f"You've accepted this {noun}")

    @router.post(f"/{{int:{id_name}}}/decline", operation_id=f"{kind}_decline")
    @path_id(id_name)
    def decline(request: HttpRequest, proposal_id: int, payload: DeclineIn | None = None):
        payload = payload or DeclineIn()
        actor, proposal = gate(request, proposal_id, payload.user_id)
        proposal = proposals.proposal_decline(proposal=proposal, user=actor, reason=payload.reason)
        return acted(proposal, actor, "declined", f"You've declined this {noun}")

    @router.post(f"/{{int:{id_name}}}/confirm-receipt", operation_id=f"{kind}_confirm_receipt")
    @path_id(id_name)
    def confirm_receipt(request: HttpRequest, proposal_id: int, payload: ActIn | None = None):
        actor, proposal = gate(request, proposal_id, payload and payload.user_id)
        proposal = proposals.proposal_confirm_receipt(proposal=proposal, user=actor)
        return acted(proposal, actor, "received", "Receipt confirmed")

    @router.post(f"/{{int:{id_name}}}/rate", response={201: dict}, operation_id=f"{kind}_rate")
    @path_id(id_name)
    def rate(request: HttpRequest, proposal_id: int, payload: RateIn):
        actor, proposal = gate(request, proposal_id, payload.user_id)
        rating = proposals.proposal_rate(
            proposal=proposal,
            rater=actor,
            rated_id=payload.rated_user_id,
            score=payload.score,
            comment=payload.comment,
        )
        return Status(
            201,
            {
                id_name: proposal.pk,
                "rating_id": rating.pk,
                "rater_id": actor.pk,
                "rated_user_id": rating.rated_id,
                "score": rating.score,
            },
        )

    return router


chains_router = make_router(ProposalKind.CHAIN)
matches_router = make_router(ProposalKind.BILATERAL)


@chains_router.post("/discover", response={200: dict, 202: dict})
def discover(request: HttpRequest, payload: DiscoverIn | None = None):
    """Find chains of min..max participants now: staff for the whole market, others for
    themselves. Bilateral matches found on the way are stored too (they are the same run).
    Like run-pipeline it waits a few seconds at most: 202 with `run_id` while it runs."""
    payload = payload or DiscoverIn()
    low = min(payload.min_participants, payload.max_participants)
    user = request.auth
    check_run_rate(user)
    run, _started = matching_run_request(
        user_id=None if user.is_staff else user.pk,
        trigger="discover",
        config_overrides={"min_cycle": low, "max_cycle": payload.max_participants},
    )
    rows = [
        selectors.proposal_row(p)
        for p in selectors.proposal_qs()
        .filter(matching_run=run, kind=ProposalKind.CHAIN)
        .order_by("pk")
    ]
    body = {
        "chains_created": len(rows),
        "total_participants": len({u for row in rows for u in row["participants"]}),
        "chains": [
            {
                "id": r["id"],
                "participants": r["total_participants"],
                "items": r["items"],
                "score": r["score"],
            }
            for r in rows
        ],
        "errors": run.errors,
        "run_id": run.pk,
        "status": run.status,
    }
    return Status(202, body) if run.status == "running" else body
