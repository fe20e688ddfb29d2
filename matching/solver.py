"""Exact and proven-good cycle packing on one strongly connected component.

Objective, lexicographic: (1) counted edges on priority (focus user) edges, (2) counted edges
(satisfied wants), (3) total integer score. Methods, tried in this order:

``assignment``  every node picks a successor or itself (min-weight perfect matching on the
                sparse bipartite graph, scipy's LAPJVsp; above ``FLOW_NODES`` the same count
                as a min-cost circulation, ``circulation``). Exact for uncapped cycles; its
                count is a proven upper bound for every cap. If all its cycles fit, done.
``cycles``      enumerate every cycle within the cap (DFS from each start node through higher
                nodes only, pruned by 0-1 BFS distances back to the start; at a cap of two
                users by a join, ``two_user_cycles``, at any size), then solve the
                set packing ILP with HiGHS (at most ``EXACT_SECONDS``). Exact when it is
                proven; otherwise the repair runs too, the better answer is kept and the
                ILP's dual bound still bounds the component.
``repair``      keep the assignment's cycles that fit, carve / cut and close the long ones,
                improve by sub-path replacement through free nodes (``extend_cycles``), and
                re-solve the rest of the component (recursively split into components again)
                with the same ladder; as a last resort a greedy packing of enumerated short
                cycles. Components up to ``MULTI_START_NODES`` repeat this from several
                equally optimal assignments and keep the best. The gap is reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csc_matrix, csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.graph import Component, expand_ranges, strongly_connected
from matching.kernels import (
    Csr,
    carve_kernel,
    cut_and_close_kernel,
    enumerate_kernel,
    extend_kernel,
)

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
    expected: float = 0.0  # expected completed wants of the answer (failure-aware objective)


@dataclass(frozen=True)
class SolveLimits:
    """What the solver may do: cycle length bounds and effort limits."""

    min_len: int = 2
    max_len: int | None = 10
    cycle_limit: int = 100_000
    deadline: float = float("inf")
    failure_aware: bool = False


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


FLOW_NODES = 50_000  # components above this size get the unit bound from min-cost flow


def unit_cover(comp: Component) -> list[Cycle]:
    """An uncapped cycle packing with the most counted edges (no score, no priority).

    Small components use scipy's sparse assignment; large ones the equivalent min-cost
    circulation (OR-Tools), which is several times faster there (``circulation``).
    """
    if comp.n > FLOW_NODES:
        return circulation(comp)
    return assignment(comp, use_priority=False, weighted=False)


def circulation(comp: Component) -> list[Cycle]:
    """Most counted edges in vertex-disjoint cycles, as a min-cost circulation (OR-Tools).

    Every node has capacity 1 (split into in -> out), an edge costs -1 when it counts. Nodes
    whose out-edges are all uncounted and lead to the same set (a market user's wants, which
    may pay with any of the user's offers) share one hub instead of each repeating the edges,
    which keeps the network close to the number of counted edges. Inside a hub the used
    members are paired with the used outlets in order (any pairing is a valid cover).
    """
    from ortools.graph.python import min_cost_flow

    n = comp.n
    order = edge_order(comp)
    src, dst, counted = comp.src[order], comp.dst[order], comp.counted[order]
    starts = np.searchsorted(src, np.arange(n + 1))
    out_deg = np.diff(starts)
    any_counted = np.zeros(n, dtype=bool)
    any_counted[src[counted]] = True
    hub_of = np.full(n, -1, dtype=np.int64)
    groups: dict[bytes, list[int]] = {}
    dst_bytes = dst.tobytes()
    width = dst.itemsize
    for v in np.flatnonzero((out_deg >= 2) & ~any_counted).tolist():
        key = dst_bytes[starts[v] * width : starts[v + 1] * width]
        groups.setdefault(key, []).append(v)
    hub_first: list[int] = []  # a member of each hub, whose out-edges the hub takes
    for members in groups.values():
        if len(members) >= 2:
            hub_of[members] = n + len(hub_first)
            hub_first.append(members[0])
    plain = hub_of < 0
    edge_plain = plain[src]
    hub_edges = np.flatnonzero(~edge_plain)
    hub_edges = hub_edges[np.isin(src[hub_edges], np.array(hub_first, dtype=np.int64))]
    plain_edges = np.flatnonzero(edge_plain)
    # a plain node with one in-arc (an offer fed by its user's hub) or one out-arc is already
    # limited to one unit: it needs no in -> out split
    in_arcs = np.bincount(dst[plain_edges], minlength=n) + np.bincount(dst[hub_edges], minlength=n)
    split = plain & (in_arcs > 1) & (out_deg > 1)
    member_nodes = np.flatnonzero(~plain)
    split_nodes = np.flatnonzero(split)
    out_node = np.arange(n)
    out_node[split_nodes] = n + len(hub_first) + np.arange(len(split_nodes))
    tails = np.concatenate(
        [split_nodes, member_nodes, out_node[src[plain_edges]], hub_of[src[hub_edges]]]
    )
    heads = np.concatenate(
        [out_node[split_nodes], hub_of[member_nodes], dst[plain_edges], dst[hub_edges]]
    )
    costs = np.concatenate(
        [
            np.zeros(len(split_nodes) + len(member_nodes), dtype=np.int64),
            -counted[plain_edges].astype(np.int64),
            -counted[hub_edges].astype(np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64), np.ones(len(tails), np.int64), costs
    )
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - a zero-supply circulation is always feasible
        return assignment(comp, use_priority=False, weighted=False)
    used = flow.flows(arcs) > 0
    succ = np.arange(n)
    k = len(split_nodes) + len(member_nodes)
    plain_used = plain_edges[used[k : k + len(plain_edges)]]
    succ[src[plain_used]] = dst[plain_used]
    member_used = member_nodes[used[len(split_nodes) : k]]
    hub_used = hub_edges[used[k + len(plain_edges) :]]
    outlet_hub, outlet = hub_of[src[hub_used]], dst[hub_used]
    # pair used members and used outlets hub by hub, both in node order
    m_order = np.lexsort((member_used, hub_of[member_used]))
    o_order = np.lexsort((outlet, outlet_hub))
    succ[member_used[m_order]] = outlet[o_order]
    return _cycles_from_successors(comp, succ)


def carve(comp: Component, cycle: Cycle, limits: SolveLimits) -> tuple[list[Cycle], Cycle]:
    """Cut a too-long cycle into cycles within the cap without losing a counted edge.

    Swap move: with a -> b and c -> d on the cycle, and chords a -> d and c -> b in the graph,
    the segment b..c closes into its own cycle and a -> d keeps the rest together; the number
    of counted edges is unchanged (an edge counts by its source). Segments of at most the cap
    are carved off greedily (the longest fitting one from each node) while any is found.
    Returns the carved cycles and the remainder cycle (empty when the remainder itself fits).
    The loop runs compiled (``kernels.carve_kernel``).
    """
    adj = adjacency(comp)
    flat, ptr, rest = carve_kernel(
        np.asarray(cycle, dtype=np.int64), adj.src, adj.dst, adj.counted,
        adj.out_ptr, adj.sorted_dst, adj.sorted_edge,
        limits.max_len or comp.n, limits.min_len, adj.aux,
    )  # fmt: skip
    return [flat[ptr[i] : ptr[i + 1]].tolist() for i in range(len(ptr) - 1)], rest.tolist()


def adjacency(comp: Component) -> Csr:
    """CSR adjacency of a component for the compiled repair kernels (built once, reused)."""
    cached = getattr(comp, "_adjacency_cache", None)
    if cached is None:
        cached = Csr.build(comp.n, comp.src, comp.dst, comp.counted, edge_order(comp))
        comp._adjacency_cache = cached  # type: ignore[attr-defined]
    return cached


def edge_order(comp: Component) -> np.ndarray:
    """Edge ids sorted by (source, destination), computed once per component."""
    cached = getattr(comp, "_edge_order_cache", None)
    if cached is None:
        cached = np.lexsort((comp.dst, comp.src))
        comp._edge_order_cache = cached  # type: ignore[attr-defined]
    return cached


def cut_and_close(
    comp: Component,
    cycle: Cycle,
    free: np.ndarray,
    adj: Csr,
    limits: SolveLimits,
    max_visit: int = 300,
) -> list[Cycle]:
    """Cut a too-long cycle into segments and close each one through free nodes.

    From node v_i of the cycle, a reverse breadth-first search over free nodes (at most
    ``max_visit`` nodes) finds short paths back to v_i; the segment v_i..v_j is taken as long
    as some v_j can close it (directly or through that search) within the cap, preferring the
    longest. A node that starts no closable segment is freed. ``free`` is updated in place
    (used nodes become False; nodes of the cycle left unused become True). Returns the new
    cycles. The loop runs compiled (``kernels.cut_and_close_kernel``).
    """
    cap = limits.max_len or comp.n
    flat, ptr = cut_and_close_kernel(
        np.asarray(cycle, dtype=np.int64), adj.src, adj.dst, adj.counted,
        adj.in_ptr, adj.in_src, adj.in_edge, adj.out_ptr, adj.out_dst, adj.out_edge,
        free, cap, limits.min_len, max_visit, adj.dist, adj.aux, adj.queue,
    )  # fmt: skip
    return [flat[ptr[i] : ptr[i + 1]].tolist() for i in range(len(ptr) - 1)]


def extend_cycles(
    comp: Component,
    cycles: list[Cycle],
    free: np.ndarray,
    adj: Csr,
    limits: SolveLimits,
    max_visit: int = 300,
    span: int = 16,
) -> int:
    """Local search: replace a sub-path a -> ... -> b of a cycle by a path through free nodes.

    The sub-path has 1..``span`` edges; the replacement is found by a breadth-first search
    from ``a`` over free nodes (at most ``max_visit``) and is applied when it satisfies more
    wants than the sub-path (for a market: users with a free want and a free offer slot in
    between, possibly displacing a user whose items become free) and the cycle stays within
    the cap. ``cycles`` and ``free`` are updated in place; returns the number of counted edges
    gained. Each cycle is searched by the compiled ``kernels.extend_kernel``.
    """
    cap = limits.max_len or comp.n
    gained = 0
    for ci in range(len(cycles)):
        if ci % 256 == 0 and time.monotonic() > limits.deadline:
            break
        new, gain = extend_kernel(
            np.asarray(cycles[ci], dtype=np.int64), adj.src, adj.dst, adj.counted,
            adj.out_ptr, adj.out_dst, adj.out_edge,
            free, cap, max_visit, span, adj.dist, adj.aux, adj.mark, adj.queue,
        )  # fmt: skip
        if gain:
            cycles[ci] = new.tolist()
            gained += int(gain)
    return gained


def _cycles_from_successors(comp: Component, succ: np.ndarray) -> list[Cycle]:
    order = edge_order(comp)
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


ENUMERATE_CHUNK = 512  # start nodes per compiled call (the deadline is checked in between)


def enumerate_cycles(comp: Component, limits: SolveLimits) -> list[Cycle] | None:
    """Every cycle with min_len..max_len counted edges and distinct owners, or None if too many.

    Each cycle is found once, from its smallest node; a node is entered only if the 0-1 BFS
    distance from it back to the start (through nodes above the start) fits the budget left.
    Compiled (``enumerate_kernel``); the cycles come in the order of the plain-Python
    reference kept in the tests (starts ascending, out-edges by destination, depth first).
    """
    cap = limits.max_len if limits.max_len else comp.n
    adj = adjacency(comp)
    owned = comp.owner >= 0
    owner = np.full(comp.n, -1, dtype=np.int64)  # owners renumbered 0..n_owners-1 for the kernel
    owner[owned] = np.unique(comp.owner[owned], return_inverse=True)[1]
    n_owners = int(owner.max(initial=-1)) + 1
    cycles: list[Cycle] = []
    for first in range(0, comp.n, ENUMERATE_CHUNK):
        flat, offsets = enumerate_kernel(
            comp.n, first, min(first + ENUMERATE_CHUNK, comp.n), adj.out_ptr, adj.sorted_dst,
            adj.sorted_edge, adj.counted, adj.in_ptr, adj.in_src, adj.in_edge, owner, n_owners,
            cap, limits.min_len, limits.cycle_limit - len(cycles),
        )  # fmt: skip
        if len(offsets) == 0:
            return None
        cycles.extend(flat[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:], strict=True))
        if time.monotonic() > limits.deadline:
            return None
    return cycles


def two_user_cycles(comp: Component, limits: SolveLimits) -> list[Cycle] | None:
    """Every cycle of exactly two counted edges, by a join instead of a search.

    For graphs whose counted edges all lead from one side to the other and whose uncounted
    edges lead back (offer -> want -> offer of the want's user: every market), a two-user
    cycle is two *steps* ``a -> b -> a'`` (a counted edge, then an uncounted one) that meet
    head to tail: ``a -> a'`` and ``a' -> a``. The steps are joined on their end points, so
    the cost is the number of steps (counted edges times offers per user), not a search from
    every node: 10k users (32 214 nodes, ~3 M steps) in 0.5 s, where ``enumerate_cycles``
    needs 23.5 s for the same 13 785 cycles. Returns None when the graph is not of that shape
    or when there are more than ``limits.cycle_limit`` cycles.
    """
    counted = comp.counted
    tails = np.zeros(comp.n, dtype=bool)
    tails[comp.src[counted]] = True
    back = ~counted
    if tails[comp.dst[counted]].any() or tails[comp.src[back]].any():
        return None
    if not tails[comp.dst[back]].all():
        return None
    adj = adjacency(comp)
    first = np.flatnonzero(counted)
    heads = comp.dst[first]
    step_counted = np.repeat(first, adj.out_ptr[heads + 1] - adj.out_ptr[heads])
    step_back = _rows(adj.out_ptr, adj.sorted_edge, heads)
    a, b = comp.src[step_counted], comp.dst[step_back]
    distinct = (comp.owner[a] != comp.owner[b]) | (comp.owner[a] < 0)
    step_counted, step_back = step_counted[distinct], step_back[distinct]
    a, b = a[distinct], b[distinct]
    order = np.argsort(a * comp.n + b, kind="stable")
    keys = (a * comp.n + b)[order]  # steps sorted by (start, end)
    forward = np.flatnonzero(a < b)
    reverse = b[forward] * comp.n + a[forward]
    lo = np.searchsorted(keys, reverse, side="left")
    count = np.searchsorted(keys, reverse, side="right") - lo
    if int(count.sum()) > limits.cycle_limit:
        return None
    one = np.repeat(forward, count)
    two = order[expand_ranges(lo, count)]
    simple = comp.dst[step_counted[one]] != comp.dst[step_counted[two]]  # one want, not two
    one, two = one[simple], two[simple]
    table = np.stack([step_counted[one], step_back[one], step_counted[two], step_back[two]], 1)
    return table.tolist()


def cycle_incidence(comp: Component, cycles: list[Cycle]) -> csc_matrix:
    """Node x cycle 0/1 matrix of a pool of cycles (the set-packing constraints)."""
    lengths = np.fromiter((len(c) for c in cycles), dtype=np.int64, count=len(cycles))
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    rows = comp.src[np.concatenate([np.asarray(c, dtype=np.int64) for c in cycles])]
    return csc_matrix((np.ones(len(rows)), rows, ptr), shape=(comp.n, len(cycles)))


def _pool_model(comp: Component, cycles: list[Cycle]) -> tuple[np.ndarray, csc_matrix]:
    """Objective values (focus wants, then counted edges, then a score term below one in
    total) and the node x cycle constraint matrix of the set-packing model over a pool."""
    weight = _edge_weights(comp)
    count_unit = float(int(comp.score[comp.counted].sum()) + 1)
    values = np.array([weight[c].sum() for c in cycles]) / count_unit
    return values, cycle_incidence(comp, cycles)


PRESOLVE_DENSITY = 100  # cycle-node entries per node up to which HiGHS may presolve


def pack_cycles(
    comp: Component, cycles: list[Cycle], time_limit: float
) -> tuple[list[Cycle], bool, float]:
    """Best vertex-disjoint subset of ``cycles`` (set packing ILP, HiGHS via scipy.milp).

    Returns the chosen cycles, whether optimality was proven, and HiGHS's dual bound on the
    objective (counted edges plus a score term below one; ``inf`` when it has none).
    HiGHS's presolve is what proves the sparse pools quickly (1k users, cap 3: 7 522 cycles,
    17 entries per node, optimal in 3 s; without it not proven in 20 s), but on dense pools of
    long cycles over few nodes it ignores the time limit (a 120-node component, 72 854 cycles,
    ~11 500 entries per node: 225 s for a 5 s limit, and no solution). Presolve is therefore on
    only up to ``PRESOLVE_DENSITY`` entries per node; without it the limit holds.
    """
    if not cycles:
        return [], True, 0.0
    values, incidence = _pool_model(comp, cycles)
    presolve = incidence.nnz <= PRESOLVE_DENSITY * comp.n
    res = milp(
        c=-values,
        constraints=LinearConstraint(incidence, -np.inf, 1.0),
        integrality=np.ones(len(cycles)),
        bounds=Bounds(0, 1),
        options={
            "time_limit": max(time_limit, 1.0),
            "mip_rel_gap": 0.0,
            "presolve": presolve,
            "disp": False,
        },
    )
    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else float("inf")
    if res.x is None:
        return [], False, bound
    chosen = [cycles[j] for j in np.flatnonzero(res.x > 0.5)]
    return chosen, res.status == 0, bound


def round_lp(comp: Component, cycles: list[Cycle], time_limit: float) -> tuple[list[Cycle], float]:
    """The LP relaxation of the set packing over ``cycles``, and a packing rounded from it.

    Returns the cycles taken greedily by LP value (largest first, ties by position; only
    those the LP uses) and the LP optimum, in the ILP's objective units (``inf`` when HiGHS
    does not solve it within ``time_limit``). The LP of this formulation is nearly integral
    on markets (1k users: within 0.4 % of the ILP optimum at caps 2-4), so the rounding keeps
    most of it. HiGHS's interior point method without presolve: 68 661 cycles over 5 595
    nodes in 5 s, where the dual simplex needs 8 s.
    """
    if not cycles:
        return [], 0.0
    values, incidence = _pool_model(comp, cycles)
    res = linprog(
        -values,
        A_ub=incidence,
        b_ub=np.ones(comp.n),
        bounds=(0, 1),
        method="highs-ipm",
        options={"presolve": False, "time_limit": max(time_limit, 1.0)},
    )
    if res.status != 0 or res.x is None:
        return [], float("inf")
    order = np.argsort(-res.x, kind="stable")
    taken = order[res.x[order] > 1e-6].tolist()
    return _pack_in_order(comp, cycles, taken), -float(res.fun)


def greedy_pack(comp: Component, cycles: list[Cycle]) -> list[Cycle]:
    """Greedy set packing: shortest cycles first, then highest score (ties by position)."""
    lengths = [cycle_length(comp, c) for c in cycles]
    scores = [int(comp.score[c].sum()) for c in cycles]
    order = sorted(range(len(cycles)), key=lambda j: (lengths[j], -scores[j], j))
    return _pack_in_order(comp, cycles, order)


def _pack_in_order(comp: Component, cycles: list[Cycle], order: list[int]) -> list[Cycle]:
    """The cycles ``cycles[j]`` for j in ``order`` that share no node with one taken before."""
    used = np.zeros(comp.n, dtype=bool)
    chosen = []
    for j in order:
        nodes = comp.src[cycles[j]]
        if not used[nodes].any():
            used[nodes] = True
            chosen.append(cycles[j])
    return chosen


def _fits(comp: Component, cycle: Cycle, limits: SolveLimits) -> bool:
    length = cycle_length(comp, cycle)
    return limits.min_len <= length and (not limits.max_len or length <= limits.max_len)


EXACT_NODES = 4000  # components up to this size try the exact cycle formulation
EXACT_SECONDS = 10.0  # most the set-packing ILP (and then its LP) may take; the repair runs too
SMALL_CAP = 4  # caps up to this many users try the cycle pool on larger components:
SMALL_CAP_NODES = 8000  # 2 000 users (5 595 nodes) at cap 3: 68 661 cycles in 0.75 s
WEIGHTED_NODES = 5000  # components up to this size get the score tie-break in the assignment
CARVE_NODES = FLOW_NODES  # larger ones skip carving (100k users: 105 576 -> 105 466 with it)
MULTI_STARTS = 4  # repairs from differently ordered assignments (small components only)
MULTI_START_NODES = 5000
CLOSE_VISITS = 1000  # nodes a closing search of cut and close may visit (300: -0.5 % at 10k)
CLOSE_VISITS_LARGE = 2000  # the same above FLOW_NODES (1 000 -> 3 000: +3.5 % at 100k)
EXTEND_PASSES = 8  # rounds of the extend local search (stops early without a gain)
EXTEND_VISITS = 300  # nodes one extend search may visit (1 000: no gain at 10k)
EXTEND_VISITS_LARGE = 2000  # the same above FLOW_NODES (1 000 -> 2 000: +0.2 % at 100k)
LNS_NODES = FLOW_NODES  # components up to this size get ruin-and-recreate rounds
LNS_ROUNDS = (4, 40)  # fewest and most wide rounds (deterministic counts, see _lns_rounds)
LNS_NODE_ROUNDS = 100_000  # wide rounds x component nodes: 40 rounds on 1k users, 4 on 10k
LNS_REGION = 0.05  # share of the component's nodes around the seed node a wide round drops
LOCAL_ROUNDS = 1280  # most local rounds (see _local_rounds)
LOCAL_NODE_ROUNDS = 1_300_000  # local rounds x component nodes: 525 on 1k users, 40 on 10k
LOCAL_REGION_NODES = 50  # nodes around the seed node whose cycles a local round drops
LNS_SEED = 12345


def _solve_local(
    comp: Component,
    limits: SolveLimits,
    depth: int = 0,
    unit_cycles: list[Cycle] | None = None,
    exact: bool = True,
) -> tuple[list[Cycle], int | None, str]:
    """Cycles (local edge ids) for ``comp``, a proven bound on its counted edges or None,
    and the method.

    ``unit_cycles`` is an already computed unit-weight assignment of ``comp``, reused when
    the component is too large for the weighted one. ``exact=False`` skips the cycle
    enumeration (the ruin-and-recreate rounds, which must stay cheap). When the set-packing
    ILP over every enumerated cycle is not proven within ``EXACT_SECONDS``, the repair runs
    too and the better answer is kept; the ILP's dual bound still bounds the component,
    because the pool held every cycle within the cap.
    """
    weighted = comp.n <= WEIGHTED_NODES or bool(comp.priority.any())
    if not weighted and unit_cycles is not None:
        cycles = unit_cycles
    elif not weighted:
        cycles = unit_cover(comp)
    else:
        cycles = assignment(comp, weighted=weighted)
    if all(_fits(comp, c, limits) for c in cycles):
        # the uncapped optimum fits the cap: its count is proven, weighted or not
        return cycles, sum(cycle_length(comp, c) for c in cycles), "assignment"
    packed: list[Cycle] = []
    proven: int | None = None
    pool_method = "cycles"
    if exact and time.monotonic() < limits.deadline:
        packed, optimal, proven, pool_method = _from_pool(comp, limits, depth)
        if optimal:
            return packed, proven, pool_method
    starts = [cycles]
    if depth == 0 and comp.n <= MULTI_START_NODES:
        for variant in range(1, MULTI_STARTS):
            starts.append(_permuted_assignment(comp, bool(comp.priority.any()), variant))
    best: tuple[list[Cycle], str] = (packed, pool_method)
    best_key = _key(comp, packed) if packed else (-1, -1, -1)
    visit = CLOSE_VISITS_LARGE if comp.n > FLOW_NODES else CLOSE_VISITS
    for start in starts:
        if best_key[0] >= 0 and time.monotonic() > limits.deadline:
            break
        result, method = _repair(comp, [list(c) for c in start], limits, depth, visit, exact)
        key = _key(comp, result)
        if key > best_key:
            best, best_key = (result, method), key
    if depth == 0 and comp.n <= LNS_NODES:
        return _ruin_and_recreate(comp, best[0], limits), proven, best[1]
    return best[0], proven, best[1]


def _from_pool(
    comp: Component, limits: SolveLimits, depth: int
) -> tuple[list[Cycle], bool, int | None, str]:
    """The best answer drawn from the pool of every cycle within the cap, if there is one.

    Returns (cycles, proven optimal, proven bound or None, method). The set-packing ILP
    first; when HiGHS does not prove it, the pool's LP relaxation too: its optimum bounds the
    component (the pool is complete) and its solution, rounded (``round_lp``) and the rest
    solved again, is an answer that is often far better than the ILP's incumbent or the repair
    (2 000 users at cap 3: 1 652 wants and the bound 1 708, where the repair has 1 448 of the
    uncapped bound 1 941; 1 667 once ruin and recreate has run on it).
    """
    pool = _exact_pool(comp, limits)
    if pool is None:
        return [], False, None, "cycles"
    packed, optimal, dual = pack_cycles(comp, pool, _exact_budget(limits))
    found = sum(cycle_length(comp, c) for c in packed)
    if optimal:
        return packed, True, found, "cycles"
    rounded, lp_value = round_lp(comp, pool, _exact_budget(limits))
    method = "cycles"
    if rounded:
        _solve_rest(comp, rounded, limits, depth, exact=False)
        if _key(comp, rounded) > _key(comp, packed):
            packed, method = rounded, "rounding"
            found = sum(cycle_length(comp, c) for c in packed)
    bound = min(dual, lp_value)
    if comp.priority.any() or not np.isfinite(bound):
        return packed, False, None, method  # the objective then weighs focus wants, not wants
    proven = int(np.floor(bound + 1e-6))
    return packed, found >= proven, proven, method


def _exact_budget(limits: SolveLimits) -> float:
    """Seconds HiGHS may take for one model: what is left, between 1 s and EXACT_SECONDS."""
    return min(max(limits.deadline - time.monotonic(), 1.0), EXACT_SECONDS)


def _exact_pool(comp: Component, limits: SolveLimits) -> list[Cycle] | None:
    """Every cycle within the cap, or None: two-user cycles by a join at any size (a market
    asked for bilateral matches only), otherwise the search on components up to EXACT_NODES
    (SMALL_CAP_NODES at caps up to SMALL_CAP users, whose pools stay small)."""
    key = (limits.min_len, limits.max_len, limits.cycle_limit)
    if key not in comp.pools:
        comp.pools[key] = _new_pool(comp, limits)
    return comp.pools[key]


def _new_pool(comp: Component, limits: SolveLimits) -> list[Cycle] | None:
    if limits.max_len == 2 and limits.min_len <= 2:
        pool = two_user_cycles(comp, limits)
        if pool is not None:
            return pool
    small_cap = bool(limits.max_len) and limits.max_len <= SMALL_CAP
    if comp.n <= EXACT_NODES or (small_cap and comp.n <= SMALL_CAP_NODES):
        return enumerate_cycles(comp, limits)
    return None


def _key(comp: Component, cycles: list[Cycle]) -> tuple[int, int, int]:
    """The lexicographic objective of a set of cycles: focus wants, wants, score."""
    return (
        sum(int((comp.priority[c] & comp.counted[c]).sum()) for c in cycles),
        sum(cycle_length(comp, c) for c in cycles),
        sum(int(comp.score[c].sum()) for c in cycles),
    )


def _ruin_and_recreate(comp: Component, cycles: list[Cycle], limits: SolveLimits) -> list[Cycle]:
    """Large-neighbourhood search on a repaired answer, a fixed number of rounds.

    Each round drops every cycle that touches a region (a breadth-first ball, in either edge
    direction, around a seeded pseudo-random node), solves nodes left unused again
    (components, assignment, repair, recursion: ``_solve_local`` at depth 1), runs the extend
    passes on the whole answer, and keeps the result only if it is better (focus wants,
    wants, score). Wide rounds first (``_lns_rounds``): a region of ``LNS_REGION`` of the
    nodes, and every unused node is solved again. Then local rounds (``_local_rounds``),
    each much cheaper: a region of ``LOCAL_REGION_NODES``, and only the freed nodes and the
    unused nodes next to them are solved again. Seeded and round-counted, so deterministic.
    """
    adj = adjacency(comp)
    rng = np.random.default_rng(LNS_SEED)
    best, best_key = cycles, _key(comp, cycles)
    on_best = _on_cycles(comp, best)
    wide = _lns_rounds(comp.n)
    for i in range(wide + _local_rounds(comp.n)):
        if time.monotonic() > limits.deadline:
            break
        size = max(int(LNS_REGION * comp.n), 2) if i < wide else LOCAL_REGION_NODES
        region = np.zeros(comp.n, dtype=bool)
        region[_ball(adj, int(rng.integers(comp.n)), size)] = True
        result = [c for c in best if not region[comp.src[c]].any()]
        within = None
        if i >= wide:
            unused = ~_on_cycles(comp, result)
            within = _near(adj, unused & (region | on_best), unused)
        _solve_rest(comp, result, limits, depth=0, exact=False, within=within)
        _extend_passes(comp, result, ~_on_cycles(comp, result), adj, limits)
        key = _key(comp, result)
        if key > best_key:
            best, best_key = result, key
            on_best = _on_cycles(comp, best)
    return best


def _near(adj: Csr, nodes: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """``nodes`` and their neighbours (either edge direction) among ``allowed``."""
    at = np.flatnonzero(nodes)
    near = nodes.copy()
    near[_rows(adj.out_ptr, adj.out_dst, at)] = True
    near[_rows(adj.in_ptr, adj.in_src, at)] = True
    return near & allowed


def _rows(ptr: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The CSR rows ``at`` of ``values`` (with row pointers ``ptr``), concatenated."""
    return values[expand_ranges(ptr[at], ptr[at + 1] - ptr[at])]


def _lns_rounds(n: int) -> int:
    """Ruin-and-recreate rounds for a component of ``n`` nodes.

    A round re-solves everything unused, so its cost grows with the component: small
    components get many rounds (1k users: 821 -> 840 from 4 to 40 rounds), large ones few
    (10k users: 4 rounds and 20 give the same 11 241, the 20 in 3 more seconds).
    """
    fewest, most = LNS_ROUNDS
    return max(fewest, min(most, LNS_NODE_ROUNDS // max(n, 1)))


def _local_rounds(n: int) -> int:
    """Local ruin-and-recreate rounds for a component of ``n`` nodes: their cost grows with
    the component (the extend passes cover the whole answer), and a small component needs no
    more than ``n // 2`` of them (each drops ~50 nodes' cycles)."""
    return min(LOCAL_ROUNDS, LOCAL_NODE_ROUNDS // max(n, 1), n // 2)


def _ball(adj: Csr, start: int, size: int) -> list[int]:
    """Up to ``size`` nodes nearest to ``start`` by breadth-first search over both directions."""
    order = [start]
    seen = {start}
    i = 0
    while i < len(order) and len(order) < size:
        v = order[i]
        i += 1
        outs = adj.out_dst[adj.out_ptr[v] : adj.out_ptr[v + 1]].tolist()
        ins = adj.in_src[adj.in_ptr[v] : adj.in_ptr[v + 1]].tolist()
        for w in outs + ins:
            if w not in seen:
                seen.add(w)
                order.append(w)
    return order[:size]


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
        prob=comp.prob,
    )
    return assignment(view, weighted=weighted)


def _repair(
    comp: Component,
    cycles: list[Cycle],
    limits: SolveLimits,
    depth: int,
    visit: int = CLOSE_VISITS,
    exact: bool = True,
) -> tuple[list[Cycle], str]:
    """Relaxation plus repair: keep the fitting cycles, carve, cut and close, extend, recurse."""
    result: list[Cycle] = []
    long_cycles: list[Cycle] = []
    for c in cycles:
        if _fits(comp, c, limits):
            result.append(c)
            continue
        if comp.n > CARVE_NODES:
            long_cycles.append(c)
            continue
        pieces, rest = carve(comp, c, limits)
        result.extend(pieces)
        if rest:
            long_cycles.append(rest)
    if not long_cycles:
        return result, "carve"
    # nodes of the long cycles are not free: each is cut in turn and frees what it cannot close
    free = ~_on_cycles(comp, result) & ~_on_cycles(comp, long_cycles)
    adj = adjacency(comp)
    for c in long_cycles:
        result.extend(cut_and_close(comp, c, free, adj, limits, max_visit=visit))
    _extend_passes(comp, result, ~_on_cycles(comp, result), adj, limits)
    _solve_rest(comp, result, limits, depth, exact)
    return result, "repair"


def _on_cycles(comp: Component, cycles: list[Cycle]) -> np.ndarray:
    """Mask of the nodes that lie on ``cycles``."""
    mask = np.zeros(comp.n, dtype=bool)
    for c in cycles:
        mask[comp.src[c]] = True
    return mask


def _extend_passes(
    comp: Component, cycles: list[Cycle], free: np.ndarray, adj: Csr, limits: SolveLimits
) -> None:
    """Extend passes (larger searches above FLOW_NODES) until one gains nothing."""
    visits = EXTEND_VISITS_LARGE if comp.n > FLOW_NODES else EXTEND_VISITS
    for _ in range(EXTEND_PASSES):
        if extend_cycles(comp, cycles, free, adj, limits, max_visit=visits) == 0:
            break


def _solve_rest(
    comp: Component,
    result: list[Cycle],
    limits: SolveLimits,
    depth: int,
    exact: bool,
    within: np.ndarray | None = None,
) -> None:
    """Add to ``result`` cycles among the nodes it leaves unused (and ``within``, if given):
    split into components and solved again (to depth 3, then greedy; ``exact=False`` skips
    enumeration and greedy)."""
    rest = ~_on_cycles(comp, result)
    rest_graph = _local_view(comp).subgraph(rest if within is None else rest & within)
    for part in strongly_connected(rest_graph):
        if depth < 3 and time.monotonic() < limits.deadline and part.n < comp.n:
            sub, _, _ = _solve_local(part, limits, depth + 1, exact=exact)
        elif exact:
            sub = greedy_pack(part, _bounded_cycles(part, limits))
        else:
            continue
        result.extend([part.edge_ids[c].tolist() for c in sub])


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
        prob=comp.prob,
    )


def _bounded_cycles(comp: Component, limits: SolveLimits) -> list[Cycle]:
    small = SolveLimits(
        min_len=limits.min_len,
        max_len=limits.max_len,
        cycle_limit=limits.cycle_limit,
        deadline=time.monotonic() + 5.0,
    )
    return enumerate_cycles(comp, small) or []


def expected_value(comp: Component, cycle: Cycle) -> float:
    """Expected completed wants of a cycle: its counted edges x the product of their
    acceptance probabilities (the cycle completes only if every leg is accepted)."""
    edges = np.asarray(cycle, dtype=np.int64)
    counted = edges[comp.counted[edges]]
    return float(len(counted) * np.prod(comp.prob[counted]))


def failure_aware(
    comp: Component, cycles: list[Cycle], limits: SolveLimits
) -> tuple[list[Cycle], bool]:
    """The packing with the most expected completed wants, when the cycles can be enumerated.

    Dickerson, Procaccia and Sandholm (EC 2013): a cycle of k legs with acceptance
    probabilities p_i is worth k * prod(p_i), so the set-packing ILP over every cycle within
    the cap is solved with those values (plus 1e-6 per want, so that among equal expectations
    more wants win). ``cycles`` (the count-optimal answer) is kept when the pool cannot be
    enumerated (components above ``EXACT_NODES``, or pools above ``cycle_limit``) or when its
    expectation is not lower. Returns the cycles and whether the expectation is proven optimal.
    """
    if not len(comp.prob) or bool((comp.prob[comp.counted] >= 1.0).all()):
        return cycles, False
    pool = _exact_pool(comp, limits)
    if not pool:
        return cycles, False
    values = np.array([expected_value(comp, c) + 1e-6 * cycle_length(comp, c) for c in pool])
    incidence = cycle_incidence(comp, pool)
    res = milp(
        c=-values,
        constraints=LinearConstraint(incidence, -np.inf, 1.0),
        integrality=np.ones(len(pool)),
        bounds=Bounds(0, 1),
        options={
            "time_limit": _exact_budget(limits),
            "mip_rel_gap": 0.0,
            "presolve": incidence.nnz <= PRESOLVE_DENSITY * comp.n,
            "disp": False,
        },
    )
    if res.x is None:
        return cycles, False
    chosen = [pool[j] for j in np.flatnonzero(res.x > 0.5)]
    mine = sum(expected_value(comp, c) for c in chosen)
    theirs = sum(expected_value(comp, c) for c in cycles)
    if mine > theirs + 1e-9:
        return chosen, res.status == 0
    return cycles, res.status == 0 and mine >= theirs - 1e-9


def solve_component(comp: Component, limits: SolveLimits) -> ComponentSolution:
    """Solve one component; cycles are returned as ``comp.edge_ids`` (the parent graph's ids).

    With ``limits.failure_aware`` the count-optimal answer is then replaced by the packing of
    most expected completed wants where the cycles can be enumerated (``failure_aware``); the
    bound stays the proven bound on the count.
    """
    started = time.monotonic()
    local = _local_view(comp)  # same edges with identity ids: its sort and adjacency are reused
    bound_cycles = unit_cover(local)
    bound = sum(cycle_length(comp, c) for c in bound_cycles)
    cycles, proven, method = _solve_local(local, limits, unit_cycles=bound_cycles)
    if limits.failure_aware and not comp.priority.any():
        aware, _ = failure_aware(local, cycles, limits)
        if aware is not cycles:
            cycles, method = aware, f"{method}+expected"
    found = sum(cycle_length(comp, c) for c in cycles)
    if proven is not None and not comp.priority.any():
        bound = min(bound, proven)
    return ComponentSolution(
        index=comp.index,
        cycles=[comp.edge_ids[c].tolist() for c in cycles],
        found=found,
        bound=max(bound, found),
        method=method,
        seconds=time.monotonic() - started,
        expected=sum(expected_value(local, c) for c in cycles),
    )
