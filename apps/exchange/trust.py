"""trust_score: how much the market trusts a user, 0..1 (documented in docs/matching.md).

    E = x / (x + 5)                       x = completed exchanges
    Q = ((R - 1) / 4) * n / (n + 2)       R = mean rating (1..5), n = number of ratings
    trust = round(0.5 * E + 0.5 * Q, 4)

Ratings come from both faces of the product (exchange ratings and LootLink reviews add to
User.rating_sum / rating_count); call `user_trust_recompute` after changing either counter.
"""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User

EXPERIENCE_HALF = 5  # exchanges at which the experience part reaches one half
RATING_PRIOR = 2  # ratings needed for the rating part to count one half


def trust_score_for(*, exchange_count: int, rating_sum: int, rating_count: int) -> float:
    experience = exchange_count / (exchange_count + EXPERIENCE_HALF)
    if rating_count:
        mean = rating_sum / rating_count
        quality = ((mean - 1) / 4) * rating_count / (rating_count + RATING_PRIOR)
    else:
        quality = 0.0
    return round(0.5 * experience + 0.5 * max(0.0, min(1.0, quality)), 4)


def user_trust_recompute(*, user_id: int) -> float:
    """Recompute and store one user's trust_score from their counters (row-locked)."""
    with transaction.atomic():
        row = (
            User.objects.select_for_update()
            .filter(pk=user_id)
            .values("exchange_count", "rating_sum", "rating_count")
            .first()
        )
        if row is None:
            return 0.0
        trust = trust_score_for(**row)
        User.objects.filter(pk=user_id).update(trust_score=trust)
    return trust
