"""Celery tasks of the exchange: matching runs, re-matching, the expiry sweep, group chats.

Tasks take ids and are idempotent: a run only adds proposals for free items, the sweep only
moves what is due, the chat is get-or-create. Without REDIS_URL they run inline (eager); in the
embedded default a run goes to a background thread of the server instead (`in_thread`).
"""

from __future__ import annotations

import logging
import threading
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)


def in_thread(task, *args, delay: float = 0, **kwargs) -> threading.Thread:
    """Run a task's body in a daemon thread (after `delay` seconds): the embedded default's
    stand-in for a worker. The thread closes its own database connections."""

    def main() -> None:
        try:
            if delay:
                time.sleep(delay)
            task.run(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the run records its own failure
            logger.exception("background task %s failed", task.name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=main, daemon=True, name=f"fm-{task.name}")
    thread.start()
    return thread


def schedule_user_run(user_id: int) -> None:
    """`items_created_hooks` (after commit): the user is re-matched by the next coalesced
    run, at most MATCH_DEBOUNCE_SECONDS later, however many listings change meanwhile."""
    from apps.exchange import rematch

    rematch.mark_dirty([user_id])
    if settings.MATCH_AUTO_RUN:
        rematch.schedule(settings.MATCH_DEBOUNCE_SECONDS)


@shared_task(name="exchange.matching_run_execute")
def matching_run_execute(
    run_id: int, config_overrides: dict | None = None, only_users: list[int] | None = None
) -> str:
    """Do the work of a run started by a request (`matching_runs.matching_run_request`)."""
    from apps.exchange.matching_runs import run_execute

    run = run_execute(run_id, config_overrides=config_overrides, only_users=only_users)
    return run.status


@shared_task(name="exchange.matching_rematch")
def matching_rematch(key_delay: int | None = None) -> int | None:
    """The debounced, coalesced re-matching run of every dirty user."""
    from apps.exchange.rematch import rematch_run, schedule_key

    if key_delay is not None:
        cache.delete(schedule_key(key_delay))  # changes from now on schedule another run
    run = rematch_run()
    return run.pk if run is not None else None


@shared_task(name="exchange.matching_run_for_user")
def matching_run_for_user(user_id: int, trigger: str = "task") -> int:
    from apps.exchange.matching_runs import matching_run

    return matching_run(user_id=user_id, trigger=trigger).pk


@shared_task(name="exchange.matching_run_all")
def matching_run_all(trigger: str = "beat") -> dict:
    from apps.exchange.matching_runs import matching_run

    run = matching_run(trigger=trigger)
    return {
        "run_id": run.pk,
        "status": run.status,
        "bilateral_matches": run.bilateral_count,
        "exchange_chains": run.chain_count,
    }


@shared_task(name="exchange.matching_solve_group")
def matching_solve_group(run_id: int, group: int, time_limit_s: float) -> bool:
    """A chord member of a fanned-out full run: solve one group of components."""
    from apps.exchange.matching_runs import Heartbeat
    from apps.exchange.run_engine import fanout_solve_group

    with Heartbeat(run_id) as heart:  # the run stays alive while its groups are solved
        heart.beat()
        return fanout_solve_group(run_id, group, time_limit_s)


@shared_task(name="exchange.matching_assemble")
def matching_assemble(safety_stops: list[bool], run_id: int, groups: int) -> str:
    """The chord's body: assemble the groups' solutions and write the proposals."""
    from apps.exchange.matching_runs import run_assemble

    return run_assemble(run_id, groups, list(safety_stops)).status


@shared_task(name="exchange.matching_runs_reap")
def matching_runs_reap() -> int:
    """Fail runs whose heartbeat went stale (their process died)."""
    from apps.exchange.matching_runs import runs_reap

    return runs_reap()


@shared_task(name="exchange.proposals_expire")
def proposals_expire() -> int:
    from apps.exchange.proposals import proposals_expire_due

    return proposals_expire_due()


@shared_task(name="exchange.proposal_chat_create")
def proposal_chat_create(proposal_id: int) -> bool:
    """Open the group chat of a confirmed proposal's participants (get-or-create)."""
    from apps.exchange.models import Proposal, ProposalStatus

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None or proposal.status not in (
        ProposalStatus.CONFIRMED,
        ProposalStatus.COMPLETED,
    ):
        return False
    try:
        from apps.chat.services import conversation_get_or_create_group
    except ImportError:  # the chat app is not there yet: the deal works without it
        logger.info("chat services missing: no group chat for proposal %s", proposal_id)
        return False
    users = [p.user for p in proposal.participants.select_related("user")]
    kind = "Обмен" if proposal.kind == "bilateral" else "Цепочка обмена"
    conversation_get_or_create_group(
        topic_key=f"proposal:{proposal_id}", users=users, title=f"{kind} №{proposal_id}"
    )
    return True
