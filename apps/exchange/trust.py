"""trust_score: how much the market trusts a user, 0..1 (documented in docs/matching.md).

    E = x / (x + 5)                       x = completed exchanges
    Q = ((R - 1) / 4) * n / (n + 2)       R = mean rating (1..5), n = number of ratings
    trust = round(max(0, 0.5 * E + 0.5 * Q - 0.1 * S), 4)
                                          S = strikes: 1 per withdrawal from a confirmed
                                          exchange, 2 per upheld no-show (docs/trust.md)

Ratings come from both faces of the product (exchange ratings and LootLink reviews add to
User.rating_sum / rating_count); call `user_trust_recompute` after changing either counter.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from apps.accounts.models import User

EXPERIENCE_HALF = 5  # exchanges at which the experience part reaches one half
RATING_PRIOR = 2  # ratings needed for the rating part to count one half
STRIKE_PENALTY = 0.1  # trust lost per strike
STRIKES_WITHDRAWAL = 1
STRIKES_NO_SHOW = 2


def trust_score_for(
    *, exchange_count: int, rating_sum: int, rating_count: int, trust_strikes: int = 0
) -> float:
    experience = exchange_count / (exchange_count + EXPERIENCE_HALF)
    if rating_count:
        mean = rating_sum / rating_count
        quality = ((mean - 1) / 4) * rating_count / (rating_count + RATING_PRIOR)
    else:
        quality = 0.0
    base = 0.5 * experience + 0.5 * max(0.0, min(1.0, quality))
    return round(max(0.0, base - STRIKE_PENALTY * trust_strikes), 4)


def user_trust_recompute(*, user_id: int) -> float:
    """Recompute and store one user's trust_score from their counters (row-locked)."""
    with transaction.atomic():
        row = (
            User.objects.select_for_update()
            .filter(pk=user_id)
            .values("exchange_count", "rating_sum", "rating_count", "trust_strikes")
            .first()
        )
        if row is None:
            return 0.0
        trust = trust_score_for(**row)
        User.objects.filter(pk=user_id).update(trust_score=trust)
    return trust


def user_trust_strike(*, user_id: int, strikes: int) -> float:
    """Add strikes (a withdrawal, an upheld no-show) and recompute the trust score."""
    User.objects.filter(pk=user_id).update(trust_strikes=F("trust_strikes") + strikes)
    return user_trust_recompute(user_id=user_id)
