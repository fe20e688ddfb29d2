"""A user's personal data, as one JSON document (the "download my data" button).

Everything the user wrote or that describes them: profile, contacts, listings, deals,
reviews, wants/offers, exchanges, messages they sent, notifications, logins, blocks, reports
and disputes. Other people's personal data is left out (counterparts appear by username).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import LoginEvent, User, UserBlock, UserLocation
from apps.chat.models import Message
from apps.exchange.models import ListingItem, ProposalParticipant, ProposalRating
from apps.market.models import Listing, PurchaseRequest, Review
from apps.moderation.models import Dispute, DisputeEvent, Report
from apps.notifications.models import Notification

PROFILE_FIELDS = (
    "id",
    "username",
    "email",
    "email_verified",
    "phone",
    "phone_verified",
    "full_name",
    "first_name",
    "last_name",
    "bio",
    "city",
    "telegram_contact",
    "discord",
    "date_joined",
    "last_login",
    "rating_sum",
    "rating_count",
    "trust_score",
    "trust_strikes",
    "exchange_count",
    "total_sales",
    "total_purchases",
)


def _rows(qs, *fields) -> list[dict]:
    return list(qs.values(*fields))


def user_data_export(*, user: User) -> dict:
    deals = PurchaseRequest.objects.filter(Q(buyer=user) | Q(seller=user))
    return {
        "exported_at": timezone.now(),
        "profile": User.objects.filter(pk=user.pk).values(*PROFILE_FIELDS).first(),
        "locations": list(UserLocation.objects.filter(user=user).values_list("city", flat=True)),
        "lootlink_listings": _rows(
            Listing.objects.filter(seller=user),
            "id",
            "title",
            "description",
            "price",
            "status",
            "created_at",
            "updated_at",
        ),
        "lootlink_deals": _rows(
            deals,
            "id",
            "listing_title",
            "price",
            "status",
            "message",
            "buyer__username",
            "seller__username",
            "created_at",
            "accepted_at",
            "delivered_at",
            "completed_at",
            "closed_at",
        ),
        "reviews_given": _rows(
            Review.objects.filter(reviewer=user),
            "purchase_request_id",
            "reviewed_user__username",
            "rating",
            "comment",
            "created_at",
        ),
        "reviews_received": _rows(
            Review.objects.filter(reviewed_user=user),
            "purchase_request_id",
            "reviewer__username",
            "rating",
            "comment",
            "created_at",
        ),
        "freemarket_items": _rows(
            ListingItem.objects.filter(user=user),
            "id",
            "item_type",
            "exchange_type",
            "item_name",
            "description",
            "value_tenge",
            "duration_days",
            "status",
            "created_at",
        ),
        "freemarket_exchanges": _rows(
            ProposalParticipant.objects.filter(user=user),
            "proposal_id",
            "proposal__kind",
            "proposal__status",
            "accepted_at",
            "declined_at",
            "decline_reason",
            "received_at",
        ),
        "freemarket_ratings_given": _rows(
            ProposalRating.objects.filter(rater=user),
            "proposal_id",
            "rated__username",
            "score",
            "comment",
            "created_at",
        ),
        "messages_sent": _rows(
            Message.objects.filter(sender=user), "conversation_id", "content", "created_at"
        ),
        "notifications": _rows(
            Notification.objects.filter(user=user).order_by("-pk")[:1000],
            "type",
            "payload",
            "read",
            "created_at",
        ),
        "logins": _rows(
            LoginEvent.objects.filter(user=user), "at", "method", "success", "ip", "user_agent"
        ),
        "blocked_users": list(
            UserBlock.objects.filter(blocker=user).values_list("blocked__username", flat=True)
        ),
        "reports_sent": _rows(
            Report.objects.filter(reporter=user),
            "target_type",
            "target_id",
            "reason",
            "comment",
            "status",
            "created_at",
        ),
        "disputes": _rows(
            Dispute.objects.filter(Q(opened_by=user) | Q(respondent=user)),
            "id",
            "reason",
            "status",
            "outcome",
            "sanction",
            "decision_note",
            "created_at",
        ),
        "dispute_messages": _rows(
            DisputeEvent.objects.filter(author=user), "dispute_id", "kind", "text", "created_at"
        ),
    }
