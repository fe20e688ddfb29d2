"""Property tests: every answer is valid, and on small markets it is optimal (brute force)."""

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import Item, Market, MatchConfig, UserInfo, compatible, find_proposals
from matching.candidates import shard_count, user_shard

NAMES = ("Велосипед", "Самокат", "Книга", "Лампа")
CITIES = ("Алматы", "Астана")


@st.composite
def markets(draw, max_users: int = 5):
    n_users = draw(st.integers(2, max_users))
    users = {}
    items = []
    next_id = 1
    for uid in range(1, n_users + 1):
        cities = draw(st.sets(st.sampled_from(CITIES), min_size=1, max_size=2))
        users[uid] = UserInfo(uid, frozenset(cities), draw(st.sampled_from((0.0, 0.5, 1.0))))
        for kind in ("offer", "want"):
            for _ in range(draw(st.integers(1, 2))):
                name = draw(st.sampled_from(NAMES))
                items.append(
                    Item(
                        id=next_id,
                        user_id=uid,
                        kind=kind,
                        exchange_type="PERMANENT",
                        category=draw(st.sampled_from((None, name.lower()))),
                        name=name,
                        value=draw(st.sampled_from((1000, 1200, 1500))),
                    )
                )
                next_id += 1
    return Market(users=users, items=items)


def all_legs(market: Market, config: MatchConfig):
    """Every compatible offer -> want pair; in a sharded market only pairs inside a shard."""
    offers = [i for i in market.items if i.kind == "offer"]
    wants = [i for i in market.items if i.kind == "want"]
    shards = shard_count(config, len(market.users))
    legs = []
    for o, w in product(offers, wants):
        if user_shard(o.user_id, shards) != user_shard(w.user_id, shards):
            continue
        leg = compatible(o, w, market.users[o.user_id], market.users[w.user_id], config)
        if leg is not None:
            legs.append(leg)
    return legs


def brute_force_optimum(market: Market, config: MatchConfig) -> int:
    """Enumerate every cycle of distinct users, then exhaustive set packing."""
    legs = all_legs(market, config)
    by_giver = {}
    for leg in legs:
        by_giver.setdefault(leg.giver_id, []).append(leg)
    cap = config.max_cycle or len(market.users)
    cycles = set()

    def extend(path):
        last = path[-1]
        for leg in by_giver.get(last.receiver_id, []):
            if leg.receiver_id == path[0].giver_id:
                if config.min_cycle <= len(path) + 1 <= cap:
                    cycles.add(frozenset((x.offer_id, x.want_id) for x in (*path, leg)))
            elif len(path) + 1 < cap and leg.receiver_id not in {x.giver_id for x in path}:
                extend([*path, leg])

    for leg in legs:
        extend([leg])
    cycles = sorted(cycles, key=sorted)
    best = 0

    def pack(i, used, count):
        nonlocal best
        best = max(best, count)
        if i == len(cycles) or count + 2 * len(used) >= 10**9:
            return
        for j in range(i, len(cycles)):
            items = {x for pair in cycles[j] for x in pair}
            if not items & used:
                pack(j + 1, used | items, count + len(cycles[j]))

    pack(0, frozenset(), 0)
    return best


def assert_valid(market: Market, config: MatchConfig, result) -> None:
    items = {i.id: i for i in market.items}
    used_offers, used_wants = set(), set()
    for proposal in result.proposals:
        assert config.min_cycle <= len(proposal.legs) <= (config.max_cycle or 10**9)
        assert len(set(proposal.users)) == len(proposal.users)
        for a, b in zip(proposal.legs, proposal.legs[1:] + proposal.legs[:1]):
            assert a.receiver_id == b.giver_id
        for leg in proposal.legs:
            o, w = items[leg.offer_id], items[leg.want_id]
            again = compatible(o, w, market.users[o.user_id], market.users[w.user_id], config)
            assert again is not None and again.score == leg.score
            assert leg.offer_id not in used_offers and leg.want_id not in used_wants
            used_offers.add(leg.offer_id)
            used_wants.add(leg.want_id)
    assert result.stats.satisfied_wants == len(used_wants)
    assert result.stats.bound >= result.stats.satisfied_wants


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(markets(), st.sampled_from((2, 3, 0)))
def test_every_proposal_is_valid(market, cap):
    config = MatchConfig(max_cycle=cap, candidates_per_want=None)
    assert_valid(market, config, find_proposals(market, config))


@PROPERTY
@given(markets(max_users=5), st.sampled_from((2, 3, 4)))
def test_answer_equals_brute_force_optimum(market, cap):
    config = MatchConfig(max_cycle=cap, candidates_per_want=None)
    result = find_proposals(market, config)
    assert result.stats.satisfied_wants == brute_force_optimum(market, config)


@PROPERTY
@given(markets(max_users=6), st.sampled_from((2, 3)), st.integers(1, 3))
def test_sharded_answer_is_valid_stays_in_shards_and_is_optimal(market, cap, shard_users):
    config = MatchConfig(max_cycle=cap, candidates_per_want=None, shard_users=shard_users)
    result = find_proposals(market, config)
    assert_valid(market, config, result)
    shards = shard_count(config, len(market.users))
    for proposal in result.proposals:
        assert len({user_shard(u, shards) for u in proposal.users}) == 1
    assert result.stats.satisfied_wants == brute_force_optimum(market, config)


@PROPERTY
@given(markets(max_users=4))
def test_focus_user_proposals_all_involve_them(market):
    config = MatchConfig(candidates_per_want=None)
    result = find_proposals(market, config, focus_user=1)
    assert_valid(market, config, result)
    assert all(1 in p.users for p in result.proposals)
