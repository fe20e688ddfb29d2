"""Ratings by face (issue 20): a barter rating never shows up as a LootLink review."""

from datetime import timedelta

from django.utils import timezone

from apps.exchange.models import Proposal, ProposalRating
from apps.market.models import Review
from apps.market.tests.factories import make_deal, make_listing


def _barter_rating(rater, rated, score=5):
    p = Proposal.objects.create(
        kind="bilateral",
        status="completed",
        cycle_key=f"test:{rater.pk}:{rated.pk}",
        expires_at=timezone.now() + timedelta(days=1),
    )
    return ProposalRating.objects.create(proposal=p, rater=rater, rated=rated, score=score)


def test_barter_rating_is_shown_apart_from_lootlink_reviews(client, owner, other):
    _barter_rating(other, owner, score=4)
    page = client.get(f"/accounts/profile/{owner.username}/").content.decode()
    assert "Новый продавец" in page  # no LootLink reviews: no seller rating
    assert 'data-stat="review-count">0<' in page
    assert "Отзывов пока нет." in page
    assert "Оценки в обменах FreeMarket" in page
    assert 'data-stat="barter-avg">4,0<' in page or 'data-stat="barter-avg">4.0<' in page
    assert "1 оценка за бартерные обмены" in page


def test_lootlink_review_counts_as_a_review(client, owner, other):
    deal = make_deal(make_listing(owner), other)
    Review.objects.create(purchase_request=deal, reviewer=other, reviewed_user=owner, rating=5)
    page = client.get(f"/accounts/profile/{owner.username}/").content.decode()
    assert 'data-stat="review-count">1<' in page
    assert "Оценки в обменах FreeMarket" not in page
