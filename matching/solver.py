"""Exact and proven-good cycle packing on one strongly connected component.

Objective, lexicographic: (1) counted edges on priority (focus user) edges, (2) counted edges
(satisfied wants), (3) total integer score. Methods, tried in this order:

``assignment``  every node picks a successor or itself (min-weight perfect matching on the
                sparse bipartite graph, scipy's LAPJVsp). Exact for uncapped cycles; its count
                is a proven upper bound for every cap. If all its cycles fit the cap, done.
``cycles``      enumerate every cycle within the cap (DFS from each start node through higher
                nodes only, pruned by 0-1 BFS distances back to the start), then solve the
                set packing ILP with HiGHS. Exact when enumeration stays under the limit.
``repair``      keep the assignment's cycles that fit, carve / cut and close the long ones,
                improve by sub-path replacement through free nodes (``extend_cycles``), and
                re-solve the rest of the component (recursively split into components again)
                with the same ladder; as a last resort a greedy packing of enumerated short
                cycles. Components up to ``MULTI_START_NODES`` repeat this from several
                equally optimal assignments and keep the best. The gap is reported.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.graph import Component, strongly_connected

Cycle = list[int]  # local edge indices of one cycle, in order


@dataclass
class ComponentSolution:
    """Cycles chosen in one component (as ids of the graph's edges) and their proof.

    ``bound`` is a proven upper bound on the counted edges any valid answer can reach in this
    component; ``found`` is what the answer reaches.
    """

    index: int
    cycles: list[list[int]]
    found: int
    bound: int
    method: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SolveLimits:
    """What the solver may do: cycle length bounds and effort limits."""

    min_len: int = 2
    max_len: int | None = 10
    cycle_limit: int = 100_000
    deadline: float = float("inf")


def _edge_weights(comp: Component, use_priority: bool = True) -> np.ndarray:
    """Integer lexicographic weights: priority >> counted >> score."""
    score_total = int(comp.score[comp.counted].sum()) + 1
    count_unit = float(score_total)
    weight = comp.counted * count_unit + comp.score * comp.counted
    if use_priority and comp.priority.any():
        weight = weight + comp.priority * count_unit * (int(comp.counted.sum()) + 1)
    return weight.astype(np.float64)


def assignment(comp: Component, use_priority: bool = True, weighted: bool = True) -> list[Cycle]:
    """Optimal uncapped cycle packing: each node picks a successor (an edge) or itself.

    ``weighted`` adds the score tie-break and the focus priority; without it every counted
    edge weighs 1 (the same count, and much faster on large components).
    """
    n = comp.n
    weight = _edge_weights(comp, use_priority) if weighted else comp.counted.astype(np.float64)
    top = float(weight.max(initial=0.0)) + 1.0
    rows = np.concatenate([comp.src, np.arange(n)])
    cols = np.concatenate([comp.dst, np.arange(n)])
    cost = np.concatenate([top - weight, np.full(n, top)])
    matrix = csr_matrix((cost, (rows, cols)), shape=(n, n))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    succ = np.arange(n)
    succ[row_ind] = col_ind
    return _cycles_from_successors(comp, succ)


def carve(comp: Component, cycle: Cycle, limits: SolveLimits) -> tuple[list[Cycle], Cycle]:
    """Cut a too-long cycle into cycles within the cap without losing a counted edge.

    Swap move: with a -> b and c -> d on the cycle, and chords a -> d and c -> b in the graph,
    the segment b..c closes into its own cycle and a -> d keeps the rest together; the number
    of counted edges is unchanged (an edge counts by its source). Segments of at most the cap
    are carved off greedily (the longest fitting one from each node) while any is found.
    Returns the carved cycles and the remainder cycle (empty when the remainder itself fits).
    """
    cap = limits.max_len or comp.n
    nxt: dict[int, int] = {}
    for e in cycle:
        s, d = int(comp.src[e]), int(comp.dst[e])
        nxt[s] = d
    lookup = _lookup(comp)
    counted = comp.counted
    remaining = sum(1 for e in cycle if counted[e])
    pieces: list[Cycle] = []
    order = [int(comp.src[e]) for e in cycle]
    alive = set(order)
    changed = True
    while changed and remaining > cap:
        changed = False
        for a in order:
            if a not in alive or remaining <= cap:
                continue
            b = nxt[a]
            best = None
            length = 0
            x = b
            steps = 0
            while x != a and steps < 4 * cap + 8:
                # x is a candidate c: segment b..x closed by x -> b
                back = lookup.get((x, b))
                d = nxt[x]
                if back is not None and d != a:
                    chord = lookup.get((a, d))
                    piece_len = length + int(counted[back])
                    if chord is not None and limits.min_len <= piece_len <= cap:
                        best = (x, back, chord, piece_len)
                e_x = lookup[(x, d)]
                length += int(counted[e_x])
                if length >= cap:
                    break
                x = d
                steps += 1
            if best is None:
                continue
            c, back, chord, piece_len = best
            piece = []
            y = b
            while y != c:
                piece.append(lookup[(y, nxt[y])])
                alive.discard(y)
                y = nxt[y]
            alive.discard(c)
            d = nxt[c]
            piece.append(back)
            nxt[c] = b
            nxt[a] = d
            pieces.append(piece)
            remaining -= piece_len
            changed = True
    rest_nodes = [v for v in order if v in alive]
    rest: list[int] = []
    v = rest_nodes[0]
    while True:
        rest.append(lookup[(v, nxt[v])])
        v = nxt[v]
        if v == rest_nodes[0]:
            break
    if remaining <= cap and limits.min_len <= remaining:
        pieces.append(rest)
        return pieces, []
    return pieces, rest


class _Adjacency:
    """Adjacency lists of a component (built once, reused by the repair steps)."""

    def __init__(self, comp: Component) -> None:
        self.out: list[list[tuple[int, int]]] = [[] for _ in range(comp.n)]
        self.inc: list[list[tuple[int, int]]] = [[] for _ in range(comp.n)]
        for e, (s, d) in enumerate(zip(comp.src.tolist(), comp.dst.tolist(), strict=True)):
            self.out[s].append((d, e))
            self.inc[d].append((s, e))
        self.counted = comp.counted.tolist()


def cut_and_close(
    comp: Component,
    cycle: Cycle,
    free: np.ndarray,
    adj: _Adjacency,
    limits: SolveLimits,
    max_visit: int = 300,
) -> list[Cycle]:
    """Cut a too-long cycle into segments and close each one through free nodes.

    From node v_i of the cycle, a reverse breadth-first search over free nodes finds short
    paths back to v_i; the segment v_i..v_j is taken as long as some v_j can close it (directly
    or through that search) within the cap, preferring the longest. A node that starts no
    closable segment is freed. ``free`` is updated in place (used nodes become False; nodes of
    the cycle left unused become True). Returns the new cycles.
    """
    cap = limits.max_len or comp.n
    counted = adj.counted
    nodes = [int(comp.src[e]) for e in cycle]
    edges = list(cycle)
    m = len(nodes)
    out: list[Cycle] = []
    i = 0
    while i < m:
        if i % 256 == 0 and time.monotonic() > limits.deadline:
            for v in nodes[i:]:
                free[v] = True
            break
        target = nodes[i]
        # reverse 0-1 BFS from target through free nodes: dist = counted edges to target
        dist = {target: 0}
        via: dict[int, int] = {}
        queue: deque[int] = deque([target])
        while queue and len(dist) < max_visit:
            v = queue.popleft()
            for u, e in adj.inc[v]:
                if not free[u] or u in dist:
                    continue
                du = dist[v] + counted[e]
                if du >= cap:
                    continue
                dist[u] = du
                via[u] = e
                queue.append(u)
        best: tuple[int, int, int, int] | None = None  # (total, j, first edge, x or -1)
        seg = 0
        j = i
        while j + 1 < m and seg < cap:
            seg += counted[edges[j]]
            j += 1
            vj = nodes[j]
            for x, e in adj.out[vj]:
                if x == target:
                    total = seg + counted[e]
                elif free[x] and x in dist:
                    total = seg + counted[e] + dist[x]
                else:
                    continue
                if limits.min_len <= total <= cap and (best is None or total > best[0]):
                    best = (total, j, e, x)
        if best is None:
            free[target] = True
            i += 1
            continue
        _, j, first, x = best
        new = edges[i:j] + [first]
        while x != target:
            e = via[x]
            new.append(e)
            free[x] = False
            x = int(comp.dst[e])
        for v in nodes[i : j + 1]:
            free[v] = False
        out.append(new)
        i = j + 1
    return out


def extend_cycles(
    comp: Component,
    cycles: list[Cycle],
    free: np.ndarray,
    adj: _Adjacency,
    limits: SolveLimits,
    max_visit: int = 300,
    span: int = 16,
) -> int:
    """Local search: replace a sub-path a -> ... -> b of a cycle by a path through free nodes.

    The sub-path has 1..``span`` edges; the replacement is found by a breadth-first search
    from ``a`` over free nodes and is applied when it satisfies more wants than the sub-path
    (for a market: users with a free want and a free offer slot in between, possibly
    displacing a user whose items become free) and the cycle stays within the cap.
    ``cycles`` and ``free`` are updated in place; returns the number of counted edges gained.
    """
    cap = limits.max_len or comp.n
    counted = adj.counted
    src = comp.src
    dst = comp.dst
    gained = 0
    for ci in range(len(cycles)):
        if ci % 256 == 0 and time.monotonic() > limits.deadline:
            break
        cycle = cycles[ci]
        length = sum(counted[e] for e in cycle)
        k = 0
        while k < len(cycle) and length < cap:  # a gain needs room: a full cycle cannot grow
            m = len(cycle)
            a = int(src[cycle[k]])
            # ends b of the sub-paths starting at a: b -> (edges replaced, counted removed)
            ends: dict[int, tuple[int, int]] = {}
            removed = 0
            for r in range(1, min(span, m - 1) + 1):
                e_r = cycle[(k + r - 1) % m]
                removed += counted[e_r]
                ends[int(dst[e_r])] = (r, removed)
            dist = {a: 0}
            parent: dict[int, int] = {}
            queue: deque[int] = deque([a])
            best: tuple[int, int, int, int] | None = None  # (gain, r, y, edge y -> b)
            limit = cap - length + removed  # no replacement can use more counted edges
            while queue and len(dist) < max_visit:
                v = queue.popleft()
                for w, e in adj.out[v]:
                    if w in ends:
                        if v == a:
                            continue
                        r, rem = ends[w]
                        gain = dist[v] + counted[e] - rem
                        if gain > 0 and length + gain <= cap and (best is None or gain > best[0]):
                            best = (gain, r, v, e)
                        continue
                    if not free[w] or w in dist:
                        continue
                    dw = dist[v] + counted[e]
                    if dw > limit:
                        continue
                    dist[w] = dw
                    parent[w] = e
                    queue.append(w)
            if best is None:
                k += 1
                continue
            gain, r, y, last = best
            path = [last]
            while y != a:
                e = parent[y]
                path.append(e)
                free[y] = False
                y = int(src[e])
            path.reverse()
            for t in range(1, r):  # interior nodes of the replaced sub-path become free
                free[int(src[cycle[(k + t) % m]])] = True
            if k + r > m:  # the sub-path wraps around: rotate the cycle to start at a
                cycle[:] = cycle[k:] + cycle[:k]
                k = 0
            cycle[k : k + r] = path
            length += gain
            gained += gain
            k += len(path)
    return gained


def _lookup(comp: Component) -> dict[tuple[int, int], int]:
    cached = getattr(comp, "_lookup_cache", None)
    if cached is None:
        cached = {
            (s, d): i
            for i, (s, d) in enumerate(zip(comp.src.tolist(), comp.dst.tolist(), strict=True))
        }
        comp._lookup_cache = cached  # type: ignore[attr-defined]
    return cached


def _cycles_from_successors(comp: Component, succ: np.ndarray) -> list[Cycle]:
    order = np.lexsort((comp.dst, comp.src))
    keys = comp.src[order] * comp.n + comp.dst[order]
    moving = np.flatnonzero(succ != np.arange(comp.n))
    edge_of = np.full(comp.n, -1, dtype=np.int64)
    edge_of[moving] = order[np.searchsorted(keys, moving * comp.n + succ[moving])]
    succ_list = succ.tolist()
    edge_list = edge_of.tolist()
    seen = [False] * comp.n
    cycles: list[Cycle] = []
    for start in moving.tolist():
        if seen[start]:
            continue
        cycle = []
        node = start
        while not seen[node]:
            seen[node] = True
            cycle.append(edge_list[node])
            node = succ_list[node]
        cycles.append(cycle)
    return cycles


def cycle_length(comp: Component, cycle: Cycle) -> int:
    """Number of counted edges of a cycle."""
    return int(comp.counted[cycle].sum())


def enumerate_cycles(comp: Component, limits: SolveLimits) -> list[Cycle] | None:
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
    cycles: list[Cycle] = []
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


def pack_cycles(
    comp: Component, cycles: list[Cycle], time_limit: float
) -> tuple[list[Cycle], bool, float]:
    """Best vertex-disjoint subset of ``cycles`` (set packing ILP, HiGHS via scipy.milp).

    Returns the chosen cycles, whether optimality was proven, and the dual bound on the
    objective expressed in counted edges (priority excluded).
    """
    if not cycles:
        return [], True, 0.0
    weight = _edge_weights(comp)
    count_unit = float(int(comp.score[comp.counted].sum()) + 1)
    values = np.array([weight[c].sum() for c in cycles]) / count_unit
    rows = []
    cols = []
    for j, cycle in enumerate(cycles):
        nodes = comp.src[cycle]
        rows.extend(nodes.tolist())
        cols.extend([j] * len(cycle))
    incidence = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(comp.n, len(cycles)))
    res = milp(
        c=-values,
        constraints=LinearConstraint(incidence, -np.inf, 1.0),
        integrality=np.ones(len(cycles)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 1.0), "mip_rel_gap": 0.0, "disp": False},
    )
    if res.x is None:
        return [], False, float(sum(cycle_length(comp, c) for c in cycles))
    chosen = [cycles[j] for j in np.flatnonzero(res.x > 0.5)]
    optimal = res.status == 0
    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else float("inf")
    return chosen, optimal, bound


def greedy_pack(comp: Component, cycles: list[Cycle]) -> list[Cycle]:
    """Greedy set packing: shortest cycles first, then highest score (ties by position)."""
    used = np.zeros(comp.n, dtype=bool)
    lengths = [cycle_length(comp, c) for c in cycles]
    scores = [int(comp.score[c].sum()) for c in cycles]
    order = sorted(range(len(cycles)), key=lambda j: (lengths[j], -scores[j], j))
    chosen = []
    for j in order:
        nodes = comp.src[cycles[j]]
        if used[nodes].any():
            continue
        used[nodes] = True
        chosen.append(cycles[j])
    return chosen


def _fits(comp: Component, cycle: Cycle, limits: SolveLimits) -> bool:
    length = cycle_length(comp, cycle)
    return limits.min_len <= length and (not limits.max_len or length <= limits.max_len)


EXACT_NODES = 4000  # components up to this size try the exact cycle formulation
WEIGHTED_NODES = 5000  # components up to this size get the score tie-break in the assignment
CARVE_NODES = 5000  # larger ones skip carving (slow, cut-and-close does as well) up to HUGE_NODES
MULTI_STARTS = 4  # repairs from differently ordered assignments (small components only)
MULTI_START_NODES = 5000
CLOSE_VISITS = (300,)  # search sizes of cut and close tried on each start (more: no gain measured)
HUGE_NODES = 100_000  # above: carve, and extend by single edges in one pass (time)
EXTEND_PASSES = 3  # rounds of the extend local search (stops early without a gain)


def _solve_local(
    comp: Component,
    limits: SolveLimits,
    depth: int = 0,
    unit_cycles: list[Cycle] | None = None,
) -> tuple[list[Cycle], bool, str]:
    """Cycles (local edge ids) for ``comp``; whether the answer is proven optimal; method.

    ``unit_cycles`` is an already computed unit-weight assignment of ``comp``, reused when
    the component is too large for the weighted one.
    """
    weighted = comp.n <= WEIGHTED_NODES or bool(comp.priority.any())
    if not weighted and unit_cycles is not None:
        cycles = unit_cycles
    else:
        cycles = assignment(comp, weighted=weighted)
    if all(_fits(comp, c, limits) for c in cycles):
        return cycles, weighted, "assignment"
    if comp.n <= EXACT_NODES and time.monotonic() < limits.deadline:
        enumerated = enumerate_cycles(comp, limits)
        if enumerated is not None:
            left = max(limits.deadline - time.monotonic(), 1.0)
            chosen, optimal, _ = pack_cycles(comp, enumerated, left)
            return chosen, optimal, "cycles"
    starts = [cycles]
    if depth == 0 and comp.n <= MULTI_START_NODES:
        for variant in range(1, MULTI_STARTS):
            starts.append(_permuted_assignment(comp, bool(comp.priority.any()), variant))
    best: tuple[list[Cycle], str] | None = None
    best_key = (-1, -1, -1)
    visits = CLOSE_VISITS if len(starts) > 1 else CLOSE_VISITS[:1]
    for start in starts:
        for visit in visits:
            if best is not None and time.monotonic() > limits.deadline:
                break
            result, method = _repair(comp, [list(c) for c in start], limits, depth, visit)
            key = (
                sum(int((comp.priority[c] & comp.counted[c]).sum()) for c in result),
                sum(cycle_length(comp, c) for c in result),
                sum(int(comp.score[c].sum()) for c in result),
            )
            if key > best_key:
                best, best_key = (result, method), key
    assert best is not None
    return best[0], False, best[1]


def _permuted_assignment(comp: Component, weighted: bool, variant: int) -> list[Cycle]:
    """An assignment of ``comp`` with its nodes renumbered by a fixed pseudo-random order.

    Same optimum, usually a different choice among equal ones (a different start for the
    repair). Edge ids are unchanged, so the cycles are valid in ``comp`` as they are.
    """
    perm = np.random.default_rng(variant).permutation(comp.n)
    view = Component(
        n=comp.n,
        src=perm[comp.src],
        dst=perm[comp.dst],
        counted=comp.counted,
        score=comp.score,
        owner=comp.owner[np.argsort(perm)],
        priority=comp.priority,
    )
    return assignment(view, weighted=weighted)


def _repair(
    comp: Component, cycles: list[Cycle], limits: SolveLimits, depth: int, visit: int = 300
) -> tuple[list[Cycle], str]:
    """Relaxation plus repair: keep the fitting cycles, carve, cut and close, extend, recurse."""
    result: list[Cycle] = []
    long_cycles: list[Cycle] = []
    for c in cycles:
        if _fits(comp, c, limits):
            result.append(c)
            continue
        if CARVE_NODES < comp.n <= HUGE_NODES:
            long_cycles.append(c)
            continue
        pieces, rest = carve(comp, c, limits)
        result.extend(pieces)
        if rest:
            long_cycles.append(rest)
    if long_cycles:
        used = np.zeros(comp.n, dtype=bool)
        for c in result:
            used[comp.src[c]] = True
        pending = np.zeros(comp.n, dtype=bool)
        for c in long_cycles:
            pending[comp.src[c]] = True
        free = ~used & ~pending
        adj = _Adjacency(comp)
        for c in long_cycles:
            pending[comp.src[c]] = False
            result.extend(cut_and_close(comp, c, free, adj, limits, max_visit=visit))
    else:
        return result, "carve"
    used = np.zeros(comp.n, dtype=bool)
    for c in result:
        used[comp.src[c]] = True
    free = ~used
    if comp.n > HUGE_NODES:  # the full search costs too much time there: one edge at a time
        extend_cycles(comp, result, free, adj, limits, max_visit=100, span=1)
    else:
        for _ in range(EXTEND_PASSES):
            if extend_cycles(comp, result, free, adj, limits) == 0:
                break
    keep = np.ones(comp.n, dtype=bool)
    for c in result:
        keep[comp.src[c]] = False
    rest_graph = _local_view(comp).subgraph(keep)
    for part in strongly_connected(rest_graph):
        if depth < 3 and time.monotonic() < limits.deadline and part.n < comp.n:
            sub, _, _ = _solve_local(part, limits, depth + 1)
        else:
            sub = greedy_pack(part, _bounded_cycles(part, limits))
        result.extend([part.edge_ids[c].tolist() for c in sub])
    return result, "repair"


def _local_view(comp: Component) -> Component:
    """The same graph with identity node and edge ids (so cut-outs map back to ``comp``)."""
    return Component(
        n=comp.n,
        src=comp.src,
        dst=comp.dst,
        counted=comp.counted,
        score=comp.score,
        owner=comp.owner,
        priority=comp.priority,
    )


def _bounded_cycles(comp: Component, limits: SolveLimits) -> list[Cycle]:
    small = SolveLimits(
        min_len=limits.min_len,
        max_len=limits.max_len,
        cycle_limit=limits.cycle_limit,
        deadline=time.monotonic() + 5.0,
    )
    return enumerate_cycles(comp, small) or []


def solve_component(comp: Component, limits: SolveLimits) -> ComponentSolution:
    """Solve one component; cycles are returned as ``comp.edge_ids`` (the parent graph's ids)."""
    started = time.monotonic()
    bound_cycles = assignment(comp, use_priority=False, weighted=False)
    bound = sum(cycle_length(comp, c) for c in bound_cycles)
    cycles, optimal, method = _solve_local(_local_view(comp), limits, unit_cycles=bound_cycles)
    found = sum(cycle_length(comp, c) for c in cycles)
    if optimal and not comp.priority.any():
        bound = found
    return ComponentSolution(
        index=comp.index,
        cycles=[comp.edge_ids[c].tolist() for c in cycles],
        found=found,
        bound=max(bound, found),
        method=method,
        seconds=time.monotonic() - started,
    )
