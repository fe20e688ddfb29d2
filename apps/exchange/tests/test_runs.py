"""Matching runs in the product: single-flight, async answers, heartbeat, set-based write-back,
coalesced re-matching, the fan-out and the per-run outcomes (issues 15.2, 21, 14.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import matching
from apps.common.testing import ApiClient, assert_error
from apps.exchange import adapter, matching_runs, proposal_messages, run_engine, tasks
from apps.exchange.matching_runs import matching_run, run_start
from apps.exchange.models import (
    ListingItem,
    MatchingDirtyUser,
    MatchingRun,
    Proposal,
    ProposalItemLock,
    ProposalLeg,
)
from apps.exchange.proposals import proposals_expire_due
from apps.exchange.run_writeback import RunAbandoned, write_proposals
from apps.exchange.tests.helpers import cycle, item, person, run_all
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _market(pairs: int, chains: int = 0) -> None:
    for i in range(pairs):
        cycle([person(), person()], base=10 ** (i % 9) * (i + 7))
    for i in range(chains):
        cycle([person() for _ in range(3)], base=10 ** (i % 9) * (i + 3) * 11)


def _write_queries(pairs: int) -> tuple[int, int]:
    _market(pairs)
    snap = adapter.snapshot()
    found = matching.find_proposals(snap.market, adapter.match_config()).proposals
    run = MatchingRun.objects.create(heartbeat_at=timezone.now(), scope_key=f"t{pairs}")
    with CaptureQueriesContext(connection) as ctx:
        created, _skipped, _ = write_proposals(run=run, snap=snap, found=found)
    return len(created), len(ctx.captured_queries)


def test_write_back_takes_the_same_few_queries_for_3_or_30_proposals():
    small, small_queries = _write_queries(3)
    Proposal.objects.all().delete()
    big, big_queries = _write_queries(30)
    assert (small, big) == (3, 33)  # the second market still holds the first one's cycles
    assert small_queries == big_queries <= 14


def test_write_back_query_bound(django_assert_max_num_queries):
    _market(12, chains=4)
    snap = adapter.snapshot()
    found = matching.find_proposals(snap.market, adapter.match_config()).proposals
    run = MatchingRun.objects.create(heartbeat_at=timezone.now(), scope_key="all")
    with django_assert_max_num_queries(14):
        created, skipped, _ = write_proposals(run=run, snap=snap, found=found)
    assert (len(created), skipped) == (16, 0)
    assert ProposalLeg.objects.count() == 12 * 2 + 4 * 3
    assert ProposalItemLock.objects.count() == 2 * (12 * 2 + 4 * 3)


def test_notifications_are_built_without_read_back_and_say_the_same(owner, other):
    three = [person() for _ in range(3)]
    cycle([owner, other])
    cycle(three, base=10**6)
    run_all()
    for proposal in Proposal.objects.all():
        legs = list(proposal.legs.all())
        usernames = {leg.giver_id: leg.giver.username for leg in legs}
        names = {leg.offer_id: leg.offer.item_name for leg in legs}
        rebuilt = proposal_messages.created_rows_from_engine(
            proposal_id=proposal.pk,
            kind=proposal.kind,
            score=proposal.score,
            legs=[(leg.giver_id, leg.receiver_id, leg.offer_id) for leg in legs],
            usernames=usernames,
            item_names=names,
        )
        assert sorted(rebuilt, key=repr) == sorted(
            proposal_messages._created_rows(proposal), key=repr
        )
        stored = Notification.objects.filter(payload__proposal_id=proposal.pk)
        assert stored.count() == len(legs)
    bilateral = Notification.objects.get(user=owner, type="bilateral_match")
    assert bilateral.payload["partner"] == other.username
    assert bilateral.payload["partner_contact"] is None


def test_a_run_failed_meanwhile_writes_nothing(owner, other):
    cycle([owner, other])
    snap = adapter.snapshot()
    found = matching.find_proposals(snap.market, adapter.match_config()).proposals
    run = MatchingRun.objects.create(status="failed", scope_key="all")
    with pytest.raises(RunAbandoned):
        write_proposals(run=run, snap=snap, found=found)
    assert not Proposal.objects.exists() and not ProposalItemLock.objects.exists()


def test_a_second_start_of_a_scope_gets_the_running_run(staff_api, staff):
    first, started = run_start(trigger="test")
    second, again = run_start(trigger="test")
    assert started and not again and second.pk == first.pk
    user_run, user_started = run_start(user_id=staff.pk, trigger="test")  # another scope
    assert user_started and user_run.pk != first.pk
    r = staff_api.post("/api/matching/run-pipeline", {"user_id": None})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["run_id"] == first.pk and body["status"] == "running"
    assert body["already_running"] is True and body["bilateral_matches"] == 0
    assert MatchingRun.objects.count() == 2


def test_a_run_with_a_stale_heartbeat_is_failed_and_the_scope_freed(anon_api, owner, other):
    cycle([owner, other])
    dead, _ = run_start(trigger="test")
    MatchingRun.objects.filter(pk=dead.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=90)
    )
    body = anon_api.get("/api/matching/status").json()
    assert body["status"] == "failed" and body["run_id"] == dead.pk
    assert "heartbeat" in body["errors"][0]
    run = run_all()  # the scope is free again
    assert run.pk != dead.pk and run.bilateral_count == 1


def test_a_fresh_heartbeat_keeps_the_run(owner):
    alive, _ = run_start(trigger="test")
    MatchingRun.objects.filter(pk=alive.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=20)
    )
    assert tasks.matching_runs_reap.delay().get() == 0
    alive.refresh_from_db()
    assert alive.status == "running"


def test_run_pipeline_answers_202_with_the_run_id_when_the_run_is_slow(
    staff_api, anon_api, settings, monkeypatch
):
    a, b, c = person(), person(), person()
    cycle([a, b, c])
    settings.MATCH_RUN_WAIT_SECONDS = 0
    queued = []
    monkeypatch.setattr(
        matching_runs, "run_dispatch", lambda run_id, **kw: queued.append((run_id, kw))
    )
    r = staff_api.post("/api/matching/run-pipeline", {"user_id": None})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "running" and body["already_running"] is False
    assert [q[0] for q in queued] == [body["run_id"]]
    assert anon_api.get("/api/matching/status").json()["status"] == "running"
    tasks.matching_run_execute.run(body["run_id"])  # the worker does the run
    status = anon_api.get("/api/matching/status").json()
    assert status["status"] == "success" and status["run_id"] == body["run_id"]
    assert status["chains_discovered"] == 1 and status["participants_notified"] == 3


def test_run_pipeline_is_rate_limited_per_user(api, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "matching_run": "2/m"}
    assert api.post("/api/matching/run-pipeline", {}).status_code == 200
    assert api.post("/api/matching/run-pipeline", {}).status_code == 200
    r = api.post("/api/matching/run-pipeline", {})
    assert_error(r, 429)
    assert MatchingRun.objects.count() == 2


def test_editing_a_matched_item_is_not_blocked_while_the_engine_works(api, owner, other):
    pairs = cycle([owner, other])
    offer = pairs[0][0]
    real = run_engine.solve_in_process
    seen = {}

    def engine_phase(*args, **kwargs):
        seen["in_transaction"] = connection.in_atomic_block
        r = api.put(f"/api/listings/{offer.pk}", {"description": "Изменено во время подбора"})
        seen["edit"] = r.status_code
        return real(*args, **kwargs)

    import apps.exchange.matching_runs as mr

    mr.run_engine.solve_in_process = engine_phase
    try:
        run = run_all()
    finally:
        mr.run_engine.solve_in_process = real
    assert seen["edit"] == 200
    assert ListingItem.objects.get(pk=offer.pk).version == 2
    # the engine's answer used the old version: skipped at write time, nothing held
    assert run.skipped_count == 1 and run.bilateral_count == 0
    assert not ProposalItemLock.objects.exists()


def test_expiry_sweep_triggers_one_coalesced_run(django_capture_on_commit_callbacks):
    _market(6)
    run_all()
    assert Proposal.objects.filter(status="pending").count() == 6
    Proposal.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_expire_due() == 6
    rematch = MatchingRun.objects.filter(trigger="rematch")
    assert rematch.count() == 1
    run = rematch.get()
    assert run.stats["users"] == 12 and run.bilateral_count == 6
    assert Proposal.objects.filter(status="pending").count() == 6
    assert not MatchingDirtyUser.objects.exists()


def test_after_a_decline_the_others_get_a_new_proposal_at_once(
    django_capture_on_commit_callbacks,
):
    a, b, c = person(), person(), person()
    # a gives X to b in both cycles; the 3-cycle satisfies more wants, so it is proposed first
    item(a, "offer", "Палатка туристическая", 1000)
    item(b, "want", "Палатка туристическая", 1000)
    item(b, "offer", "Котелок походный", 10**5)
    item(a, "want", "Котелок походный", 10**5)
    item(b, "offer", "Спальник пуховый", 10**7)
    item(c, "want", "Спальник пуховый", 10**7)
    item(c, "offer", "Фонарь налобный", 10**9)
    item(a, "want", "Фонарь налобный", 10**9)
    run_all()
    chain = Proposal.objects.get()
    assert chain.kind == "chain"
    with django_capture_on_commit_callbacks(execute=True):
        r = ApiClient(c).post(f"/api/chains/{chain.pk}/decline", {"reason": "не нужно"})
    assert r.status_code == 200, r.content
    fresh = Proposal.objects.get(status="pending")
    assert fresh.kind == "bilateral"
    assert set(fresh.participants.values_list("user_id", flat=True)) == {a.pk, b.pk}
    run = MatchingRun.objects.get(trigger="rematch")
    assert run.stats["users"] == 2
    assert Notification.objects.filter(user=a, type="bilateral_match").count() == 1


def test_status_and_staff_view_show_what_became_of_each_runs_proposals(
    anon_api, admin_client, settings
):
    settings.MATCH_AUTO_RUN = False
    _market(3)
    run = run_all()
    first, second, third = Proposal.objects.order_by("pk")
    for proposal, status in ((first, "declined"), (second, "expired"), (third, "completed")):
        Proposal.objects.filter(pk=proposal.pk).update(status=status)
    body = anon_api.get("/api/matching/status").json()
    assert body["outcomes"] == {
        "proposals_made": 3,
        "pending": 0,
        "accepted": 1,
        "declined": 1,
        "expired": 1,
        "cancelled": 0,
        "completed": 1,
    }
    assert body["runs"][0]["run_id"] == run.pk and body["safety_stop"] is False
    page = admin_client.get("/admin/exchange/matchingrun/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Завершены" in html
    for field, value in (("made", 3), ("declined", 1), ("expired", 1), ("completed", 1)):
        assert f'<td class="field-{field}">{value}</td>' in html


def test_a_fired_safety_stop_is_reported(anon_api, settings, owner, other):
    cycle([owner, other])
    settings.MATCH_TIME_LIMIT_SECONDS = 0
    run = run_all()
    assert run.stats["safety_stop"] is True
    assert anon_api.get("/api/matching/status").json()["safety_stop"] is True


def test_fanout_canvas_gives_the_same_proposals_as_in_process(settings):
    _market(5, chains=3)
    snap = adapter.snapshot()
    expected = sorted(
        adapter.cycle_key(p)
        for p in matching.find_proposals(snap.market, adapter.match_config()).proposals
    )
    assert len(expected) == 8
    settings.MATCH_FANOUT = True
    settings.MATCH_FANOUT_GROUPS = 3
    run = matching_run(trigger="test")
    assert run.status == "success", run.errors
    assert run.stats["solved_components"] == run.stats["components"] >= 3
    assert run.stats["fanout_groups"] == 3
    assert sorted(Proposal.objects.values_list("cycle_key", flat=True)) == expected


def test_editing_an_item_re_matches_its_owner(
    api, owner, other, django_capture_on_commit_callbacks
):
    offer = item(owner, "offer", "Палатка туристическая", 30000)
    item(owner, "want", "Спальник пуховый", 20000)
    item(other, "want", "Палатка туристическая", 30000)
    item(other, "offer", "Спальник", 20000)  # fits only once the want is edited
    with django_capture_on_commit_callbacks(execute=True):
        r = api.put(f"/api/listings/{offer.pk}", {"description": "Двухместная"})
    assert r.status_code == 200, r.content
    run = MatchingRun.objects.get(trigger="rematch")
    assert run.scope_user == owner and run.status == "success"
    assert not MatchingDirtyUser.objects.exists()


def test_expiry_sweep_takes_the_same_few_queries_for_3_or_9_proposals(settings):
    settings.MATCH_AUTO_RUN = False
    counts = []
    for pairs, due in ((3, 3), (9, 12)):  # the second run proposes the first 3 pairs again
        _market(pairs)
        run_all()
        Proposal.objects.filter(status="pending").update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        with CaptureQueriesContext(connection) as ctx:
            assert proposals_expire_due() == due
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 14
    assert Notification.objects.filter(type="proposal_expired").count() == 2 * (3 + 12)
    assert not ProposalItemLock.objects.exists()
    assert MatchingDirtyUser.objects.count() == 24


def test_discover_answers_202_while_the_run_works(staff_api, settings, monkeypatch):
    cycle([person() for _ in range(3)])
    settings.MATCH_RUN_WAIT_SECONDS = 0
    queued = []
    monkeypatch.setattr(
        matching_runs, "run_dispatch", lambda run_id, **kw: queued.append((run_id, kw))
    )
    r = staff_api.post("/api/chains/discover", {"min_participants": 3, "max_participants": 5})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "running" and body["chains_created"] == 0
    assert queued == [(body["run_id"], {"config_overrides": {"min_cycle": 3, "max_cycle": 5}})]
    tasks.matching_run_execute.run(
        body["run_id"], config_overrides={"min_cycle": 3, "max_cycle": 5}
    )
    assert MatchingRun.objects.get(pk=body["run_id"]).chain_count == 1
