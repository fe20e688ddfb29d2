"""The compiled cycle enumeration returns exactly what the plain-Python reference returns."""

import time
from collections import deque

import numpy as np
import pytest

from benchmarks.generator import generate_market
from matching.engine import prepare
from matching.graph import Component
from matching.solver import SolveLimits, enumerate_cycles, two_user_cycles
from matching.types import MatchConfig


def _reference(comp: Component, limits: SolveLimits) -> list[list[int]] | None:
    """Every cycle with min_len..max_len counted edges and distinct owners, or None if too many.

    Each cycle is found once, from its smallest node; a node is entered only if the 0-1 BFS
    distance from it back to the start (through nodes above the start) fits the budget left.
    """
    cap = limits.max_len if limits.max_len else comp.n
    n = comp.n
    out_adj: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    in_adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    counted = comp.counted.tolist()
    for e, (s, d) in enumerate(zip(comp.src.tolist(), comp.dst.tolist(), strict=True)):
        c = 1 if counted[e] else 0
        out_adj[s].append((d, e, c))
        in_adj[d].append((s, c))
    for adj in out_adj:
        adj.sort()
    owner = comp.owner.tolist()
    cycles: list[list[int]] = []
    inf = cap + 1
    for start in range(n):
        # distances (in counted edges) from every node >= start back to start
        dist = {start: 0}
        queue: deque[int] = deque([start])
        while queue:
            v = queue.popleft()
            dv = dist[v]
            for u, c in in_adj[v]:
                if u < start:
                    continue
                du = dv + c
                if du <= cap and du < dist.get(u, inf):
                    dist[u] = du
                    if c:
                        queue.append(u)
                    else:
                        queue.appendleft(u)
        if len(dist) < 2:
            continue
        path_edges: list[int] = []
        on_path = {start}
        owners = {owner[start]} if owner[start] >= 0 else set()
        # iterative DFS: stack of (node, length so far, iterator position)
        stack: list[tuple[int, int, int]] = [(start, 0, 0)]
        while stack:
            node, length, pos = stack.pop()
            adj = out_adj[node]
            while pos < len(adj):
                nxt, e, c = adj[pos]
                pos += 1
                if nxt == start:
                    total = length + c
                    if limits.min_len <= total <= cap:
                        cycles.append([*path_edges, e])
                        if len(cycles) > limits.cycle_limit:
                            return None
                    continue
                if nxt < start or nxt in on_path:
                    continue
                dn = dist.get(nxt)
                if dn is None or length + c + dn > cap:
                    continue
                o = owner[nxt]
                if o >= 0 and o in owners:
                    continue
                stack.append((node, length, pos))
                path_edges.append(e)
                on_path.add(nxt)
                if o >= 0:
                    owners.add(o)
                stack.append((nxt, length + c, 0))
                break
            else:
                if node != start:
                    path_edges.pop()
                    on_path.discard(node)
                    if owner[node] >= 0:
                        owners.discard(owner[node])
        if time.monotonic() > limits.deadline:
            return None
    return cycles


def _random(n: int, degree: int, seed: int, owners: int) -> Component:
    rng = np.random.default_rng(seed)
    pairs = {(int(v), int(w)) for v in range(n) for w in rng.choice(n, degree) if v != w}
    src = np.array([s for s, _ in sorted(pairs)], dtype=np.int64)
    dst = np.array([d for _, d in sorted(pairs)], dtype=np.int64)
    owner = rng.integers(0, owners, n) if owners else np.full(n, -1)
    return Component(
        n=n,
        src=src,
        dst=dst,
        counted=rng.random(len(src)) < 0.7,
        score=np.zeros(len(src), dtype=np.int64),
        owner=np.where(rng.random(n) < 0.2, -1, owner).astype(np.int64),
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("cap", [2, 3, 5])
def test_compiled_enumeration_equals_the_reference(seed, cap):
    comp = _random(60, 3, seed, owners=25 if seed % 2 else 0)
    min_len = 3 if cap > 2 and seed % 2 else 2
    limits = SolveLimits(min_len=min_len, max_len=cap, cycle_limit=1_000_000)
    expected = _reference(comp, limits)
    assert expected  # the graphs do hold cycles
    assert enumerate_cycles(comp, limits) == expected


def test_compiled_enumeration_on_a_market_component():
    comp = prepare(generate_market(300, seed=2), MatchConfig()).components[0]
    limits = SolveLimits(max_len=3, cycle_limit=1_000_000)
    assert enumerate_cycles(comp, limits) == _reference(comp, limits)


def test_too_many_cycles_gives_none():
    comp = _random(60, 3, 1, owners=0)
    limits = SolveLimits(max_len=5, cycle_limit=1_000_000)
    total = len(enumerate_cycles(comp, limits))
    assert enumerate_cycles(comp, SolveLimits(max_len=5, cycle_limit=total)) is not None
    assert enumerate_cycles(comp, SolveLimits(max_len=5, cycle_limit=total - 1)) is None


def _alternating(users: int, items: int, degree: int, seed: int, owned: bool) -> Component:
    """Offers -> wants (counted) and wants -> their user's offers (not counted), like a market;
    without owners every want leads to a few random offers instead."""
    rng = np.random.default_rng(seed)
    offers, wants = np.arange(items), np.arange(items, 2 * items)
    user = rng.integers(0, users, 2 * items)
    pairs = {(int(o), int(w)) for o in offers for w in rng.choice(wants, degree)}
    counted = sorted((o, w) for o, w in pairs if user[o] != user[w])
    if owned:
        inner = [(int(w), int(o)) for w in wants for o in offers if user[w] == user[o]]
    else:
        inner = sorted({(int(w), int(o)) for w in wants for o in rng.choice(offers, 2)})
    edges = counted + inner
    return Component(
        n=2 * items,
        src=np.array([a for a, _ in edges], dtype=np.int64),
        dst=np.array([b for _, b in edges], dtype=np.int64),
        counted=np.r_[np.ones(len(counted), bool), np.zeros(len(inner), bool)],
        score=np.zeros(len(edges), dtype=np.int64),
        owner=np.where(np.arange(2 * items) < items, user, -1) if owned else np.full(2 * items, -1),
    )


def _as_sets(cycles: list[list[int]]) -> list[tuple[int, ...]]:
    return sorted(tuple(sorted(c)) for c in cycles)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("owned", [True, False])
def test_two_user_cycles_by_join_equal_the_search(seed, owned):
    comp = _alternating(users=15, items=40, degree=4, seed=seed, owned=owned)
    limits = SolveLimits(max_len=2, cycle_limit=1_000_000)
    expected = _reference(comp, limits)
    assert expected
    joined = two_user_cycles(comp, limits)
    assert _as_sets(joined) == _as_sets(expected)
    for cycle in joined:  # each is a closed walk in order
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert comp.dst[a] == comp.src[b]


def test_two_user_cycles_on_a_market_component_and_their_limits():
    comp = prepare(generate_market(300, seed=2), MatchConfig()).components[0]
    limits = SolveLimits(max_len=2, cycle_limit=1_000_000)
    joined = two_user_cycles(comp, limits)
    assert _as_sets(joined) == _as_sets(_reference(comp, limits))
    assert two_user_cycles(comp, SolveLimits(max_len=2, cycle_limit=len(joined) - 1)) is None
    # a graph that is not offer -> want -> offer shaped is left to the search
    assert two_user_cycles(_random(60, 3, 1, owners=0), limits) is None
