"""Two sellers' clicks at the same moment on two different requests: exactly one wins."""

import threading

import pytest
from django.db import close_old_connections, connection

from apps.catalog.loader import load_games
from apps.common.errors import DomainError
from apps.market import services
from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import make_deal, make_listing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs real concurrent transactions (PostgreSQL)")
    load_games()  # an earlier transactional test may have flushed the seeded games


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_accepts_of_two_requests_have_exactly_one_winner(
    _postgres_only, owner, other, outsider, round_
):
    listing = make_listing(owner)
    requests = [make_deal(listing, other), make_deal(listing, outsider)]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def accept(pk: int) -> None:
        try:
            pr = PurchaseRequest.objects.get(pk=pk)
            barrier.wait(timeout=5)
            services.purchase_request_accept(pr=pr, user=owner)
            outcomes.append("won")
        except DomainError:
            outcomes.append("lost")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept, args=(pr.pk,)) for pr in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)

    assert sorted(outcomes) == ["lost", "won"]
    assert PurchaseRequest.objects.filter(listing=listing, status="accepted").count() == 1
    assert PurchaseRequest.objects.filter(listing=listing, status="pending").count() == 1
    assert Listing.objects.get(pk=listing.pk).status == "reserved"
