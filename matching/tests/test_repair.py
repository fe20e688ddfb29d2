"""The relaxation-plus-repair path: valid, deterministic, never above the bound."""

import numpy as np
import pytest

from matching.graph import Component
from matching.solver import (
    SolveLimits,
    adjacency,
    carve,
    cycle_length,
    enumerate_cycles,
    extend_cycles,
    solve_component,
)


def _component(edges: list[tuple[int, int]], n: int) -> Component:
    src = np.array([s for s, _ in edges], dtype=np.int64)
    dst = np.array([d for _, d in edges], dtype=np.int64)
    m = len(edges)
    return Component(
        n=n,
        src=src,
        dst=dst,
        counted=np.ones(m, dtype=bool),
        score=np.arange(m, dtype=np.int64) % 7,
        owner=np.full(n, -1, dtype=np.int64),
    )


def _repair_only(monkeypatch, comp: Component, limits: SolveLimits):
    """``solve_component`` with no cycle pool anywhere: relaxation plus repair alone."""
    from matching import solver

    with monkeypatch.context() as patch:
        patch.setattr(solver, "_exact_pool", lambda comp, limits: None)
        return solve_component(comp, limits)


def _pool(comp: Component, cap: int) -> list[list[int]]:
    """Every cycle of ``comp`` within ``cap``."""
    return enumerate_cycles(comp, SolveLimits(max_len=cap, cycle_limit=1_000_000))


def _random_component(n: int, degree: int, seed: int) -> Component:
    rng = np.random.default_rng(seed)
    edges = {(int(v), int(w)) for v in range(n) for w in rng.choice(n, degree) if v != w}
    # a Hamiltonian cycle keeps it strongly connected and makes the assignment cycles long
    edges |= {(v, (v + 1) % n) for v in range(n)}
    return _component(sorted(edges), n)


def _check(comp: Component, cycles: list[list[int]], cap: int) -> int:
    local = {int(e): i for i, e in enumerate(comp.edge_ids.tolist())}
    seen: set[int] = set()
    total = 0
    for cycle in cycles:
        edges = [local[e] for e in cycle]
        for a, b in zip(edges, edges[1:] + edges[:1], strict=True):
            assert comp.dst[a] == comp.src[b]
        for e in edges:
            v = int(comp.src[e])
            assert v not in seen
            seen.add(v)
        length = cycle_length(comp, edges)
        assert 2 <= length <= cap
        total += length
    return total


def test_extend_replaces_a_sub_path_when_it_gains():
    # cycle 0 -> 1 -> 2 -> 0; free path 0 -> 3 -> 4 -> 2 replaces 0 -> 1 -> 2 (+1 want)
    comp = _component([(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (4, 2)], 5)
    cycles = [[0, 1, 2]]
    free = np.array([False, False, False, True, True])
    gained = extend_cycles(comp, cycles, free, adjacency(comp), SolveLimits(max_len=4))
    assert gained == 1
    assert cycles == [[3, 4, 5, 2]]
    assert free.tolist() == [False, True, False, False, False]
    # with cap 3 the cycle may not grow
    cycles = [[0, 1, 2]]
    free = np.array([False, False, False, True, True])
    assert extend_cycles(comp, cycles, free, adjacency(comp), SolveLimits(max_len=3)) == 0
    assert cycles == [[0, 1, 2]]


def test_carve_splits_a_long_cycle_by_swaps_without_losing_an_edge():
    # ring 0 -> 1 -> ... -> 7 -> 0; chords 3 -> 0 and 7 -> 4 swap it into 0..3 and 4..7
    ring = [(v, (v + 1) % 8) for v in range(8)]
    comp = _component([*ring, (3, 0), (7, 4)], 8)
    pieces, rest = carve(comp, list(range(8)), SolveLimits(max_len=4))
    assert rest == []
    assert sorted(sorted(int(comp.src[e]) for e in p) for p in pieces) == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
    ]
    assert _check(comp, pieces, 4) == 8
    assert (adjacency(comp).aux == -1).all()  # scratch restored
    # without the chords nothing can be carved: the whole ring is the remainder
    plain = _component(ring, 8)
    assert carve(plain, list(range(8)), SolveLimits(max_len=4)) == ([], list(range(8)))


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_repair_is_valid_deterministic_and_bounded():
    for seed in range(4):
        comp = _random_component(300, 3, seed)
        limits = SolveLimits(max_len=4, cycle_limit=0)  # force relaxation plus repair
        first = solve_component(comp, limits)
        second = solve_component(comp, limits)
        assert first.cycles == second.cycles
        assert first.method in {"repair", "carve"}
        assert _check(comp, first.cycles, 4) == first.found
        assert 0 < first.found <= first.bound


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_ruin_and_recreate_never_loses_and_is_deterministic(monkeypatch):
    from matching import solver

    comp = _random_component(400, 3, 2)
    limits = SolveLimits(max_len=4, cycle_limit=0)
    monkeypatch.setattr(solver, "LNS_ROUNDS", (0, 0))
    monkeypatch.setattr(solver, "LOCAL_ROUNDS", 0)
    plain = solve_component(comp, limits)
    monkeypatch.setattr(solver, "LNS_ROUNDS", (6, 6))
    wide = solve_component(comp, limits)
    assert wide.found > plain.found  # 145 -> 170 wants on this graph
    monkeypatch.setattr(solver, "LNS_ROUNDS", (0, 0))
    monkeypatch.setattr(solver, "LOCAL_ROUNDS", 100)
    local = solve_component(comp, limits)
    assert local.found > plain.found  # local rounds alone: only freed nodes and their neighbours
    monkeypatch.setattr(solver, "LNS_ROUNDS", (6, 6))
    both = solve_component(comp, limits)
    assert both.found >= wide.found
    for searched in (wide, local, both):
        assert _check(comp, searched.cycles, 4) == searched.found
    assert solve_component(comp, limits).cycles == both.cycles


def test_ruin_and_recreate_rounds_shrink_with_the_component():
    from matching.solver import _lns_rounds

    assert _lns_rounds(2_474) == 40  # the 1k-user market
    assert _lns_rounds(20_000) == 5
    assert _lns_rounds(33_000) == 4  # the 10k-user market: never fewer than 4
    from matching.solver import _local_rounds

    assert _local_rounds(100) == 50  # a small component: half its node count
    assert _local_rounds(900) == 450
    assert _local_rounds(2_474) == 525
    assert _local_rounds(32_214) == 40  # the 10k-user market


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_an_unproven_set_packing_falls_back_to_the_repair(monkeypatch):
    # HiGHS may stop at its time limit with no solution; the answer was then empty (a
    # 300-user market: 110 of 152 wants). Now the repair runs too and its answer is kept.
    from matching import solver

    comp = _random_component(300, 3, 1)
    limits = SolveLimits(max_len=4)
    repair_only = _repair_only(monkeypatch, comp, limits)
    monkeypatch.setattr(solver, "pack_cycles", lambda *args: ([], False, float("inf")))
    monkeypatch.setattr(solver, "round_lp", lambda *args: ([], float("inf")))
    fallen = solve_component(comp, limits)
    assert fallen.cycles == repair_only.cycles
    assert fallen.found == repair_only.found > 0
    assert fallen.bound == repair_only.bound  # no dual bound: the assignment's count


def test_an_unproven_set_packing_still_bounds_the_component(monkeypatch):
    # the pool holds every cycle within the cap, so HiGHS's dual bound is a proven bound
    from matching import solver

    comp = _random_component(300, 3, 1)
    exact = solve_component(comp, SolveLimits(max_len=4))
    assert exact.method == "cycles" and exact.bound == exact.found
    uncapped = sum(cycle_length(comp, c) for c in solver.unit_cover(comp))
    assert uncapped > exact.found
    real = solver.pack_cycles

    def unproven(comp, cycles, time_limit):
        chosen, _, _ = real(comp, cycles, time_limit)
        return chosen, False, exact.found + 0.7

    monkeypatch.setattr(solver, "pack_cycles", unproven)
    bounded = solve_component(comp, SolveLimits(max_len=4))
    assert bounded.found == exact.found
    assert bounded.bound == exact.found  # floor(found + 0.7), not the uncapped count
    _check(comp, bounded.cycles, 4)


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_bilateral_only_is_exact_on_components_of_any_size(monkeypatch):
    # a cap of two users used to get only the repair above EXACT_NODES (10k users: 5 290 of
    # the 6 390 wants that two-user swaps can satisfy); the join finds every two-user cycle
    # at any size, so the set-packing ILP proves the optimum
    from benchmarks.generator import generate_market
    from matching import solver
    from matching.engine import prepare
    from matching.types import MatchConfig

    comp = max(prepare(generate_market(1000, seed=1), MatchConfig()).components, key=lambda c: c.n)
    limits = SolveLimits(max_len=2)
    small = solve_component(comp, limits)  # 2 474 nodes: the search path
    assert small.method == "cycles" and small.found == small.bound
    monkeypatch.setattr(solver, "EXACT_NODES", 0)  # as if the component were too large
    monkeypatch.setattr(solver, "SMALL_CAP_NODES", 0)
    joined = solve_component(comp, limits)
    assert joined.method == "cycles"
    assert joined.found == joined.bound == small.found
    _check(comp, joined.cycles, 2)
    monkeypatch.setattr(solver, "two_user_cycles", lambda comp, limits: None)
    repaired = solve_component(comp, limits)
    assert repaired.method == "repair" and repaired.found < joined.found


def test_the_pool_lp_bounds_and_its_rounding_answers():
    from matching import solver

    comp = _random_component(300, 3, 1)
    pool = _pool(comp, 4)
    optimum, optimal, _ = solver.pack_cycles(comp, pool, 60.0)
    assert optimal
    rounded, lp_value = solver.round_lp(comp, pool, 60.0)
    best = sum(cycle_length(comp, c) for c in optimum)
    uncapped = sum(cycle_length(comp, c) for c in solver.unit_cover(comp))
    assert sum(cycle_length(comp, c) for c in rounded) <= best <= lp_value < uncapped
    assert sum(cycle_length(comp, c) for c in rounded) >= 0.9 * best
    nodes = [int(v) for c in rounded for v in comp.src[c]]
    assert len(nodes) == len(set(nodes))  # vertex-disjoint


def test_an_unproven_set_packing_is_rounded_from_its_lp(monkeypatch):
    # HiGHS without an incumbent: the LP over the pool still gives an answer and a bound
    from matching import solver

    comp = _random_component(300, 3, 1)
    limits = SolveLimits(max_len=4)
    pool = _pool(comp, 4)
    _, lp_value = solver.round_lp(comp, pool, 60.0)
    repair_only = _repair_only(monkeypatch, comp, limits)
    monkeypatch.setattr(solver, "pack_cycles", lambda *args: ([], False, float("inf")))
    rounded = solve_component(comp, limits)
    assert rounded.bound == int(np.floor(lp_value + 1e-6)) < repair_only.bound
    assert rounded.found >= repair_only.found
    _check(comp, rounded.cycles, 4)


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_small_caps_try_the_pool_on_larger_components(monkeypatch):
    from matching import solver

    comp = _random_component(300, 3, 1)
    monkeypatch.setattr(solver, "EXACT_NODES", 100)  # the component is above it
    small = solve_component(comp, SolveLimits(max_len=3))
    assert small.method in ("cycles", "rounding") and small.found == small.bound
    monkeypatch.setattr(solver, "SMALL_CAP_NODES", 100)
    assert solve_component(comp, SolveLimits(max_len=3)).method == "repair"
    monkeypatch.setattr(solver, "SMALL_CAP_NODES", 1000)
    assert solve_component(comp, SolveLimits(max_len=5)).method == "repair"  # not a small cap
