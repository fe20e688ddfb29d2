from collections import Counter

from matching import MatchConfig, find_proposals
from matching.candidates import generate_candidates, per_want_limit
from matching.tests.factories import market, offer, want


def test_per_want_limit_is_the_configured_count_under_the_budget():
    config = MatchConfig(candidates_per_want=120, candidate_budget=6_500_000)
    assert per_want_limit(config, 13_000) == 120


def test_per_want_limit_shares_the_budget_when_wants_are_many():
    config = MatchConfig(candidates_per_want=120, candidate_budget=6_500_000)
    assert per_want_limit(config, 160_000) == 40  # 6 500 000 // 160 000


def test_per_want_limit_never_goes_below_the_floor():
    config = MatchConfig(candidates_per_want=120, candidate_budget=1000, min_candidates_per_want=20)
    assert per_want_limit(config, 1_000_000) == 20


def test_per_want_limit_without_limit_or_budget():
    assert per_want_limit(MatchConfig(candidates_per_want=None), 10) is None
    assert per_want_limit(MatchConfig(candidates_per_want=7, candidate_budget=None), 10**9) == 7


def _crowded_market():
    """6 wants (users 1..6), each compatible with all 10 offers of users 11..20."""
    items = [want(100 + u, u, value=10_000) for u in range(1, 7)]
    items += [offer(200 + u, u, value=9_000 + 100 * (u - 11)) for u in range(11, 21)]
    return market(items)


def test_candidates_keep_each_wants_best_offers_within_the_budget():
    m = _crowded_market()
    config = MatchConfig(candidates_per_want=5, candidate_budget=12, min_candidates_per_want=1)
    cands = generate_candidates(m, config)
    assert cands.per_want == 2  # 12 legs // 6 wants
    per_want = Counter(cands.want.tolist())
    assert sorted(per_want.values()) == [2] * 6
    # offers are worth 9 000..9 900: the two kept are the closest to the wanted 10 000
    kept = {m.items[i].value for i in cands.offer.tolist()}
    assert kept == {9_800, 9_900}
    assert len(generate_candidates(m, MatchConfig(candidates_per_want=5))) == 30


def test_stats_report_the_per_want_count_used():
    config = MatchConfig(candidates_per_want=5, candidate_budget=12, min_candidates_per_want=1)
    assert find_proposals(_crowded_market(), config).stats.candidates_per_want == 2
