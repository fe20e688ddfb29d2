"""The engine phase of a matching run, in-process or as a Celery canvas (same steps, same answer).

The engine exposes its pipeline in three steps (`prepare`, `solve_component`, `assemble`).
In-process, the run solves the components one after another and beats its heartbeat between
them. With `MATCH_FANOUT` (and real workers) a full run becomes a chord: the components are
dealt into `MATCH_FANOUT_GROUPS` groups of similar size, each group is one task, and one
assembling task writes the proposals. A component's solution depends only on the component and
the engine's settings, never on which worker solved it or how many there were, so both paths
give the same proposals. The prepared market and the solutions travel through the cache (Redis
in production; pickled, since they are numpy arrays), keyed by the run.

The wall-clock limit (`MATCH_TIME_LIMIT_SECONDS`) is only a safety stop: when a solve ends past
its deadline the run records `safety_stop: true` in its stats.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from django.core.cache import cache

import matching

FANOUT_TTL = 3600


def scoped_components(
    prepared: matching.PreparedMarket, user_ids: set[int] | None
) -> list[matching.Component]:
    """All components, or (a re-matching run) only those holding an item of `user_ids`."""
    if user_ids is None:
        return list(prepared.components)
    item_user = np.fromiter(
        (it.user_id for it in prepared.market.items),
        dtype=np.int64,
        count=len(prepared.market.items),
    )
    node_user = item_user[prepared.node_item]
    wanted = np.fromiter(user_ids, dtype=np.int64, count=len(user_ids))
    return [c for c in prepared.components if np.isin(node_user[c.nodes], wanted).any()]


def solve_in_process(
    prepared: matching.PreparedMarket,
    components: list[matching.Component],
    *,
    beat: Callable[[], None] = lambda: None,
) -> tuple[list[matching.ComponentSolution], bool]:
    """Solve `components` one by one (as `matching.find_proposals` does); returns the
    solutions and whether the wall-clock safety stop fired."""
    config = prepared.config
    deadline = prepared.started + config.time_limit_s
    solutions = []
    for component in components:
        beat()
        solutions.append(matching.solve_component(component, config, deadline=deadline))
    return solutions, time.monotonic() > deadline


def deal(components: list[matching.Component], groups: int) -> list[list[int]]:
    """Indices of `components` dealt into at most `groups` groups of similar total size
    (largest first, each to the lightest group): deterministic."""
    order = sorted(range(len(components)), key=lambda i: (-components[i].edges, i))
    count = max(1, min(groups, len(components)))
    loads = [0] * count
    dealt: list[list[int]] = [[] for _ in range(count)]
    for i in order:
        g = min(range(count), key=lambda k: (loads[k], k))
        dealt[g].append(i)
        loads[g] += components[i].edges + components[i].n
    return [sorted(g) for g in dealt if g]


def _key(run_id: int, part: str) -> str:
    return f"match-fanout:{run_id}:{part}"


def fanout_store(run_id: int, snap, prepared, components, groups: list[list[int]]) -> None:
    """Park what the group tasks and the assembling task need, for an hour at most."""
    cache.set(_key(run_id, "prepared"), (snap, prepared), FANOUT_TTL)
    for g, indices in enumerate(groups):
        cache.set(_key(run_id, f"group:{g}"), [components[i] for i in indices], FANOUT_TTL)


def fanout_solve_group(run_id: int, group: int, time_limit_s: float) -> bool:
    """One group of components (a chord member); returns whether its safety stop fired."""
    components = cache.get(_key(run_id, f"group:{group}"))
    if components is None:
        raise RuntimeError(f"run {run_id}: group {group} is gone from the cache")
    _snap, prepared = cache.get(_key(run_id, "prepared"))
    deadline = time.monotonic() + time_limit_s
    solutions = [
        matching.solve_component(c, prepared.config, deadline=deadline) for c in components
    ]
    cache.set(_key(run_id, f"solutions:{group}"), solutions, FANOUT_TTL)
    return time.monotonic() > deadline


def fanout_collect(run_id: int, groups: int):
    """(snapshot, prepared market, solutions in component order); drops the cached parts."""
    snap, prepared = cache.get(_key(run_id, "prepared"))
    solutions = []
    for g in range(groups):
        part = cache.get(_key(run_id, f"solutions:{g}"))
        if part is None:
            raise RuntimeError(f"run {run_id}: solutions of group {g} are missing")
        solutions += part
    fanout_drop(run_id, groups)
    solutions.sort(key=lambda s: s.index)
    return snap, prepared, solutions


def fanout_drop(run_id: int, groups: int) -> None:
    keys = [_key(run_id, "prepared")]
    keys += [_key(run_id, f"{kind}:{g}") for g in range(groups) for kind in ("group", "solutions")]
    cache.delete_many(keys)
