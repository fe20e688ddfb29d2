"""The engine's entry points: market -> graph -> components -> cycles -> proposals.

``find_proposals`` does everything in one process. The same pipeline is exposed in three
steps so a caller can fan components out to workers::

    prepared = prepare(market, config)                   # candidates, graph, components
    solutions = [solve_component(c, config) for c in prepared.components]   # independent
    result = assemble(prepared, solutions)               # legs with reasons, stats

``Component`` and ``ComponentSolution`` are plain data (numpy arrays, lists, ints) and pickle.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from matching.candidates import Candidates, generate_candidates
from matching.graph import (
    SCORE_SCALE,
    Component,
    expand_ranges,
    make_graph,
    strongly_connected,
)
from matching.rules import compatible
from matching.solver import ComponentSolution, SolveLimits
from matching.solver import solve_component as _solve
from matching.types import (
    OFFER,
    WANT,
    Leg,
    Market,
    MatchConfig,
    MatchResult,
    Proposal,
    SolveStats,
)


@dataclass
class PreparedMarket:
    """A market turned into a graph and split into independent components.

    ``node_item[v]`` is the index in ``market.items`` of graph node v; ``edge_candidate[e]`` is
    the index in ``candidates`` of a counted edge e (-1 for a want -> offer edge).
    """

    market: Market
    config: MatchConfig
    candidates: Candidates
    graph: Component
    node_item: np.ndarray
    edge_candidate: np.ndarray
    components: list[Component]
    focus_user: int | None = None
    started: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def _limits(config: MatchConfig, deadline: float) -> SolveLimits:
    return SolveLimits(
        min_len=max(config.min_cycle, 2),
        max_len=config.cap,
        cycle_limit=config.exact_cycle_limit,
        deadline=deadline,
        failure_aware=config.failure_aware,
    )


def _build_graph(market: Market, cands: Candidates) -> tuple[Component, np.ndarray, np.ndarray]:
    items = market.items
    node_item = np.unique(np.concatenate([cands.offer, cands.want]))
    src = np.searchsorted(node_item, cands.offer)
    dst = np.searchsorted(node_item, cands.want)
    score = np.round(cands.score * SCORE_SCALE).astype(np.int64)
    item_user = np.array([items[i].user_id for i in node_item.tolist()], dtype=np.int64)
    is_offer = np.array([items[i].kind == OFFER for i in node_item.tolist()], dtype=bool)
    # want -> offer edges: every want of a user to every offer of the same user (ordered by
    # user, then want, then offer)
    nodes = np.arange(len(node_item))
    wants = nodes[~is_offer][np.argsort(item_user[~is_offer], kind="stable")]
    offers = nodes[is_offer][np.argsort(item_user[is_offer], kind="stable")]
    lo = np.searchsorted(item_user[offers], item_user[wants], side="left")
    hi = np.searchsorted(item_user[offers], item_user[wants], side="right")
    count = hi - lo
    inner_src = np.repeat(wants, count)
    inner_dst = offers[expand_ranges(lo, count)]
    all_src = np.concatenate([src, inner_src])
    all_dst = np.concatenate([dst, inner_dst])
    counted = np.r_[np.ones(len(src), dtype=bool), np.zeros(len(inner_src), dtype=bool)]
    all_score = np.r_[score, np.zeros(len(inner_src), dtype=np.int64)]
    prob = cands.probability if cands.probability is not None else np.ones(len(src))
    all_prob = np.r_[prob, np.ones(len(inner_src))]
    owner = np.where(is_offer, item_user, -1)
    graph = make_graph(len(node_item), all_src, all_dst, counted, all_score, owner, all_prob)
    edge_candidate = np.where(graph.counted, graph.edge_ids, -1)
    graph.edge_ids = np.arange(graph.edges, dtype=np.int64)
    return graph, node_item, edge_candidate


def _focus(graph: Component, user_nodes: np.ndarray, cap: int | None) -> np.ndarray:
    """Nodes that can lie on a cycle through ``user_nodes`` within the cap."""
    if len(user_nodes) == 0:
        return np.zeros(graph.n, dtype=bool)
    weights = np.where(graph.counted, 1.0, 1e-9)
    adj = csr_matrix((weights, (graph.src, graph.dst)), shape=(graph.n, graph.n))
    forward = dijkstra(adj, indices=user_nodes, min_only=True)
    backward = dijkstra(adj.T.tocsr(), indices=user_nodes, min_only=True)
    total = forward + backward
    limit = (cap if cap else graph.n) + 0.5
    return np.isfinite(total) & (total <= limit)


def prepare(
    market: Market, config: MatchConfig | None = None, *, focus_user: int | None = None
) -> PreparedMarket:
    """Generate candidates, build the item graph and split it into components.

    With ``focus_user``, only nodes that can share a cycle with that user's items are kept,
    and satisfying the user's wants gets priority over everything else.
    """
    config = config or MatchConfig()
    started = time.monotonic()
    candidates = generate_candidates(market, config)
    t_candidates = time.monotonic()
    graph, node_item, edge_candidate = _build_graph(market, candidates)
    if focus_user is not None:
        users = np.array([market.items[i].user_id for i in node_item.tolist()], dtype=np.int64)
        user_nodes = np.flatnonzero(users == focus_user)
        keep = _focus(graph, user_nodes, config.cap)
        is_focus_want = (users == focus_user) & np.array(
            [market.items[i].kind == WANT for i in node_item.tolist()], dtype=bool
        )
        graph.priority = graph.counted & is_focus_want[graph.dst]
        graph = graph.subgraph(keep)
    components = strongly_connected(graph)
    t_graph = time.monotonic()
    return PreparedMarket(
        market=market,
        config=config,
        candidates=candidates,
        graph=graph,
        node_item=node_item,
        edge_candidate=edge_candidate,
        components=components,
        focus_user=focus_user,
        started=started,
        timings={"candidates_s": t_candidates - started, "graph_s": t_graph - t_candidates},
    )


def components(
    market: Market, config: MatchConfig | None = None, *, focus_user: int | None = None
) -> list[Component]:
    """The independent components of a market (``prepare(...).components``)."""
    return prepare(market, config, focus_user=focus_user).components


def solve_component(
    component: Component, config: MatchConfig | None = None, *, deadline: float | None = None
) -> ComponentSolution:
    """Solve one component on its own (a unit of work for a worker)."""
    config = config or MatchConfig()
    if deadline is None:
        deadline = time.monotonic() + config.time_limit_s
    return _solve(component, _limits(config, deadline))


def _split_by_user(legs: list[Leg]) -> list[list[Leg]]:
    """Split a cycle that visits a user twice into cycles of distinct users.

    Legal because a user may pay for any of their wants with any of their offers.
    """
    first: dict[int, int] = {}
    for i, leg in enumerate(legs):
        j = first.get(leg.giver_id)
        if j is not None:
            inner = legs[j:i]
            outer = legs[i:] + legs[:j]
            return _split_by_user(inner) + _split_by_user(outer)
        first[leg.giver_id] = i
    return [legs]


def _blocked_inside(legs: list[Leg], blocked_users: frozenset[tuple[int, int]]) -> bool:
    """Whether two members of the cycle blocked each other. Legs between them are never
    candidates; this also keeps apart two members who are not next to each other (a block is
    rare, so the cycle is simply dropped and its members stay free for the next run)."""
    if not blocked_users:
        return False
    members = {leg.giver_id for leg in legs}
    return any(a != b and a in members and b in members for a, b in blocked_users)


def assemble(prepared: PreparedMarket, solutions: list[ComponentSolution]) -> MatchResult:
    """Turn component solutions into proposals with reasons, and compute the run's stats."""
    market, config = prepared.market, prepared.config
    items = market.items
    proposals: list[Proposal] = []
    stats = SolveStats(
        candidates_s=prepared.timings.get("candidates_s", 0.0),
        graph_s=prepared.timings.get("graph_s", 0.0),
        items=len(items),
        edges=int(prepared.graph.counted.sum()),
        candidates_per_want=prepared.candidates.per_want,
        components=len(prepared.components),
        largest_component=max((c.n for c in prepared.components), default=0),
    )
    min_len = max(config.min_cycle, 2)
    methods: Counter[str] = Counter()
    for solution in solutions:
        methods[solution.method] += 1
        stats.bound += solution.bound
        for cycle in solution.cycles:
            legs = []
            for edge in cycle:
                cand = int(prepared.edge_candidate[edge])
                if cand < 0:
                    continue
                cands = prepared.candidates
                offer, want = items[int(cands.offer[cand])], items[int(cands.want[cand])]
                leg = compatible(
                    offer,
                    want,
                    market.users[offer.user_id],
                    market.users[want.user_id],
                    config,
                    market.blocked,
                    market.accepted,
                    blocked_users=market.blocked_users,
                )
                if leg is None:  # pragma: no cover - candidates mirror the rules
                    raise AssertionError(f"candidate {offer.id}->{want.id} breaks the rules")
                legs.append(leg)
            for part in _split_by_user(legs):
                if len(part) >= min_len and not _blocked_inside(part, market.blocked_users):
                    proposals.append(Proposal.from_legs(part))
    if prepared.focus_user is not None:
        proposals = [p for p in proposals if prepared.focus_user in p.users]
    proposals.sort(key=lambda p: p.key)
    stats.methods = dict(sorted(methods.items()))
    stats.satisfied_wants = sum(len(p.legs) for p in proposals)
    stats.total_score = round(sum(p.score for p in proposals), 6)
    stats.expected_completions = round(sum(p.expected_completions for p in proposals), 4)
    stats.proposals_by_length = dict(sorted(Counter(len(p.legs) for p in proposals).items()))
    now = time.monotonic()
    stats.solve_s = max(now - prepared.started - stats.candidates_s - stats.graph_s, 0.0)
    stats.total_s = now - prepared.started
    if prepared.focus_user is not None:
        # the bound covers the focused region, not just the user's cycles: report no gap
        stats.bound = stats.satisfied_wants
    stats.finish()
    return MatchResult(proposals=proposals, stats=stats)


def find_proposals(
    market: Market, config: MatchConfig | None = None, *, focus_user: int | None = None
) -> MatchResult:
    """Decide the exchange cycles of ``market``.

    Maximises satisfied wants, then total score, and with ``config.failure_aware`` the
    expected completed exchanges where a component's cycles can be enumerated (see
    ``solver.failure_aware``); cycles have ``config.min_cycle`` to
    ``config.max_cycle`` distinct users. With ``focus_user`` only the part of the graph that can
    form cycles with that user is solved (their wants first) and only proposals involving them
    are returned. Deterministic: the same input gives the same output.
    """
    config = config or MatchConfig()
    prepared = prepare(market, config, focus_user=focus_user)
    deadline = prepared.started + config.time_limit_s
    solutions = [solve_component(c, config, deadline=deadline) for c in prepared.components]
    return assemble(prepared, solutions)
