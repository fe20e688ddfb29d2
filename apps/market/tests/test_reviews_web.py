import pytest

from apps.accounts.models import User
from apps.market.models import Review
from apps.market.tests.factories import make_deal, make_review, snapshot
from apps.notifications.models import Notification


def review_url(pr):
    return f"/transactions/review/{pr.pk}/create/"


@pytest.fixture
def done(listing, other):
    return make_deal(listing, other, status="completed")


def test_buyer_reviews_seller_and_rating_updates(client, owner, other, done):
    client.force_login(other)
    assert client.get(review_url(done)).status_code == 200
    r = client.post(review_url(done), {"rating": "4", "comment": "Быстро и честно"})
    assert r.status_code == 302
    review = Review.objects.get()
    assert (review.reviewer, review.reviewed_user, review.rating) == (other, owner, 4)
    owner.refresh_from_db()
    assert (owner.rating_sum, owner.rating_count, owner.rating_avg) == (4, 1, 4.0)
    assert Notification.objects.filter(user=owner, type="new_review").exists()


def test_both_participants_review_each_other_once(client, owner, other, done):
    client.force_login(other)
    client.post(review_url(done), {"rating": "5"})
    client.force_login(owner)
    client.post(review_url(done), {"rating": "3"})
    owner.refresh_from_db()
    other.refresh_from_db()
    assert (owner.rating_avg, other.rating_avg) == (5.0, 3.0)
    assert Review.objects.count() == 2


def test_rating_is_the_average_of_received_reviews(client, owner, other, outsider, listing):
    from apps.market.tests.factories import make_listing

    first = make_deal(listing, other, status="completed")
    second = make_deal(make_listing(owner, title="Второй"), outsider, status="completed")
    client.force_login(other)
    client.post(review_url(first), {"rating": "5"})
    client.force_login(outsider)
    client.post(review_url(second), {"rating": "2"})
    owner.refresh_from_db()
    assert owner.rating_avg == 3.5


def test_second_review_of_same_deal_is_refused(client, owner, other, done):
    make_review(done, other, rating=5)
    User.objects.filter(pk=owner.pk).update(rating_sum=5, rating_count=1)
    client.force_login(other)
    assert client.get(review_url(done)).status_code == 302
    r = client.post(review_url(done), {"rating": "1"})
    assert r.status_code == 409
    owner.refresh_from_db()
    assert (owner.rating_sum, owner.rating_count) == (5, 1)
    assert Review.objects.count() == 1


@pytest.mark.parametrize("status", ["pending", "accepted", "rejected", "cancelled"])
def test_review_before_completion_is_refused(client, other, listing, status):
    pr = make_deal(listing, other, status=status)
    client.force_login(other)
    assert client.post(review_url(pr), {"rating": "5"}).status_code == 409
    assert not Review.objects.exists()


def test_outsider_cannot_review(client, owner, outsider, done):
    before = snapshot(owner)
    client.force_login(outsider)
    assert client.get(review_url(done)).status_code == 404
    assert client.post(review_url(done), {"rating": "1"}).status_code == 404
    assert not Review.objects.exists()
    assert snapshot(owner) == before


@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_rating_outside_1_to_5_is_refused(client, other, done, rating):
    client.force_login(other)
    assert client.post(review_url(done), {"rating": rating}).status_code == 400
    assert not Review.objects.exists()


def test_profile_shows_rating_stats_and_reviews(client, owner, other, done):
    client.force_login(other)
    client.post(review_url(done), {"rating": "4", "comment": "Всё супер, рекомендую"})
    client.logout()
    r = client.get("/accounts/profile/owner/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "Всё супер, рекомендую" in body
    assert "4,0" in body
    assert client.get("/accounts/profile/nobody/").status_code == 404


def test_review_feeds_the_shared_trust_score(client, owner, other, done):
    assert owner.trust_score == 0.0
    client.force_login(other)
    client.post(review_url(done), {"rating": "5", "comment": ""})
    owner.refresh_from_db()
    # Five stars from one review: quality 1.0 weighted by 1/(1+2), half of the trust score.
    assert owner.trust_score == pytest.approx(0.5 * (1 / 3), abs=1e-4)
