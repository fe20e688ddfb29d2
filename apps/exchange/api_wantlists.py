"""Want lists (`/api/listings/{want_id}/candidates`, `/api/listings/{want_id}/marks/...`).

Owner only: another user's want (or an offer) answers 404 and nothing changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict

from apps.accounts.security import auth_required
from apps.common.pagination import PageParams
from apps.exchange import wantlists
from apps.exchange.api import item_out
from apps.exchange.schemas import ItemOut

router = Router(tags=["Want lists"])


class ReasonOut(Schema):
    code: str
    message: str
    value: float


class CandidateOut(Schema):
    offer: ItemOut
    compatible: bool
    score: float | None
    reasons: list[ReasonOut]
    verdict: Literal["yes", "no"] | None


class MarkIn(Schema):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["yes", "no"]


class MarkOut(Schema):
    want_id: int
    offer_id: int
    verdict: str
    created_at: datetime
    updated_at: datetime


def candidate_out(candidate: wantlists.Candidate) -> dict:
    leg = candidate.leg
    return {
        "offer": item_out(candidate.offer),
        "compatible": leg is not None,
        "score": round(leg.score, 4) if leg else None,
        "reasons": [
            {"code": r.code, "message": r.message_ru, "value": r.value}
            for r in (leg.reasons if leg else ())
        ],
        "verdict": candidate.verdict,
    }


@router.get("/{int:want_id}/candidates", response=list[CandidateOut], auth=auth_required)
def candidates(request: HttpRequest, response: HttpResponse, want_id: int, page: Query[PageParams]):
    """The offers the engine would consider for the caller's want, best first; total in
    `X-Total-Count`. Sorting is fixed (by score), so `sort`/`order` are ignored."""
    want = wantlists.want_get_for(user=request.auth, pk=want_id)
    rows = wantlists.want_candidates(want=want)
    response["X-Total-Count"] = str(len(rows))
    return [candidate_out(c) for c in rows[page.skip : page.skip + page.limit]]


@router.get("/{int:want_id}/marks", response=list[MarkOut], auth=auth_required)
def marks(request: HttpRequest, want_id: int):
    want = wantlists.want_get_for(user=request.auth, pk=want_id)
    return list(wantlists.want_marks_list(want=want))


@router.put("/{int:want_id}/marks/{int:offer_id}", response=MarkOut, auth=auth_required)
def mark_set(request: HttpRequest, want_id: int, offer_id: int, payload: MarkIn):
    want = wantlists.want_get_for(user=request.auth, pk=want_id)
    return wantlists.want_mark_set(
        want=want, user=request.auth, offer_id=offer_id, verdict=payload.verdict
    )


@router.delete("/{int:want_id}/marks/{int:offer_id}", response={204: None}, auth=auth_required)
def mark_clear(request: HttpRequest, want_id: int, offer_id: int):
    want = wantlists.want_get_for(user=request.auth, pk=want_id)
    wantlists.want_mark_clear(want=want, user=request.auth, offer_id=offer_id)
    return Status(204, None)
