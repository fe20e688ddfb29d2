from collections import Counter

from matching import MatchConfig, find_proposals
from matching.candidates import generate_candidates, per_want_limit, shard_count, user_shard
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


def test_markets_up_to_the_shard_size_are_not_split():
    config = MatchConfig(shard_users=15_000)
    assert shard_count(config, 15_000) == 1
    assert shard_count(config, 15_001) == 2
    assert shard_count(config, 100_000) == 7
    assert shard_count(MatchConfig(shard_users=None), 10**6) == 1


def test_a_users_shard_depends_only_on_the_id_and_the_count():
    shards = [user_shard(u, 7) for u in range(1, 7001)]
    assert shards == [user_shard(u, 7) for u in range(1, 7001)]
    sizes = Counter(shards)
    assert sorted(sizes) == list(range(7))
    assert min(sizes.values()) > 900  # roughly even: 1 000 each
    assert user_shard(12345, 1) == 0


def test_sharded_candidates_are_the_unsharded_ones_inside_each_shard():
    m = _crowded_market()  # 16 users
    whole = generate_candidates(m, MatchConfig(candidates_per_want=None, shard_users=None))
    config = MatchConfig(candidates_per_want=None, shard_users=6)  # 3 shards
    split = generate_candidates(m, config)

    def shard(i):
        return user_shard(m.items[i].user_id, 3)

    same = {
        (o, w)
        for o, w in zip(whole.offer.tolist(), whole.want.tolist(), strict=True)
        if shard(o) == shard(w)
    }
    assert set(zip(split.offer.tolist(), split.want.tolist(), strict=True)) == same
    assert 0 < len(same) < len(whole)  # the split dropped the cross-shard pairs, kept the rest


def test_the_budget_is_shared_per_shard():
    m = _crowded_market()
    config = MatchConfig(
        candidates_per_want=5, candidate_budget=6, min_candidates_per_want=1, shard_users=8
    )
    # 2 shards, 6 wants: 3 wants per shard share 6 legs, so each keeps 2 (not 6 // 6 = 1)
    assert generate_candidates(m, config).per_want == 2


def _everyone_swaps():
    """12 users all offering and wanting bicycles: any two can swap."""
    return market([it for u in range(1, 13) for it in (offer(100 + u, u), want(200 + u, u))])


def _shards(proposal, seed=0):
    """The shards (of 3) the users of a proposal are in."""
    return {user_shard(u, 3, seed) for u in proposal.users}


def test_a_sharded_market_trades_inside_shards_and_bounds_what_it_solved():
    m = _everyone_swaps()
    config = MatchConfig(shard_users=4, max_cycle=2)  # 3 shards
    result = find_proposals(m, config)
    assert result.proposals
    for proposal in result.proposals:
        assert len(_shards(proposal)) == 1
    sizes = Counter(user_shard(u, 3) for u in range(1, 13))
    assert sorted(sizes.values()) == [3, 4, 5]
    # swaps inside the shards satisfy 2 + 4 + 4 wants, proven optimal for what was solved (the
    # shards' components, nothing across them); the whole market pairs all 12 users
    assert result.stats.satisfied_wants == result.stats.bound == 10
    assert result.stats.components == 3
    whole = find_proposals(m, MatchConfig(shard_users=None, max_cycle=2))
    assert whole.stats.satisfied_wants == 12


def test_a_new_seed_draws_new_shards():
    users = range(1, 2001)
    before = [user_shard(u, 7, seed=0) for u in users]
    after = [user_shard(u, 7, seed=1) for u in users]
    assert min(Counter(after).values()) > 220  # still even: ~286 each (binomial sd ~16)
    pairs = [(u, v) for u in range(2000) for v in range(u + 1, 2000, 37) if before[u] == before[v]]
    together = sum(after[u] == after[v] for u, v in pairs)
    # users who shared a shard share one again only by chance (1 in 7), not because they did
    assert together < 2 * len(pairs) / 7


def test_the_seed_changes_who_can_trade_with_whom():
    m = _everyone_swaps()
    crossing = 0  # swaps between users whom seed 0 put in different shards
    for seed in range(1, 4):
        config = MatchConfig(shard_users=4, max_cycle=2, shard_seed=seed)
        for proposal in find_proposals(m, config).proposals:
            assert len(_shards(proposal, seed)) == 1
            crossing += len(_shards(proposal)) > 1
    assert crossing > 0
