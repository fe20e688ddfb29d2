"""Small builders for proposal tests: people, items, and markets with known cycles."""

from __future__ import annotations

import itertools

from apps.accounts.models import User, UserLocation
from apps.exchange.matching_runs import matching_run
from apps.exchange.models import ItemType, Listing, ListingItem, MatchingRun, Proposal

_seq = itertools.count(1)


def person(name: str | None = None, *, city: str = "Алматы", **extra) -> User:
    name = name or f"user{next(_seq)}"
    user = User.objects.create_user(
        username=name,
        email=f"{name}@example.com",
        password="x-Secret-123",
        city=city,
        telegram_contact=f"@{name}_tg",
        **extra,
    )
    UserLocation.objects.create(user=user, city=city)
    return user


def item(
    user: User,
    kind: str,
    name: str,
    value: int = 1000,
    *,
    exchange_type: str = "PERMANENT",
    duration_days: int | None = None,
) -> ListingItem:
    listing = Listing.objects.create(user=user)
    return ListingItem.objects.create(
        listing=listing,
        user=user,
        item_type=ItemType.WANT if kind == "want" else ItemType.OFFER,
        exchange_type=exchange_type,
        item_name=name,
        value_tenge=value,
        duration_days=duration_days,
    )


def cycle(
    users: list[User], *, base: int = 1000, tag: str = ""
) -> list[tuple[ListingItem, ListingItem]]:
    """users[i] offers an item users[i+1] wants (the last one closes the cycle).

    Values double along the cycle, so no leg of the cycle fits any other want (30% tolerance)
    and the only cycle the engine can find is this one.
    """
    tag = tag or f"c{next(_seq)}"
    pairs = []
    for i, giver in enumerate(users):
        receiver = users[(i + 1) % len(users)]
        name = f"Предмет {tag}{i}"
        value = base * 2**i
        pairs.append((item(giver, "offer", name, value), item(receiver, "want", name, value)))
    return pairs


def run_all() -> MatchingRun:
    run = matching_run(trigger="test")
    assert run.status == MatchingRun.Status.SUCCESS, run.errors
    return run


def proposal_for(users: list[User]) -> Proposal:
    """Build a cycle between `users`, run the pipeline and return the proposal."""
    cycle(users)
    run_all()
    return Proposal.objects.filter(participants__user=users[0]).latest("pk")
