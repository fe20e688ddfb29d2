"""FreeMarket after everyone accepted: withdraw before handover, no-show disputes, trust."""

import pytest
from django.urls import reverse

from apps.exchange.models import ItemStatus, MatchingDirtyUser, ProposalItemLock, ProposalStatus
from apps.exchange.proposals import proposal_accept
from apps.exchange.tests.helpers import person, proposal_for
from apps.exchange.trust import trust_score_for
from apps.moderation.models import Dispute
from apps.notifications.models import Notification


@pytest.fixture
def people(db):
    return [person("anna"), person("boris"), person("vera")]


@pytest.fixture
def confirmed(people):
    proposal = proposal_for(people)
    for user in people:
        proposal_accept(proposal=proposal, user=user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    return proposal


def _seasoned(user, exchanges=5, rating_sum=20, rating_count=4):
    type(user).objects.filter(pk=user.pk).update(
        exchange_count=exchanges, rating_sum=rating_sum, rating_count=rating_count
    )


def test_withdraw_frees_items_tells_others_and_costs_trust(
    client, people, confirmed, monkeypatch, django_capture_on_commit_callbacks
):
    anna, boris, vera = people
    _seasoned(anna)
    runs_asked = []
    monkeypatch.setattr("apps.exchange.rematch.schedule", lambda wait: runs_asked.append(wait))
    client.force_login(anna)
    page = client.get(reverse("exchange:proposal_detail", args=[confirmed.pk])).content.decode()
    assert 'data-action="withdraw"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("exchange:proposal_withdraw", args=[confirmed.pk]),
            {"reason": "Вещь сломалась"},
        )
    assert r.status_code == 302
    confirmed.refresh_from_db()
    anna.refresh_from_db()
    assert (confirmed.status, confirmed.close_reason) == ("cancelled", "withdrawn")
    assert not ProposalItemLock.objects.filter(proposal=confirmed).exists()
    # the others are marked for the next coalesced re-matching run, which is asked for at once
    dirty = set(MatchingDirtyUser.objects.values_list("user_id", flat=True))
    assert dirty == {boris.pk, vera.pk} and runs_asked
    for user in (boris, vera):
        note = Notification.objects.filter(user=user, type="proposal_cancelled").latest("pk")
        assert "Вещь сломалась" in note.payload["message"]
    assert anna.trust_strikes == 1
    assert anna.trust_score == trust_score_for(
        exchange_count=5, rating_sum=20, rating_count=4, trust_strikes=1
    )
    assert anna.trust_score < trust_score_for(exchange_count=5, rating_sum=20, rating_count=4)


def test_withdraw_needs_a_reason_and_outsider_changes_nothing(client, people, confirmed, outsider):
    client.force_login(people[0])
    client.post(reverse("exchange:proposal_withdraw", args=[confirmed.pk]), {"reason": " "})
    client.force_login(outsider)
    r = client.post(reverse("exchange:proposal_withdraw", args=[confirmed.pk]), {"reason": "x"})
    assert r.status_code == 404
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"
    assert ProposalItemLock.objects.filter(proposal=confirmed).exists()
    for user in [*people, outsider]:
        user.refresh_from_db()
        assert user.trust_strikes == 0


def test_no_withdraw_once_the_handover_started(client, people, confirmed):
    anna, boris, _ = people
    client.force_login(boris)
    client.post(reverse("exchange:proposal_confirm_receipt", args=[confirmed.pk]))
    client.force_login(anna)
    client.post(
        reverse("exchange:proposal_withdraw", args=[confirmed.pk]), {"reason": "Передумала"}
    )
    confirmed.refresh_from_db()
    anna.refresh_from_db()
    assert confirmed.status == "confirmed" and anna.trust_strikes == 0


def _report_no_show(client, reporter, respondent, proposal):
    client.force_login(reporter)
    return client.post(
        f"/exchange/proposals/{proposal.pk}/dispute/",
        {"respondent": respondent.pk, "reason": "no_show", "text": "Ждал час у метро"},
    )


def test_upheld_no_show_cancels_the_exchange_and_costs_two_strikes(
    client, staff, people, confirmed
):
    anna, boris, vera = people
    _seasoned(boris)
    r = _report_no_show(client, anna, boris, confirmed)
    dispute = Dispute.objects.get()
    assert r.status_code == 302 and dispute.proposal == confirmed and dispute.respondent == boris
    assert Notification.objects.filter(user=boris, type="dispute_update").exists()
    client.force_login(staff)
    client.post(
        f"/disputes/{dispute.pk}/decide/",
        {"outcome": "cancel", "note": "Подтверждено перепиской в чате"},
    )
    confirmed.refresh_from_db()
    boris.refresh_from_db()
    assert confirmed.status == "cancelled"
    assert not ProposalItemLock.objects.filter(proposal=confirmed).exists()
    assert boris.trust_strikes == 2
    assert boris.trust_score == trust_score_for(
        exchange_count=5, rating_sum=20, rating_count=4, trust_strikes=2
    )


def test_dismissed_no_show_completes_and_raises_trust(client, staff, people, confirmed):
    anna, boris, vera = people
    _report_no_show(client, anna, boris, confirmed)
    dispute = Dispute.objects.get()
    client.force_login(staff)
    client.post(f"/disputes/{dispute.pk}/decide/", {"outcome": "complete", "note": "Встреча была"})
    confirmed.refresh_from_db()
    boris.refresh_from_db()
    assert confirmed.status == "completed" and boris.trust_strikes == 0
    assert boris.exchange_count == 1 and boris.trust_score > 0
    assert set(confirmed.legs.values_list("offer__status", flat=True)) == {ItemStatus.EXCHANGED}


def test_pending_proposal_cannot_be_disputed_and_outsider_gets_404(client, people, outsider):
    proposal = proposal_for(people)
    r = _report_no_show(client, people[0], people[1], proposal)
    assert r.status_code == 409
    client.force_login(outsider)
    r = client.post(
        f"/exchange/proposals/{proposal.pk}/dispute/",
        {"respondent": people[1].pk, "reason": "no_show", "text": "x"},
    )
    assert r.status_code == 404
    assert not Dispute.objects.exists()


def test_ban_cancels_a_confirmed_exchange_and_tells_the_others(staff, people, confirmed):
    from apps.moderation.sanctions import user_ban

    anna, boris, vera = people
    user_ban(user=anna, staff=staff, reason="мошенничество")
    confirmed.refresh_from_db()
    assert confirmed.status == "cancelled" and confirmed.close_reason == "user_banned"
    assert not ProposalItemLock.objects.filter(proposal=confirmed).exists()
    for user in (boris, vera):
        note = Notification.objects.filter(user=user, type="proposal_cancelled").latest("pk")
        assert "заблокирован" in note.payload["message"]
