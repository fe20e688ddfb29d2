"""Proposals a person understands (issue 14, item 6): why each leg fits, in plain Russian, the
chance that the exchange completes when the engine gave one, and no trust jargon."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from apps.exchange import adapter
from apps.exchange.models import Proposal, ProposalLeg, WantMark
from apps.exchange.proposal_explain import completion_chance
from apps.exchange.services import ItemDraft, listing_create
from apps.exchange.tests.helpers import run_all
from apps.notifications.models import Notification
from matching import Leg


def add(user, name, item_type="OFFER", *, value=10000, category="hand_power_tools", **kw):
    _, items = listing_create(
        user=user,
        drafts=[
            ItemDraft(
                item_type=item_type,
                exchange_type="PERMANENT",
                item_name=name,
                value_tenge=value,
                category=category,
                **kw,
            )
        ],
    )
    return items[0]


@pytest.fixture
def match(owner, other):
    """owner gets other's drill for their drill want; other gets owner's guitar."""
    want = add(owner, "Дрель ударная", "WANT", value=11000)
    drill = add(other, "Дрель Bosch", description="почти новая")
    add(owner, "Гитара акустическая", category=None, value=5000)
    add(other, "Гитара", "WANT", category=None, value=5000)
    run_all()
    proposal = Proposal.objects.get()
    return proposal, want, drill


def test_proposal_page_says_why_in_plain_russian(client, owner, match):
    proposal, _want, _drill = match
    ProposalLeg.objects.filter(proposal=proposal).update(probability=None)  # none from the engine
    client.force_login(owner)
    page = client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Совпадает с «Дрель ударная» (общие слова: «дрель»)" in page
    assert "Стоимость сопоставима: 10\u00a0000\u00a0₸ (искали около 11\u00a0000\u00a0₸)" in page
    assert "Оба в городе Алматы" in page
    assert "Other — новый участник" in page
    assert "Доверие к отдающему" not in page
    assert "Вероятность, что обмен состоится" not in page  # the engine gave no probabilities


def test_chance_is_the_product_of_the_legs_probabilities(client, owner, match):
    proposal, _want, _drill = match
    ProposalLeg.objects.filter(proposal=proposal, position=0).update(probability=0.9)
    ProposalLeg.objects.filter(proposal=proposal, position=1).update(probability=0.8)
    client.force_login(owner)
    page = client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Вероятность, что обмен состоится: около 72%" in page


def test_chance_is_omitted_when_one_leg_has_none(client, owner, match):
    proposal, _want, _drill = match
    ProposalLeg.objects.filter(proposal=proposal, position=0).update(probability=0.9)
    ProposalLeg.objects.filter(proposal=proposal, position=1).update(probability=None)
    client.force_login(owner)
    page = client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Вероятность, что обмен состоится" not in page


def test_experienced_giver_is_described_by_exchanges_and_rating(client, owner, other, match):
    proposal, _want, _drill = match
    other.exchange_count, other.rating_sum, other.rating_count = 3, 14, 3
    other.save()
    client.force_login(owner)
    page = client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).content.decode()
    assert "У other завершённых обменов: 3, средняя оценка 4.7 из 5" in page
    assert "Other — новый участник" not in page


def test_notification_explains_what_the_user_gets(owner, other, match):
    payload = Notification.objects.get(user=owner, type="bilateral_match").payload
    assert payload["message"].startswith("Найдено совпадение с other! Вы получите «Дрель Bosch»:")
    assert "совпадает с «Дрель ударная»" in payload["message"]
    assert payload["why"][0] == "совпадает с «Дрель ударная» (общие слова: «дрель»)"
    assert "оба в городе Алматы" in payload["why"]
    # the engine's leg probabilities, stored at write time, when it gives them
    assert payload["completion_chance"] == completion_chance(match[0].legs.all())
    theirs = Notification.objects.get(user=other, type="bilateral_match").payload
    assert "Вы получите «Гитара акустическая»" in theirs["message"]


def test_any_in_category_and_marks_are_named_as_the_reason(client, owner, other, outsider):
    anything = add(owner, "Какой-нибудь инструмент", "WANT", any_in_category=True)
    saw = add(other, "Лобзик Makita")
    add(owner, "Гитара", category=None, value=5000)
    add(other, "Гитара", "WANT", category=None, value=5000)
    want = add(other, "Книга", "WANT", category=None, value=3000)
    book = add(outsider, "Роман", category=None, value=3000)
    add(outsider, "Ваза", "WANT", category=None, value=7000)
    WantMark.objects.create(want=want, offer=book, verdict="yes")
    from apps.exchange.proposal_explain import legs_why

    legs = [
        ProposalLeg(pk=1, offer=saw, want=anything, giver=other, receiver=owner),
        ProposalLeg(pk=2, offer=book, want=want, giver=outsider, receiver=other),
    ]
    why = legs_why(legs)
    assert why[1].lines[0] == (
        "для «Какой-нибудь инструмент» подходит что угодно из категории "
        "«Ручные, электро-, строительные, лабораторные инструменты»"
    )
    assert why[2].lines[0] == "отмечено как подходящее для «Книга» в списке вариантов"


@dataclass(frozen=True)
class _LegWithProbability(Leg):
    probability: float = 0.0


def test_leg_rows_store_the_engines_probability_when_it_gives_one():
    plain = Leg(giver_id=1, receiver_id=2, offer_id=3, want_id=4, score=0.5)
    rich = _LegWithProbability(
        giver_id=1, receiver_id=2, offer_id=3, want_id=4, score=0.5, probability=0.83
    )
    back = Leg(giver_id=2, receiver_id=1, offer_id=5, want_id=6, score=0.5)
    from matching import Proposal as EngineProposal

    default = getattr(plain, "probability", None)  # None before the engine gives one
    rows = adapter.leg_rows(EngineProposal.from_legs([plain, back]))
    assert [r["probability"] for r in rows] == [default, default]
    rows = adapter.leg_rows(EngineProposal.from_legs([rich, back]))
    assert sorted(r["probability"] or 0 for r in rows) == sorted([default or 0, 0.83])
