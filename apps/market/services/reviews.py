"""Reviews: each participant of a completed deal rates the other once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from apps.accounts.models import User
from apps.common.errors import Conflict, InvalidState, NotFound, ValidationFailed
from apps.exchange.trust import user_trust_recompute
from apps.market.models import DealStatus, PurchaseRequest, Review
from apps.market.services.notify import deal_notify


def review_create(*, pr: PurchaseRequest, reviewer: User, rating: int, comment: str = "") -> Review:
    """Leave a review; the reviewed user's rating changes in the same transaction."""
    role = pr.role_of(reviewer)
    if role is None:
        raise NotFound("Сделка не найдена", code="deal_not_found")
    if pr.status != DealStatus.COMPLETED:
        raise InvalidState(
            "Отзыв можно оставить только после завершения сделки", code="deal_not_completed"
        )
    if not 1 <= int(rating) <= 5:
        raise ValidationFailed("Оценка должна быть от 1 до 5", code="bad_rating")
    reviewed_id = pr.buyer_id if role == "seller" else pr.seller_id
    try:
        with transaction.atomic():
            review = Review.objects.create(
                purchase_request=pr,
                reviewer=reviewer,
                reviewed_user_id=reviewed_id,
                rating=int(rating),
                comment=comment.strip(),
            )
            User.objects.filter(pk=reviewed_id).update(
                rating_sum=F("rating_sum") + review.rating, rating_count=F("rating_count") + 1
            )
            # One reputation across both faces: the FreeMarket trust score follows reviews too.
            user_trust_recompute(user_id=reviewed_id)
            deal_notify(
                pr=pr,
                user_id=reviewed_id,
                type="new_review",
                message=f"{reviewer.username} оставил(а) отзыв: {review.rating} из 5 "
                f"по сделке «{pr.listing_title}»",
            )
    except IntegrityError as exc:
        raise Conflict("Вы уже оставили отзыв по этой сделке", code="review_exists") from exc
    return review
