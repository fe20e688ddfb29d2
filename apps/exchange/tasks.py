"""Celery tasks of the exchange: matching runs, the expiry sweep, the group chat of a deal.

Tasks take ids and are idempotent: a run only adds proposals for free items, the sweep only
moves what is due, the chat is get-or-create. Without REDIS_URL they run inline (eager).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def debounce_key(user_id: int) -> str:
    return f"match-debounce:{user_id}"


def schedule_user_run(user_id: int) -> None:
    """`items_created_hooks` (after commit): one matching run for the user per
    MATCH_DEBOUNCE_SECONDS, however many listings change meanwhile."""
    if not settings.MATCH_AUTO_RUN:
        return
    delay = settings.MATCH_DEBOUNCE_SECONDS
    if not cache.add(debounce_key(user_id), 1, timeout=delay + 60):
        return  # a run is already scheduled and will see this change
    try:
        matching_run_for_user.apply_async(args=[user_id], countdown=delay)
    except Exception:  # noqa: BLE001 - the periodic full run catches up if the broker is down
        cache.delete(debounce_key(user_id))
        logger.warning("matching run for user %s not queued", user_id, exc_info=True)


@shared_task(name="exchange.matching_run_for_user")
def matching_run_for_user(user_id: int, trigger: str = "task") -> int:
    from apps.exchange.matching_runs import matching_run

    cache.delete(debounce_key(user_id))  # changes from now on schedule another run
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
