"""How far is the engine from the capped optimum? An LP dive over every short cycle.

An experiment, not part of the engine or of ``make bench`` (minutes of work at 1 000 users):

1. enumerate every cycle of the market's largest component within ``--pool-cap`` users;
2. solve the LP relaxation of the set-packing model over that pool by column generation
   (HiGHS; columns priced exactly, since the pool is complete), which is a proven bound for
   answers made of such short cycles;
3. dive: fix every cycle the LP takes whole (or the largest fraction), drop the cycles that
   touch fixed nodes, solve the LP again, until nothing is left: an integer answer;
4. grow that answer to the real cap (``--cap``) with the engine's own extend passes,
   re-solve of the unused rest, and ruin and recreate.

    python -m benchmarks.lp_dive --size 1000 --pool-cap 5

prints one line per stage; docs/matching.md ("Where the gap comes from") has the numbers.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

from benchmarks.generator import generate_market
from matching import solver
from matching.engine import prepare
from matching.graph import Component
from matching.types import MatchConfig

ADD_PER_ROUND = 30_000  # columns added per pricing round (best reduced cost first)


def _pool_matrix(comp: Component, cycles: list[list[int]]) -> tuple[csc_matrix, np.ndarray]:
    """Node x cycle incidence and each cycle's number of satisfied wants."""
    matrix = solver.cycle_incidence(comp, cycles)
    wants = np.array([solver.cycle_length(comp, c) for c in cycles], dtype=float)
    return matrix, wants


def _lp(matrix: csc_matrix, wants: np.ndarray, free: np.ndarray, alive: np.ndarray, cols):
    """Column generation over the living pool; returns (value, columns, x)."""
    by_row = matrix.T.tocsr()
    previous = -1.0
    while True:
        cols = cols[alive[cols]]
        if len(cols) == 0:
            return 0.0, cols, np.zeros(0)
        res = linprog(-wants[cols], A_ub=matrix[:, cols], b_ub=free, bounds=(0, 1), method="highs")
        duals = -res.ineqlin.marginals
        reduced = wants - by_row @ duals
        reduced[~alive] = -1.0
        entering = np.flatnonzero(reduced > 1e-7)
        entering = np.setdiff1d(entering, cols)
        value = -res.fun
        # HiGHS's duals are degenerate here: stop once the value no longer moves
        if len(entering) == 0 or abs(value - previous) < 1e-6:
            return value, cols, res.x
        previous = value
        best = entering[np.argsort(-reduced[entering], kind="stable")][:ADD_PER_ROUND]
        cols = np.union1d(cols, best)


def dive(comp: Component, cycles: list[list[int]]) -> tuple[float, list[list[int]]]:
    """The pool's LP bound and an integer answer found by diving on the LP."""
    matrix, wants = _pool_matrix(comp, cycles)
    by_row = matrix.T.tocsr()
    free = np.ones(comp.n)
    alive = np.ones(len(cycles), dtype=bool)
    cols = np.flatnonzero(wants <= 3)
    fixed: list[int] = []
    bound = None
    while True:
        value, cols, x = _lp(matrix, wants, free, alive, cols)
        bound = value if bound is None else bound
        if value < 0.5 or len(cols) == 0:
            break
        take = cols[x > 0.999]
        if len(take) == 0:
            take = cols[[int(np.argmax(x))]]
        for j in take.tolist():
            nodes = matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]]
            if free[nodes].min() > 0.5:
                free[nodes] = 0.0
                fixed.append(j)
        alive = (by_row @ (free < 0.5).astype(float)) < 0.5
    return bound, [list(cycles[j]) for j in fixed]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool-cap", type=int, default=5)
    parser.add_argument("--cap", type=int, default=10)
    args = parser.parse_args(argv)
    started = time.monotonic()
    config = MatchConfig(max_cycle=args.cap)
    prepared = prepare(generate_market(args.size, seed=args.seed), config)
    comp = solver._local_view(max(prepared.components, key=lambda c: c.n))
    count = lambda cycles: sum(solver.cycle_length(comp, c) for c in cycles)  # noqa: E731
    uncapped = count(solver.unit_cover(comp))
    pool_limits = solver.SolveLimits(max_len=args.pool_cap, cycle_limit=50_000_000)
    pool = solver.enumerate_cycles(comp, pool_limits) or []
    print(
        f"component {comp.n} nodes, uncapped bound {uncapped}, {len(pool)} cycles "
        f"within {args.pool_cap} ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    bound, answer = dive(comp, pool)
    print(
        f"LP over the pool {bound:.2f}; dive {count(answer)} ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    limits = solver.SolveLimits(max_len=args.cap, deadline=time.monotonic() + 300)
    adj = solver.adjacency(comp)
    solver._extend_passes(comp, answer, ~solver._on_cycles(comp, answer), adj, limits)
    solver._solve_rest(comp, answer, limits, depth=0, exact=False)
    print(f"grown to cap {args.cap}: {count(answer)}", flush=True)
    answer = solver._ruin_and_recreate(comp, answer, limits)
    print(
        f"after ruin and recreate: {count(answer)} of {uncapped} "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )


if __name__ == "__main__":
    main()
