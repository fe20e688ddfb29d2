"""The exchange graph and its split into strongly connected components.

Nodes are items. An edge ``offer -> want`` is a candidate leg (it *counts*: it satisfies one
want and carries the leg's score); an edge ``want -> offer`` joins a want to every offer of the
same user (the user may pay for that want with any of their offers; it does not count). A
cycle therefore alternates offer, want, offer, want... and its length in users is the number of
counted edges. Selected cycles are vertex-disjoint, which is exactly "each offer given at most
once, each want satisfied at most once". The same structure carries TradeMaximizer want lists,
where dummy items give non-counted edges.

A cycle can only lie inside one strongly connected component, so each component is an
independent unit of work (``Component`` is plain data and pickles, for fanning out).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

SCORE_SCALE = 1000  # leg scores enter the solver as integers 0..1000


@dataclass
class Component:
    """A directed graph for the solver, with local node ids 0..n-1.

    ``owner`` is the user of each node whose owner must be distinct within a cycle (offers of a
    market), or -1. ``priority`` marks counted edges that must be preferred (focus user's
    wants). ``prob`` is each edge's acceptance probability (1 for edges that do not count).
    ``nodes`` and ``edge_ids`` map local ids back to the graph it was cut from.
    """

    n: int
    src: np.ndarray
    dst: np.ndarray
    counted: np.ndarray
    score: np.ndarray
    owner: np.ndarray
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    prob: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    index: int = 0
    # the pool of every cycle within the cap once enumerated (or None when it is too large),
    # keyed by (min_len, max_len, cycle_limit): the failure-aware step reuses it
    pools: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        m = len(self.src)
        if len(self.priority) != m:
            self.priority = np.zeros(m, dtype=bool)
        if len(self.prob) != m:
            self.prob = np.ones(m, dtype=np.float64)
        if len(self.nodes) != self.n:
            self.nodes = np.arange(self.n, dtype=np.int64)
        if len(self.edge_ids) != m:
            self.edge_ids = np.arange(m, dtype=np.int64)

    @property
    def edges(self) -> int:
        """Number of edges."""
        return len(self.src)

    def subgraph(self, keep: np.ndarray, index: int = 0) -> Component:
        """The subgraph induced by the local nodes where ``keep`` is true (ids renumbered)."""
        local = np.full(self.n, -1, dtype=np.int64)
        kept = np.flatnonzero(keep)
        local[kept] = np.arange(len(kept))
        mask = (local[self.src] >= 0) & (local[self.dst] >= 0)
        return Component(
            n=len(kept),
            src=local[self.src[mask]],
            dst=local[self.dst[mask]],
            counted=self.counted[mask],
            score=self.score[mask],
            owner=self.owner[kept],
            priority=self.priority[mask],
            prob=self.prob[mask],
            nodes=self.nodes[kept],
            edge_ids=self.edge_ids[mask],
            index=index,
        )


def expand_ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, ..., first[i] + count[i] - 1`` for every i, concatenated."""
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(first, count) + within


def make_graph(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    counted: np.ndarray,
    score: np.ndarray,
    owner: np.ndarray | None = None,
    prob: np.ndarray | None = None,
) -> Component:
    """Build a graph, dropping self-loops and duplicate edges (the first of duplicates stays)."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    counted = np.asarray(counted, dtype=bool)
    score = np.asarray(score, dtype=np.int64)
    ids = np.arange(len(src), dtype=np.int64)
    prob = np.ones(len(src)) if prob is None else np.asarray(prob, dtype=np.float64)
    ok = src != dst
    src, dst, counted, score, ids = src[ok], dst[ok], counted[ok], score[ok], ids[ok]
    prob = prob[ok]
    _, first = np.unique(src * max(n, 1) + dst, return_index=True)
    first.sort()
    return Component(
        n=n,
        src=src[first],
        dst=dst[first],
        counted=counted[first],
        score=score[first],
        owner=np.full(n, -1, dtype=np.int64) if owner is None else np.asarray(owner, np.int64),
        prob=prob[first],
        edge_ids=ids[first],
    )


def strongly_connected(graph: Component) -> list[Component]:
    """Split ``graph`` into its strongly connected components that can hold a cycle.

    Components are ordered by their smallest node id; edges between components are dropped
    (no cycle uses them), as are components without a counted edge.
    """
    if graph.n == 0 or graph.edges == 0:
        return []
    adj = csr_matrix(
        (np.ones(graph.edges, dtype=np.int8), (graph.src, graph.dst)), shape=(graph.n, graph.n)
    )
    _, labels = connected_components(adj, directed=True, connection="strong")
    inside = labels[graph.src] == labels[graph.dst]
    sizes = np.bincount(labels)
    has_counted = np.zeros(len(sizes), dtype=bool)
    has_counted[labels[graph.src[inside & graph.counted]]] = True
    useful = (sizes >= 2) & has_counted
    node_order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[node_order], np.arange(len(sizes) + 1))
    edge_label = np.where(inside, labels[graph.src], -1)
    edge_order = np.argsort(edge_label, kind="stable")
    edge_starts = np.searchsorted(edge_label[edge_order], np.arange(-1, len(sizes) + 1))
    result = []
    for label in np.flatnonzero(useful):
        kept = node_order[starts[label] : starts[label + 1]]
        edges = edge_order[edge_starts[label + 1] : edge_starts[label + 2]]
        local = np.full(graph.n, -1, dtype=np.int64)
        local[kept] = np.arange(len(kept))
        result.append(
            Component(
                n=len(kept),
                src=local[graph.src[edges]],
                dst=local[graph.dst[edges]],
                counted=graph.counted[edges],
                score=graph.score[edges],
                owner=graph.owner[kept],
                priority=graph.priority[edges],
                prob=graph.prob[edges],
                nodes=graph.nodes[kept],
                edge_ids=graph.edge_ids[edges],
            )
        )
    result.sort(key=lambda c: int(c.nodes.min()))
    for i, comp in enumerate(result):
        comp.index = i
    return result
