from matching import MatchConfig, Proposal, find_proposals, prepare, solve_component
from matching.engine import assemble
from matching.tests.factories import market, offer, swap, want


def ring(n: int, first_user: int = 1) -> list:
    """n users in a ring: user i offers item kind i and wants kind i-1."""
    items = []
    for k in range(n):
        uid = first_user + k
        items.append(offer(100 * uid + 1, uid, f"Вещь{k} предмет", category=f"c{k}"))
        items.append(
            want(100 * uid + 2, uid, f"Вещь{(k - 1) % n} предмет", category=f"c{(k - 1) % n}")
        )
    return items


def test_bilateral_swap_is_found():
    result = find_proposals(market(swap()))
    assert len(result.proposals) == 1
    proposal = result.proposals[0]
    assert proposal.kind == "bilateral"
    assert proposal.users == (1, 2)
    assert result.stats.satisfied_wants == 2
    assert result.stats.bound == 2 and result.stats.gap == 0.0


def test_chain_of_three_is_a_chain_in_cycle_order():
    result = find_proposals(market(ring(3)))
    [proposal] = result.proposals
    assert proposal.kind == "chain"
    legs = proposal.legs
    assert legs[0].giver_id == 1
    for a, b in zip(legs, legs[1:] + legs[:1]):
        assert a.receiver_id == b.giver_id


def test_cap_excludes_longer_cycles_and_bound_shows_the_gap():
    items = ring(4)
    assert find_proposals(market(items), MatchConfig(max_cycle=4)).stats.satisfied_wants == 4
    capped = find_proposals(market(items), MatchConfig(max_cycle=3))
    assert capped.proposals == []
    assert capped.stats.bound >= capped.stats.satisfied_wants


def test_uncapped_accepts_long_cycles():
    result = find_proposals(market(ring(12)), MatchConfig(max_cycle=0))
    assert [len(p.legs) for p in result.proposals] == [12]


def test_min_cycle_drops_bilateral_swaps():
    result = find_proposals(market(swap()), MatchConfig(min_cycle=3))
    assert result.proposals == []


def test_blocked_pair_is_never_proposed():
    items = swap()
    result = find_proposals(market(items, blocked={(11, 22)}))
    assert result.proposals == []


def test_more_satisfied_wants_beats_higher_score():
    # user 1 can swap with user 2 (perfect match) or be part of a 3-cycle with 3 and 4?
    items = ring(3) + [
        offer(901, 4, "Вещь0 предмет", category="c0"),
        want(902, 4, "Вещь2 предмет", category="c2"),
    ]
    result = find_proposals(market(items))
    assert result.stats.satisfied_wants == 3


def test_rotation_is_normalised_and_key_is_stable():
    result = find_proposals(market(ring(4, first_user=5)))
    [proposal] = result.proposals
    assert proposal.users[0] == min(proposal.users)
    rotated = Proposal.from_legs(proposal.legs[2:] + proposal.legs[:2])
    assert rotated.key == proposal.key
    assert rotated == proposal


def test_same_input_gives_same_output():
    items = ring(3) + ring(2, first_user=10) + swap(20, 21) + swap(22, 23)
    first = find_proposals(market(items))
    second = find_proposals(market(list(items)))
    assert [p.key for p in first.proposals] == [p.key for p in second.proposals]
    assert first.stats.satisfied_wants == second.stats.satisfied_wants > 0


def test_focus_user_returns_only_their_proposals():
    items = ring(3) + swap(20, 21)
    result = find_proposals(market(items), focus_user=20)
    assert [p.users for p in result.proposals] == [(20, 21)]
    assert find_proposals(market(items), focus_user=99).proposals == []


def test_focus_user_gets_priority_over_others():
    # users 1 and 2 swap bikes; user 3 also offers a bike 2 wants, and wants 2's scooter
    items = swap() + [
        offer(31, 3, "Велосипед"),
        want(32, 3, "Самокат", category="scooters"),
    ]
    result = find_proposals(market(items), focus_user=3)
    assert [p.users for p in result.proposals] == [(2, 3)]


def test_components_can_be_solved_separately():
    items = ring(3) + swap(20, 21)
    config = MatchConfig()
    prepared = prepare(market(items), config)
    assert len(prepared.components) == 2
    solutions = [solve_component(c, config) for c in reversed(prepared.components)]
    result = assemble(prepared, solutions)
    assert result.stats.satisfied_wants == 5
    assert result.stats.components == 2


def test_proposals_carry_reasons_in_russian():
    [proposal] = find_proposals(market(swap())).proposals
    messages = [r.message_ru for leg in proposal.legs for r in leg.reasons]
    assert any(m.startswith("Совпадает категория") for m in messages)
    assert "Общий город: Алматы" in messages


def test_user_with_two_items_can_be_in_two_proposals():
    items = swap(1, 2) + [
        offer(13, 1, "Книга", category="books"),
        want(14, 1, "Лампа", category="lamps"),
        offer(31, 3, "Лампа", category="lamps"),
        want(32, 3, "Книга", category="books"),
    ]
    result = find_proposals(market(items))
    assert sorted(p.users for p in result.proposals) == [(1, 2), (1, 3)]
