"""Smoke test of the acceptance benchmark's product path on a tiny market (the benchmark
itself, ``python -m benchmarks.acceptance``, is never part of the tests)."""

from __future__ import annotations

import pytest

from apps.exchange.models import Proposal, ProposalStatus
from benchmarks import acceptance, acceptance_product
from matching import MatchConfig

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_product_rounds_answer_every_proposal_by_true_preference(settings):
    settings.MATCH_AUTO_RUN = False
    scenario = acceptance.build(60, seed=3)

    out = acceptance_product.run_rounds(scenario, rounds=2, seed_=3)

    assert out.runs[0] == "success"
    assert len(out.satisfied) == 2
    assert out.satisfied[0] <= out.satisfied[1]
    assert 0 < out.correct <= out.proposed
    # every proposal the runs made was answered: confirmed (all accepted) or declined
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses <= {ProposalStatus.CONFIRMED, ProposalStatus.DECLINED}
    assert out.declines == Proposal.objects.filter(status=ProposalStatus.DECLINED).count()
    # the product's first round is the engine's on the market as the product filed it
    alone = acceptance.run_rounds(out.as_seeded, MatchConfig(), rounds=1)
    assert alone.satisfied[0] == out.satisfied[0]
    assert out.uncategorised >= out.guessed >= out.guessed_right
