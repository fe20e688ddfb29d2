"""Writes of LootLink, split by subdomain; import them from here."""

from apps.market.services.deals import (
    purchase_request_accept,
    purchase_request_cancel,
    purchase_request_complete,
    purchase_request_confirm,
    purchase_request_create,
    purchase_request_reject,
)
from apps.market.services.listings import listing_create, listing_delete, listing_update
from apps.market.services.reviews import review_create

__all__ = [
    "listing_create",
    "listing_delete",
    "listing_update",
    "purchase_request_accept",
    "purchase_request_cancel",
    "purchase_request_complete",
    "purchase_request_confirm",
    "purchase_request_create",
    "purchase_request_reject",
    "review_create",
]
