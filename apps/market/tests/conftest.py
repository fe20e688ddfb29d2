import pytest

from apps.market.tests.factories import make_deal, make_listing


@pytest.fixture
def listing(owner):
    """An active listing sold by `owner`."""
    return make_listing(owner)


@pytest.fixture
def deal(listing, other):
    """`other` asked to buy `owner`'s listing (pending)."""
    return make_deal(listing, other)
