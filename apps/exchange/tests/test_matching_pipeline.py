"""Matching runs: the pipeline endpoints, what a run writes, and what it must never write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

import matching
from apps.accounts.models import User
from apps.common.testing import assert_error
from apps.exchange import adapter
from apps.exchange.matching_runs import matching_run
from apps.exchange.models import (
    DeclinedPair,
    ListingItem,
    MatchingDirtyUser,
    MatchingRun,
    Proposal,
    ProposalItemLock,
)
from apps.exchange.run_writeback import write_proposals
from apps.exchange.tests.helpers import cycle, item, person, run_all
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_run_pipeline_for_the_market_returns_contract_counts(staff_api):
    a, b, c, d, e = (person() for _ in range(5))
    cycle([a, b, c])
    cycle([d, e], base=10**6)
    r = staff_api.post("/api/matching/run-pipeline", {"user_id": None})
    assert r.status_code == 200, r.content
    body = r.json()
    assert {
        k: body[k] for k in ("bilateral_matches", "exchange_chains", "total_participants", "errors")
    } == {"bilateral_matches": 1, "exchange_chains": 1, "total_participants": 5, "errors": []}
    assert Proposal.objects.count() == 2
    run = MatchingRun.objects.get()
    assert run.scope_user is None and run.status == "success"


def test_run_pipeline_for_oneself_only_touches_own_cycles(api, owner, other):
    x, y = person(), person()
    cycle([owner, other])
    cycle([x, y], base=10**6)
    body = api.post("/api/matching/run-pipeline", {"user_id": owner.pk}).json()
    assert body["bilateral_matches"] == 1 and body["total_participants"] == 2
    assert not Proposal.objects.filter(participants__user=x).exists()


def test_non_staff_without_user_id_runs_for_themself(api, owner, other):
    x, y = person(), person()
    cycle([owner, other])
    cycle([x, y], base=10**6)
    api.post("/api/matching/run-pipeline", {})
    assert MatchingRun.objects.get().scope_user == owner
    assert Proposal.objects.count() == 1


def test_run_pipeline_for_another_user_is_403_for_non_staff(api, other):
    assert_error(api.post("/api/matching/run-pipeline", {"user_id": other.pk}), 403)
    assert not MatchingRun.objects.exists()


def test_run_pipeline_needs_auth(anon_api):
    assert_error(anon_api.post("/api/matching/run-pipeline", {"user_id": None}), 401)


def test_status_reports_the_last_run(anon_api, staff_api):
    assert anon_api.get("/api/matching/status").json()["status"] == "never_run"
    a, b, c = person(), person(), person()
    cycle([a, b, c])
    staff_api.post("/api/matching/run-pipeline", {})
    body = anon_api.get("/api/matching/status").json()
    assert body["chains_discovered"] == 1 and body["bilateral_matches"] == 0
    assert body["participants_notified"] == 3 and body["status"] == "success"
    assert body["last_run"]


def test_a_second_run_does_not_propose_held_items_again(owner, other):
    cycle([owner, other])
    run_all()
    second = run_all()
    assert second.bilateral_count == 0
    assert Proposal.objects.count() == 1
    assert Notification.objects.filter(type="bilateral_match").count() == 2


def test_database_refuses_an_item_in_two_open_proposals(owner, other):
    cycle([owner, other])
    run_all()
    held = ProposalItemLock.objects.first()
    twin = Proposal.objects.create(kind="bilateral", cycle_key="x", expires_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalItemLock.objects.create(item_id=held.item_id, proposal=twin)


def test_same_cycle_is_unique_while_open_and_rotations_share_a_key(owner, other):
    leg1 = matching.Leg(giver_id=1, receiver_id=2, offer_id=10, want_id=20, score=0.5)
    leg2 = matching.Leg(giver_id=2, receiver_id=1, offer_id=30, want_id=40, score=0.5)
    key = adapter.cycle_key(matching.Proposal(legs=(leg1, leg2), score=1))
    assert key == adapter.cycle_key(matching.Proposal(legs=(leg2, leg1), score=1)) == "10:20|30:40"
    Proposal.objects.create(kind="bilateral", cycle_key=key, expires_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(kind="bilateral", cycle_key=key, expires_at=timezone.now())
    Proposal.objects.create(
        kind="bilateral", cycle_key=key, status="declined", expires_at=timezone.now()
    )


def test_items_changed_after_the_snapshot_are_skipped(owner, other):
    pairs = cycle([owner, other])
    snap = adapter.snapshot()
    found = matching.find_proposals(snap.market, adapter.match_config()).proposals
    assert len(found) == 1
    ListingItem.objects.filter(pk=pairs[0][0].pk).update(version=5)  # edited meanwhile
    run = MatchingRun.objects.create(heartbeat_at=timezone.now())
    created, skipped, _ = write_proposals(run=run, snap=snap, found=found)
    assert created == [] and skipped == 1
    assert not ProposalItemLock.objects.exists()


def test_a_failing_run_records_the_error_and_keeps_previous_proposals(owner, other, monkeypatch):
    cycle([owner, other])
    run_all()
    before = list(Proposal.objects.values_list("pk", "status"))
    a, b = person(), person()
    cycle([a, b], base=10**6)

    def explode(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(matching, "prepare", explode)
    run = matching_run(trigger="test")
    assert run.status == "failed" and "engine exploded" in run.errors[0]
    assert list(Proposal.objects.values_list("pk", "status")) == before


def test_declined_pairs_are_not_proposed_during_the_cooling_off(owner, other):
    pairs = cycle([owner, other])
    offer, want = pairs[0]
    DeclinedPair.objects.create(offer=offer, want=want, until=timezone.now() + timedelta(days=1))
    assert run_all().bilateral_count == 0
    DeclinedPair.objects.update(until=timezone.now() - timedelta(seconds=1))
    assert run_all().bilateral_count == 1


def test_users_in_different_cities_are_not_matched():
    a, b = person(city="Алматы"), person(city="Астана")
    cycle([a, b])
    assert run_all().bilateral_count == 0


def test_inactive_users_items_are_not_matched(owner, other):
    cycle([owner, other])
    User.objects.filter(pk=other.pk).update(is_active=False)
    assert run_all().bilateral_count == 0


def test_discover_creates_chains_within_the_size_bounds(staff_api):
    three = [person() for _ in range(3)]
    four = [person() for _ in range(4)]
    cycle(three, base=10)
    cycle(four, base=10**6)
    r = staff_api.post("/api/chains/discover", {"min_participants": 4, "max_participants": 10})
    body = r.json()
    assert body["chains_created"] == 1 and body["total_participants"] == 4
    assert body["chains"][0]["participants"] == 4 and len(body["chains"][0]["items"]) == 4
    body = staff_api.post("/api/chains/discover", {}).json()
    assert body["chains_created"] == 1 and body["chains"][0]["participants"] == 3


def test_listing_changes_schedule_one_debounced_run(
    api, owner, other, django_capture_on_commit_callbacks
):
    item(other, "offer", "Палатка туристическая", 30000)
    item(other, "want", "Спальник", 20000)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/api/listings/create-by-categories",
            {
                "wants": {
                    "PERMANENT": [{"item_name": "Палатка туристическая", "value_tenge": 30000}]
                },
                "offers": {"PERMANENT": [{"item_name": "Спальник", "value_tenge": 20000}]},
            },
        )
    assert r.status_code == 201, r.content
    run = MatchingRun.objects.get()
    assert run.trigger == "rematch" and run.scope_user == owner
    assert Proposal.objects.filter(kind="bilateral").count() == 1
    assert not MatchingDirtyUser.objects.exists()


def test_debounce_queues_one_run_per_window(owner, other, settings, monkeypatch):
    from apps.exchange import tasks

    queued = []
    monkeypatch.setattr(
        tasks.matching_rematch,
        "apply_async",
        lambda kwargs, countdown: queued.append((kwargs, countdown)),
    )
    settings.MATCH_DEBOUNCE_SECONDS = 30
    for _ in range(3):
        tasks.schedule_user_run(owner.pk)
    tasks.schedule_user_run(other.pk)
    assert queued == [({"key_delay": 30}, 30)]
    assert set(MatchingDirtyUser.objects.values_list("user_id", flat=True)) == {owner.pk, other.pk}
    tasks.matching_rematch.run(key_delay=30)  # the run clears the window and the dirty set
    assert not MatchingDirtyUser.objects.exists()
    tasks.schedule_user_run(owner.pk)
    assert len(queued) == 2


def test_expiry_sweep_expires_only_due_proposals(owner, other):
    from apps.exchange.tasks import proposals_expire

    cycle([owner, other])
    a, b = person(), person()
    cycle([a, b], base=10**6)
    run_all()
    due = Proposal.objects.filter(participants__user=owner).get()
    Proposal.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert proposals_expire.delay().get() == 1
    assert dict(Proposal.objects.values_list("pk", "status"))[due.pk] == "expired"
    # Released items are matched again at once by the coalesced re-matching run.
    rematch = MatchingRun.objects.get(trigger="rematch")
    assert rematch.scope_user is None and rematch.bilateral_count == 1
    assert Proposal.objects.filter(status="pending").count() == 2
    assert proposals_expire.delay().get() == 0


@pytest.mark.parametrize("scenario", ["bilateral", "chains", "locations", "scoring"])
def test_test_flow_scenarios_pass_and_leave_nothing_behind(staff_api, scenario):
    users_before = User.objects.count()
    r = staff_api.post("/api/matching/test-flow", {"scenario": scenario})
    body = r.json()
    assert body["test"] == scenario and body["passed"] is True, body
    assert body["matches_found"] >= 1
    assert User.objects.count() == users_before
    assert not Proposal.objects.exists() and not MatchingRun.objects.exists()
    assert not Notification.objects.exists() and not ListingItem.objects.exists()


def test_test_flow_full_runs_every_scenario(staff_api):
    body = staff_api.post("/api/matching/test-flow", {"scenario": "full"}).json()
    assert body["passed"] is True and len(body["results"]) == 4


def test_test_flow_is_staff_only_unless_debug(api, settings):
    assert_error(api.post("/api/matching/test-flow", {"scenario": "bilateral"}), 403)
    settings.DEBUG = True
    assert api.post("/api/matching/test-flow", {"scenario": "bilateral"}).json()["passed"]


def test_test_flow_rejects_unknown_scenario(staff_api):
    assert_error(staff_api.post("/api/matching/test-flow", {"scenario": "nope"}), 400)


def test_the_shard_size_comes_from_settings(settings):
    settings.MATCH_SHARD_USERS = 15000
    assert adapter.match_config().shard_users == 15000
    settings.MATCH_SHARD_USERS = 0  # never split
    assert adapter.match_config().shard_users is None


def test_each_run_draws_its_own_shards(owner, other, monkeypatch):
    seen = []
    real = matching.prepare

    def spy(market, config, **kw):
        seen.append(config.shard_seed)
        return real(market, config, **kw)

    monkeypatch.setattr(matching, "prepare", spy)
    first, second = matching_run(), matching_run()
    assert seen == [first.pk, second.pk] and first.pk != second.pk
    assert first.stats["shard_seed"] == first.pk
