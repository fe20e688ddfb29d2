"""Celery tasks of LootLink: the periodic auto-confirmation of delivered deals."""

from __future__ import annotations

from celery import shared_task

from apps.market.services.deals import purchase_requests_auto_confirm
from apps.market.watch_tasks import saved_searches_match  # noqa: F401  (registers the task)


@shared_task(name="market.deals_auto_confirm")
def deals_auto_confirm() -> int:
    """Complete delivered deals whose confirmation window has passed (idempotent)."""
    return purchase_requests_auto_confirm()
