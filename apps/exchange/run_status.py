"""What `/api/matching/status` and the staff view say about runs: the latest run in the
contract's shape, the recent runs, and what became of each run's proposals (issue 14)."""

from __future__ import annotations

from django.db.models import Count, Q

from apps.exchange.matching_runs import runs_reap
from apps.exchange.models import MatchingRun, Proposal
from apps.exchange.models import ProposalStatus as S

# Outcomes of a run's proposals (#14): how many it made and what became of them.
OUTCOMES = {
    "proposals_made": Q(),
    "pending": Q(status=S.PENDING),
    "accepted": Q(status__in=(S.CONFIRMED, S.COMPLETED)),
    "declined": Q(status=S.DECLINED),
    "expired": Q(status=S.EXPIRED),
    "cancelled": Q(status=S.CANCELLED),
    "completed": Q(status=S.COMPLETED),
}


def run_outcomes(run_ids: list[int]) -> dict[int, dict[str, int]]:
    """What became of each run's proposals, in one query."""
    empty = dict.fromkeys(OUTCOMES, 0)
    rows = (
        Proposal.objects.filter(matching_run_id__in=run_ids)
        .values("matching_run_id")
        .annotate(**{name: Count("pk", filter=cond) for name, cond in OUTCOMES.items()})
        .order_by()
    )
    found = {row.pop("matching_run_id"): row for row in rows}
    return {pk: found.get(pk, empty) for pk in run_ids}


def run_summary(run: MatchingRun, outcomes: dict[str, int] | None = None) -> dict:
    return {
        "run_id": run.pk,
        "status": run.status,
        "scope": "all" if run.scope_key == "all" else ("user" if run.scope_user_id else "users"),
        "trigger": run.trigger,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "bilateral_matches": run.bilateral_count,
        "chains_discovered": run.chain_count,
        "participants_notified": run.participant_count,
        "safety_stop": bool(run.stats.get("safety_stop", False)),
        "outcomes": outcomes if outcomes is not None else run_outcomes([run.pk])[run.pk],
        "errors": run.errors,
    }


def matching_status(*, recent: int = 10) -> dict:
    """The contract's `/api/matching/status` body (the latest run, however it was started),
    plus the recent runs with what became of their proposals."""
    runs_reap()
    runs = list(MatchingRun.objects.order_by("-started_at", "-id")[:recent])
    if not runs:
        return {
            "last_run": None,
            "bilateral_matches": 0,
            "chains_discovered": 0,
            "participants_notified": 0,
            "status": "never_run",
            "runs": [],
        }
    outcomes = run_outcomes([r.pk for r in runs])
    summaries = [run_summary(r, outcomes[r.pk]) for r in runs]
    run = runs[0]
    return {
        "last_run": run.finished_at or run.started_at,
        "bilateral_matches": run.bilateral_count,
        "chains_discovered": run.chain_count,
        "participants_notified": run.participant_count,
        "status": run.status,
        "run_id": run.pk,
        "scope": summaries[0]["scope"],
        "trigger": run.trigger,
        "errors": run.errors,
        "safety_stop": summaries[0]["safety_stop"],
        "outcomes": summaries[0]["outcomes"],
        "runs": summaries,
    }
