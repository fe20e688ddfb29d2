"""The uncapped bound two ways (sparse assignment, min-cost circulation) and cut and close."""

import numpy as np
import pytest

from benchmarks.generator import generate_market
from matching import MatchConfig
from matching import solver as solver_module
from matching.engine import prepare
from matching.graph import Component
from matching.solver import (
    SolveLimits,
    adjacency,
    assignment,
    circulation,
    cut_and_close,
    cycle_length,
    solve_component,
    unit_cover,
)


def _graph(edges: list[tuple[int, int, bool]], n: int, owner=None) -> Component:
    return Component(
        n=n,
        src=np.array([s for s, _, _ in edges], dtype=np.int64),
        dst=np.array([d for _, d, _ in edges], dtype=np.int64),
        counted=np.array([c for _, _, c in edges], dtype=bool),
        score=np.zeros(len(edges), dtype=np.int64),
        owner=np.full(n, -1, dtype=np.int64) if owner is None else np.asarray(owner),
    )


def _random_graph(n: int, m: int, seed: int) -> Component:
    rng = np.random.default_rng(seed)
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2)) if a != b}
    return _graph([(a, b, bool(rng.random() < 0.7)) for a, b in sorted(pairs)], n)


def _assert_cover(comp: Component, cycles: list[list[int]]) -> int:
    seen: set[int] = set()
    for cycle in cycles:
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert comp.dst[a] == comp.src[b]
        for e in cycle:
            assert int(comp.src[e]) not in seen
            seen.add(int(comp.src[e]))
    return sum(cycle_length(comp, c) for c in cycles)


@pytest.mark.parametrize("seed", range(12))
def test_circulation_count_equals_the_assignment_on_random_graphs(seed):
    comp = _random_graph(60, 150 + 20 * seed, seed)
    expected = _assert_cover(comp, assignment(comp, use_priority=False, weighted=False))
    assert _assert_cover(comp, circulation(comp)) == expected


def test_circulation_uses_hubs_for_wants_that_share_their_offers():
    # users 0 and 1: wants (nodes 2,3 of user 0; 6,7 of user 1) pay with either offer
    # (0,1 of user 0; 4,5 of user 1); offers go to the other user's wants (counted)
    edges = [(w, o, False) for w in (2, 3) for o in (0, 1)]
    edges += [(w, o, False) for w in (6, 7) for o in (4, 5)]
    edges += [(0, 6, True), (1, 7, True), (4, 2, True), (5, 3, True)]
    comp = _graph(edges, 8, owner=[0, 0, -1, -1, 1, 1, -1, -1])
    cycles = circulation(comp)
    assert _assert_cover(comp, cycles) == 4


def test_circulation_on_a_market_equals_the_assignment():
    comp = prepare(generate_market(400, seed=3), MatchConfig()).components[0]
    expected = _assert_cover(comp, assignment(comp, use_priority=False, weighted=False))
    assert _assert_cover(comp, circulation(comp)) == expected


@pytest.mark.slow  # seconds of engine work: `make test` and CI run it, test-fast skips it
def test_large_components_take_the_bound_from_the_circulation(monkeypatch):
    comp = _random_graph(80, 300, 99)
    calls = []
    monkeypatch.setattr(solver_module, "FLOW_NODES", 10)
    original = solver_module.circulation
    monkeypatch.setattr(solver_module, "circulation", lambda c: calls.append(c.n) or original(c))
    cycles = unit_cover(comp)
    assert calls == [80]
    assert _assert_cover(comp, cycles) == _assert_cover(
        comp, assignment(comp, use_priority=False, weighted=False)
    )
    solution = solve_component(comp, SolveLimits(max_len=3, cycle_limit=0))
    assert solution.found <= solution.bound


def test_cut_and_close_splits_a_long_cycle_through_free_nodes():
    # the cycle 0 -> 1 -> ... -> 7 -> 0 (8 counted edges) with cap 4; free node 8 closes
    # 3 -> 8 -> 0 and free node 9 closes 7 -> 9 -> 4
    edges = [(i, (i + 1) % 8, True) for i in range(8)]
    edges += [(3, 8, True), (8, 0, True), (7, 9, True), (9, 4, True)]
    comp = _graph(edges, 10)
    free = np.zeros(10, dtype=bool)
    free[[8, 9]] = True
    limits = SolveLimits(max_len=5)
    cycles = cut_and_close(comp, list(range(8)), free, adjacency(comp), limits)
    assert sorted(sorted(c) for c in cycles) == [[0, 1, 2, 8, 9], [4, 5, 6, 10, 11]]
    assert _assert_cover(comp, cycles) == 10
    assert not free.any()


def test_cut_and_close_frees_what_it_cannot_close():
    edges = [(i, (i + 1) % 6, True) for i in range(6)]
    comp = _graph(edges, 6)
    free = np.zeros(6, dtype=bool)
    cycles = cut_and_close(comp, list(range(6)), free, adjacency(comp), SolveLimits(max_len=3))
    assert cycles == []
    assert free.all()
