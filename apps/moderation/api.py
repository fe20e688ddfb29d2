"""Trust & safety for API clients (FreeMarket): withdraw from a confirmed exchange, disputes
on exchanges, reports, blocks. The contract has no such endpoints; these follow its habits
(JSON, Bearer auth, the common error body, outsiders get 404) and call the same services as
the web pages. Image evidence is a web-only feature (multipart).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from apps.accounts.blocks import blocked_by, user_block, user_unblock
from apps.accounts.models import User
from apps.accounts.security import auth_required
from apps.common.errors import NotFound
from apps.exchange.proposal_selectors import proposal_get_for
from apps.exchange.proposal_trust import proposal_withdraw, proposals_cancel_between
from apps.moderation import disputes, reports
from apps.moderation.models import DisputeReason, ReportReason, ReportTarget

router = Router(tags=["Trust & safety"], auth=auth_required)


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=500)


class ProposalStateOut(Schema):
    proposal_id: int
    status: str


class DisputeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    respondent_id: int
    reason: DisputeReason
    text: str = Field(..., min_length=1, max_length=4000)


class DisputeEventOut(Schema):
    kind: str
    author: str | None
    text: str
    image_url: str | None
    created_at: datetime


class DisputeOut(Schema):
    id: int
    proposal_id: int | None
    purchase_request_id: int | None
    reason: str
    status: str
    opened_by: str
    respondent: str
    answer_due_at: datetime
    outcome: str
    sanction: str
    decision_note: str
    events: list[DisputeEventOut]


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, max_length=4000)


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    target_type: ReportTarget
    target_id: int
    reason: ReportReason
    comment: str = Field("", max_length=2000)
    accused_id: int | None = None


class ReportOut(Schema):
    id: int
    target_type: str
    target_id: int
    reason: str
    status: str


class BlockOut(Schema):
    user_id: int
    username: str
    created_at: datetime


def _user(pk: int, **filters) -> User:
    person = User.objects.filter(pk=pk, **filters).first()
    if person is None:
        raise NotFound("Пользователь не найден", code="user_not_found")
    return person


def _dispute_out(dispute) -> dict:
    return {
        "id": dispute.pk,
        "proposal_id": dispute.proposal_id,
        "purchase_request_id": dispute.purchase_request_id,
        "reason": dispute.reason,
        "status": dispute.status,
        "opened_by": dispute.opened_by.username,
        "respondent": dispute.respondent.username,
        "answer_due_at": dispute.answer_due_at,
        "outcome": dispute.outcome,
        "sanction": dispute.sanction,
        "decision_note": dispute.decision_note,
        "events": [
            {
                "kind": e.kind,
                "author": e.author.username if e.author else None,
                "text": e.text,
                "image_url": e.image.url if e.image else None,
                "created_at": e.created_at,
            }
            for e in dispute.events.select_related("author")
        ],
    }


@router.post("/proposals/{proposal_id}/withdraw", response=ProposalStateOut)
def withdraw(request: HttpRequest, proposal_id: int, payload: WithdrawIn):
    proposal = proposal_get_for(user=request.auth, pk=proposal_id)
    proposal = proposal_withdraw(proposal=proposal, user=request.auth, reason=payload.reason)
    return {"proposal_id": proposal.pk, "status": proposal.status}


@router.post("/proposals/{proposal_id}/disputes", response={201: DisputeOut})
def dispute_open(request: HttpRequest, proposal_id: int, payload: DisputeIn):
    proposal = proposal_get_for(user=request.auth, pk=proposal_id)
    dispute = disputes.dispute_open_for_proposal(
        proposal=proposal,
        user=request.auth,
        respondent_id=payload.respondent_id,
        reason=payload.reason,
        text=payload.text,
    )
    return Status(201, _dispute_out(disputes.dispute_get_for(user=request.auth, pk=dispute.pk)))


@router.get("/disputes/{dispute_id}", response=DisputeOut)
def dispute_detail(request: HttpRequest, dispute_id: int):
    return _dispute_out(disputes.dispute_get_for(user=request.auth, pk=dispute_id))


@router.post("/disputes/{dispute_id}/messages", response={201: DisputeOut})
def dispute_message(request: HttpRequest, dispute_id: int, payload: MessageIn):
    dispute = disputes.dispute_get_for(user=request.auth, pk=dispute_id)
    disputes.dispute_message_add(dispute=dispute, user=request.auth, text=payload.text)
    return Status(201, _dispute_out(dispute))


@router.post("/reports", response={201: ReportOut})
def report_create(request: HttpRequest, payload: ReportIn):
    report = reports.report_create(reporter=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": report.pk,
            "target_type": report.target_type,
            "target_id": report.target_id,
            "reason": report.reason,
            "status": report.status,
        },
    )


@router.get("/blocks", response=list[BlockOut])
def block_list(request: HttpRequest):
    return [
        {"user_id": b.blocked_id, "username": b.blocked.username, "created_at": b.created_at}
        for b in blocked_by(user=request.auth)
    ]


@router.put("/blocks/{user_id}", response={204: None})
def block(request: HttpRequest, user_id: int):
    person = _user(user_id, is_active=True)
    if user_block(blocker=request.auth, blocked=person):
        proposals_cancel_between(a_id=request.auth.pk, b_id=person.pk)
    return Status(204, None)


@router.delete("/blocks/{user_id}", response={204: None})
def unblock(request: HttpRequest, user_id: int):
    person = _user(user_id)
    user_unblock(blocker=request.auth, blocked=person)
    return Status(204, None)
