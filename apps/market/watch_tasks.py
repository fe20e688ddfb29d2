"""Celery task of saved searches: match a freshly published listing (after its commit)."""

from __future__ import annotations

from celery import shared_task

from apps.market.services.watch import saved_searches_notify


@shared_task(name="market.saved_searches_match")
def saved_searches_match(listing_id: int) -> int:
    """Notify the saved searches the listing matches; safe to run twice."""
    return saved_searches_notify(listing_id=listing_id)
