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


@pytest.mark.parametrize("round_", range(5))
def test_confirm_auto_confirm_and_dispute_at_once_have_exactly_one_winner(
    _postgres_only, settings, owner, other, round_
):
    """The buyer confirms, the auto-confirmation runs and the buyer opens a dispute (say from
    a second tab) at the same moment on an overdue delivered deal: exactly one of them wins."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.market.services.deals import purchase_requests_auto_confirm
    from apps.moderation.disputes import dispute_open_for_deal
    from apps.moderation.models import Dispute

    listing = make_listing(owner, status="reserved")
    old = timezone.now() - timedelta(days=settings.DEAL_AUTO_CONFIRM_DAYS + 1)
    deal = make_deal(listing, other, status="delivered", accepted_at=old, delivered_at=old)
    barrier = threading.Barrier(3)
    outcomes: dict[str, str] = {}

    def run(name, action) -> None:
        try:
            pr = PurchaseRequest.objects.get(pk=deal.pk)
            barrier.wait(timeout=5)
            won = action(pr)
            outcomes[name] = "won" if won is not False else "lost"
        except DomainError:
            outcomes[name] = "lost"
        finally:
            close_old_connections()
            connection.close()

    actions = {
        "confirm": lambda pr: services.purchase_request_confirm(pr=pr, user=other),
        "auto": lambda pr: purchase_requests_auto_confirm(pk=pr.pk) == 1,
        "dispute": lambda pr: dispute_open_for_deal(
            pr=pr, user=other, reason="not_received", text="Не пришло"
        ),
    }
    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)

    assert sorted(outcomes.values()) == ["lost", "lost", "won"], outcomes
    deal.refresh_from_db()
    winner = next(name for name, o in outcomes.items() if o == "won")
    if winner == "dispute":
        assert (
            deal.status == "disputed" and Dispute.objects.filter(purchase_request=deal).count() == 1
        )
        assert Listing.objects.get(pk=listing.pk).status == "reserved"
    else:
        assert deal.status == "completed"
        assert deal.completed_by == ("buyer" if winner == "confirm" else "auto")
        assert not Dispute.objects.exists()
        assert Listing.objects.get(pk=listing.pk).status == "sold"
    owner.refresh_from_db()
    assert owner.total_sales == (0 if winner == "dispute" else 1)
