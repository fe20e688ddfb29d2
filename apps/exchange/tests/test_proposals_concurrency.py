"""Concurrent actions on one proposal (PostgreSQL: real row locks; skipped on SQLite).

Each test starts its actions together on separate connections and checks that the outcome is
the one of some serial order of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from apps.common.errors import Conflict, DomainError, InvalidState
from apps.exchange import proposals
from apps.exchange.matching_runs import matching_run
from apps.exchange.models import (
    ListingItem,
    MatchingRun,
    Proposal,
    ProposalItemLock,
    ProposalParticipant,
)
from apps.exchange.services import item_update
from apps.exchange.tests.helpers import cycle, person, proposal_for
from apps.notifications.models import Notification

pytestmark = [
    # The root conftest reloads the v6 catalog after the flushes of transactional tests.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
ROUNDS = 4


def together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at once, each on its own connection; return results or DomainErrors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_parallel_accepts_and_a_decline_serialise(round_):
    users = [person() for _ in range(4)]
    chain = proposal_for(users)
    decliner = users[2]
    calls = [
        (lambda u=u: proposals.proposal_decline(proposal=chain, user=u, reason="нет"))
        if u == decliner
        else (lambda u=u: proposals.proposal_accept(proposal=chain, user=u))
        for u in users
    ]
    results = together(*calls)
    chain.refresh_from_db()
    assert chain.status == "declined"
    assert not isinstance(results[2], DomainError)
    declined_at = ProposalParticipant.objects.get(proposal=chain, user=decliner).declined_at
    succeeded = 0
    for user, result in zip(users, results, strict=True):
        if user == decliner:
            continue
        accepted_at = ProposalParticipant.objects.get(proposal=chain, user=user).accepted_at
        if isinstance(result, InvalidState):  # came after the decline: changed nothing
            assert accepted_at is None
        else:  # came before it
            assert isinstance(result, Proposal) and accepted_at <= declined_at
            succeeded += 1
    assert not ProposalItemLock.objects.filter(proposal=chain).exists()
    assert Notification.objects.filter(type="proposal_accepted").count() == succeeded * 3
    assert Notification.objects.filter(type="proposal_declined").count() == 3


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_parallel_last_accepts_confirm_exactly_once(round_):
    users = [person() for _ in range(4)]
    chain = proposal_for(users)
    results = together(
        *[(lambda u=u: proposals.proposal_accept(proposal=chain, user=u)) for u in users]
    )
    assert not any(isinstance(r, DomainError) for r in results), results
    chain.refresh_from_db()
    assert chain.status == "confirmed"
    assert Notification.objects.filter(type="proposal_confirmed").count() == 4
    assert not ProposalParticipant.objects.filter(proposal=chain, accepted_at=None).exists()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_item_edited_while_its_proposal_is_being_accepted(round_):
    owner, other = person(), person()
    match = proposal_for([owner, other])
    proposals.proposal_accept(proposal=match, user=owner)
    offer = ListingItem.objects.get(pk=match.legs.get(giver=owner).offer_id)

    accept_result, edit_result = together(
        lambda: proposals.proposal_accept(proposal=match, user=other),
        lambda: item_update(item=offer, user=owner, data={"description": "Изменено"}),
    )
    match.refresh_from_db()
    offer.refresh_from_db()
    if isinstance(edit_result, Conflict) and not isinstance(edit_result, InvalidState):
        # The acceptance came first: the deal is confirmed and its item reserved.
        assert match.status == "confirmed" and isinstance(accept_result, Proposal)
        assert offer.description == "" and offer.version == 1
        assert ProposalItemLock.objects.filter(proposal=match).count() == 4
    else:
        # The edit came first: the proposal is cancelled and the acceptance refused.
        assert isinstance(edit_result, ListingItem), edit_result
        assert match.status == "cancelled" and isinstance(accept_result, InvalidState)
        assert offer.description == "Изменено"
        assert not ProposalItemLock.objects.filter(proposal=match).exists()


def test_parallel_runs_are_single_flight_and_never_put_an_item_in_two_proposals():
    for base in (10, 10**4, 10**7):
        cycle([person() for _ in range(3)], base=base)
    runs = together(*[(lambda: matching_run(trigger="test")) for _ in range(3)])
    # One run did the work; the others were handed that run instead of starting their own.
    assert MatchingRun.objects.count() == 1
    assert {r.pk for r in runs} == {MatchingRun.objects.get().pk}
    assert MatchingRun.objects.get().status == "success"
    assert Proposal.objects.count() == 3
    assert ProposalItemLock.objects.count() == 18


def test_parallel_user_and_full_runs_never_put_an_item_in_two_proposals():
    users = []
    for base in (10, 10**4, 10**7):
        users += cycle_users(base)
    runs = together(
        lambda: matching_run(trigger="test"),
        lambda: matching_run(user_id=users[0].pk, trigger="test"),
        lambda: matching_run(user_id=users[3].pk, trigger="test"),
    )
    assert all(r.status == "success" for r in runs), [r.errors for r in runs]
    assert Proposal.objects.count() == 3
    assert sum(r.chain_count for r in runs) == 3
    assert ProposalItemLock.objects.count() == 18


def cycle_users(base: int) -> list:
    users = [person() for _ in range(3)]
    cycle(users, base=base)
    return users
