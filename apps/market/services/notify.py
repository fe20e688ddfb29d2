"""The notifications LootLink sends: one place for their wording and links."""

from __future__ import annotations

from apps.market.models import PurchaseRequest
from apps.notifications.services import notify


def deal_notify(*, pr: PurchaseRequest, user_id: int, type: str, message: str) -> None:
    """Notify a deal participant (inside the caller's transaction; pushed after commit)."""
    notify(
        user_id=user_id,
        type=type,
        payload={
            "message": message,
            "url": pr.get_absolute_url(),
            "purchase_request_id": pr.pk,
            "listing_id": pr.listing_id,
            "listing_title": pr.listing_title,
        },
    )
