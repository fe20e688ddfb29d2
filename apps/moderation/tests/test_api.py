"""The trust API: withdraw, disputes on exchanges, reports, blocks (what each side sees)."""

import pytest

from apps.accounts.models import UserBlock
from apps.common.testing import ApiClient
from apps.exchange.models import ProposalStatus
from apps.exchange.proposals import proposal_accept
from apps.exchange.tests.helpers import person, proposal_for
from apps.market.tests.factories import make_listing
from apps.moderation.models import Dispute, Report


@pytest.fixture
def people(db):
    return [person("ann"), person("bob")]


@pytest.fixture
def confirmed(people):
    proposal = proposal_for(people)
    for user in people:
        proposal_accept(proposal=proposal, user=user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    return proposal


def test_withdraw_through_the_api(people, confirmed):
    ann, bob = people
    r = ApiClient(ann).post(f"/api/proposals/{confirmed.pk}/withdraw", {"reason": "Уезжаю"})
    assert r.status_code == 200 and r.json() == {"proposal_id": confirmed.pk, "status": "cancelled"}
    ann.refresh_from_db()
    assert ann.trust_strikes == 1


def test_outsider_cannot_withdraw_or_dispute(people, confirmed, outsider):
    api = ApiClient(outsider)
    assert api.post(f"/api/proposals/{confirmed.pk}/withdraw", {"reason": "x"}).status_code == 404
    body = {"respondent_id": people[0].pk, "reason": "no_show", "text": "x"}
    assert api.post(f"/api/proposals/{confirmed.pk}/disputes", body).status_code == 404
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed" and not Dispute.objects.exists()


def test_no_show_dispute_both_sides_see_it_outsider_does_not(people, confirmed, outsider):
    ann, bob = people
    body = {"respondent_id": bob.pk, "reason": "no_show", "text": "Не пришёл"}
    r = ApiClient(ann).post(f"/api/proposals/{confirmed.pk}/disputes", body)
    assert r.status_code == 201
    dispute_id = r.json()["id"]
    assert r.json()["respondent"] == "bob" and r.json()["events"][0]["text"] == "Не пришёл"
    r = ApiClient(bob).post(f"/api/disputes/{dispute_id}/messages", {"text": "Я был на месте"})
    assert r.status_code == 201 and len(r.json()["events"]) == 2
    assert ApiClient(ann).get(f"/api/disputes/{dispute_id}").json()["events"][1]["author"] == "bob"
    assert ApiClient(outsider).get(f"/api/disputes/{dispute_id}").status_code == 404
    assert (
        ApiClient(outsider).post(f"/api/disputes/{dispute_id}/messages", {"text": "x"}).status_code
        == 404
    )


def test_report_and_block_through_the_api(owner, other):
    listing = make_listing(owner)
    api = ApiClient(other)
    body = {"target_type": "listing", "target_id": listing.pk, "reason": "fraud"}
    r = api.post("/api/reports", body)
    assert r.status_code == 201 and r.json()["status"] == "open"
    assert api.post("/api/reports", body).status_code == 409
    assert Report.objects.get().accused == owner
    assert api.put(f"/api/blocks/{owner.pk}").status_code == 204
    assert [b["username"] for b in api.get("/api/blocks").json()] == ["owner"]
    assert UserBlock.objects.filter(blocker=other, blocked=owner).exists()
    assert api.delete(f"/api/blocks/{owner.pk}").status_code == 204
    assert not UserBlock.objects.exists()
    assert api.put("/api/blocks/999999").status_code == 404


def test_trust_api_needs_auth(anon_api, owner):
    assert anon_api.get("/api/blocks").status_code == 401
    assert anon_api.put(f"/api/blocks/{owner.pk}").status_code == 401
    assert not UserBlock.objects.exists()
