"""Engine benchmark: ``python -m benchmarks.engine`` (what ``make bench`` runs).

Synthetic markets (``--sizes``, default 1k/10k/100k users) or a TradeMaximizer want list
(``--tradelist PATH``): times for candidates, graph and solve, edges, proposals by length,
satisfied wants, the proven bound and the gap, peak memory, and in the same run two baselines
on the same graph: depth-first cycle enumeration + greedy selection, and
``networkx.simple_cycles(length_bound=...)`` + greedy (skipped with a note above
``--nx-max-edges``). Results are printed as a table and saved as JSON under
``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.generator import generate_market
from benchmarks.tradelist import load_tradelist
from matching import MatchConfig, find_proposals
from matching.engine import prepare
from matching.graph import Component, strongly_connected
from matching.solver import SolveLimits, cycle_length, greedy_pack, solve_component

RESULTS = Path(__file__).resolve().parent / "results"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dfs_baseline(graph: Component, cap: int | None, budget_s: float) -> dict[str, Any]:
    """Naive marketplace: plain DFS cycle enumeration (no pruning), then greedy selection."""
    started = time.monotonic()
    deadline = started + budget_s
    cap = cap or graph.n
    out: list[list[tuple[int, int]]] = [[] for _ in range(graph.n)]
    for e, (s, d) in enumerate(zip(graph.src.tolist(), graph.dst.tolist(), strict=True)):
        out[s].append((d, e))
    counted = graph.counted.tolist()
    cycles: list[list[int]] = []
    truncated = False
    for start in range(graph.n):
        if truncated:
            break
        path: list[int] = []
        on_path = {start}
        stack = [(start, 0, iter(out[start]))]
        while stack:
            if time.monotonic() > deadline:
                truncated = True
                break
            node, length, it = stack[-1]
            step = next(it, None)
            if step is None:
                stack.pop()
                if path:
                    path.pop()
                on_path.discard(node)
                continue
            nxt, e = step
            total = length + counted[e]
            if nxt == start:
                if 2 <= total <= cap:
                    cycles.append([*path, e])
                continue
            if nxt < start or nxt in on_path or total >= cap:
                continue
            path.append(e)
            on_path.add(nxt)
            stack.append((nxt, total, iter(out[nxt])))
    chosen = greedy_pack(graph, cycles)
    return {
        "satisfied": sum(cycle_length(graph, c) for c in chosen),
        "cycles_enumerated": len(cycles),
        "seconds": round(time.monotonic() - started, 3),
        "note": f"stopped after {budget_s:.0f} s budget" if truncated else "",
    }


def networkx_baseline(
    graph: Component, cap: int | None, budget_s: float, max_edges: int
) -> dict[str, Any]:
    """``networkx.simple_cycles(G, length_bound=2*cap)`` on the item graph, then greedy."""
    if graph.edges > max_edges:
        return {
            "satisfied": None,
            "seconds": None,
            "note": f"skipped: {graph.edges} edges > {max_edges} (would run for many minutes)",
        }
    import networkx as nx

    started = time.monotonic()
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n))
    g.add_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    edge_of = {
        (s, d): e
        for e, (s, d) in enumerate(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    }
    bound = 2 * cap if cap else None
    cycles = []
    truncated = False
    for nodes in nx.simple_cycles(g, length_bound=bound):
        edges = [edge_of[(nodes[i], nodes[(i + 1) % len(nodes)])] for i in range(len(nodes))]
        length = cycle_length(graph, edges)
        if 2 <= length <= (cap or graph.n):
            cycles.append(edges)
        if time.monotonic() - started > budget_s:
            truncated = True
            break
    chosen = greedy_pack(graph, cycles)
    return {
        "satisfied": sum(cycle_length(graph, c) for c in chosen),
        "cycles_enumerated": len(cycles),
        "seconds": round(time.monotonic() - started, 3),
        "note": f"stopped after {budget_s:.0f} s budget" if truncated else "",
    }


def bench_market(
    users: int, args: argparse.Namespace, per_want: int | None = None
) -> dict[str, Any]:
    """Generate a market, solve it, run the baselines; one result row.

    ``per_want`` overrides the configured ``candidates_per_want`` (and lifts the budget).
    """
    market = generate_market(users, seed=args.seed, any_in_category=not args.relevance)
    config = MatchConfig(max_cycle=args.max_len, time_limit_s=args.time_limit)
    label = f"market {users} users (seed {args.seed})"
    if args.relevance:
        label += ", relevance rule on every want"
    if per_want is not None:
        config = replace(config, candidates_per_want=per_want, candidate_budget=None)
        label += f", {per_want} per want"
    result = find_proposals(market, config)
    stats = result.stats
    row: dict[str, Any] = {
        "input": label,
        "users": users,
        "items": len(market.items),
        "max_len": args.max_len,
        "edges": stats.edges,
        "per_want": stats.candidates_per_want,
        "components": stats.components,
        "largest_component": stats.largest_component,
        "candidates_s": round(stats.candidates_s, 3),
        "graph_s": round(stats.graph_s, 3),
        "solve_s": round(stats.solve_s, 3),
        "total_s": round(stats.total_s, 3),
        "proposals_by_length": stats.proposals_by_length,
        "satisfied": stats.satisfied_wants,
        "trades": stats.satisfied_wants,
        "bound": stats.bound,
        "gap": round(stats.gap, 5),
        "methods": stats.methods,
        "peak_mib": round(_peak_mib(), 1),
    }
    if not args.no_baselines:
        graph = prepare(market, config).graph
        row["dfs_greedy"] = dfs_baseline(graph, args.max_len, args.baseline_budget)
        row["networkx_greedy"] = networkx_baseline(
            graph, args.max_len, args.baseline_budget, args.nx_max_edges
        )
    return row


def bench_tradelist(path: str, args: argparse.Namespace) -> dict[str, Any]:
    """Parse and solve a want list; one result row (``trades`` = items traded)."""
    started = time.monotonic()
    tradelist = load_tradelist(path)
    parsed = time.monotonic()
    comps = strongly_connected(tradelist.graph)
    split = time.monotonic()
    limits = SolveLimits(max_len=args.max_len or None, deadline=started + args.time_limit)
    solutions = [solve_component(c, limits) for c in comps]
    done = time.monotonic()
    lengths: dict[int, int] = {}
    for comp, sol in zip(comps, solutions, strict=True):
        local = {int(e): i for i, e in enumerate(comp.edge_ids.tolist())}
        for cycle in sol.cycles:
            n = int(np.sum(comp.counted[[local[e] for e in cycle]]))
            lengths[n] = lengths.get(n, 0) + 1
    found = sum(s.found for s in solutions)
    bound = sum(s.bound for s in solutions)
    row: dict[str, Any] = {
        "input": Path(path).name,
        "items": tradelist.real_items,
        "max_len": args.max_len,
        "edges": tradelist.graph.edges,
        "components": len(comps),
        "largest_component": max((c.n for c in comps), default=0),
        "candidates_s": round(parsed - started, 3),
        "graph_s": round(split - parsed, 3),
        "solve_s": round(done - split, 3),
        "total_s": round(done - started, 3),
        "seconds": round(done - started, 3),
        "proposals_by_length": dict(sorted(lengths.items())),
        "satisfied": found,
        "trades": found,
        "bound": bound,
        "gap": round((bound - found) / bound, 5) if bound else 0.0,
        "methods": sorted({s.method for s in solutions}),
        "peak_mib": round(_peak_mib(), 1),
    }
    if not args.no_baselines and not args.json:
        row["dfs_greedy"] = dfs_baseline(tradelist.graph, args.max_len, args.baseline_budget)
        row["networkx_greedy"] = networkx_baseline(
            tradelist.graph, args.max_len, args.baseline_budget, args.nx_max_edges
        )
    return row


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print one markdown table of the engine rows and one of the baselines."""
    cols = [
        ("input", "input"),
        ("max_len", "cap"),
        ("items", "items"),
        ("edges", "edges"),
        ("per_want", "per want"),
        ("components", "comps"),
        ("candidates_s", "cand s"),
        ("graph_s", "graph s"),
        ("solve_s", "solve s"),
        ("total_s", "total s"),
        ("satisfied", "satisfied"),
        ("bound", "bound"),
        ("gap", "gap"),
        ("proposals_by_length", "proposals by length"),
        ("peak_mib", "peak MiB"),
    ]
    print("| " + " | ".join(title for _, title in cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(_fmt(row.get(key)) for key, _ in cols) + " |")
    if any("dfs_greedy" in row for row in rows):
        print()
        print(
            "| input | engine satisfied | engine s | DFS+greedy satisfied | DFS s "
            "| networkx+greedy satisfied | networkx s | notes |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for row in rows:
            dfs, nx_row = row.get("dfs_greedy", {}), row.get("networkx_greedy", {})
            notes = "; ".join(
                f"{name}: {r['note']}"
                for name, r in (("dfs", dfs), ("nx", nx_row))
                if r.get("note")
            )
            print(
                f"| {row['input']} | {row['satisfied']} | {row['total_s']:.3f} "
                f"| {_fmt(dfs.get('satisfied'))} | {_fmt(dfs.get('seconds'))} "
                f"| {_fmt(nx_row.get('satisfied'))} | {_fmt(nx_row.get('seconds'))} | {notes} |"
            )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="market sizes in users")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tradelist", action="append", help="TradeMaximizer want list file")
    parser.add_argument("--max-len", type=int, default=10, help="cycle cap in users; 0 = none")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--baseline-budget", type=float, default=120.0)
    parser.add_argument("--nx-max-edges", type=int, default=1_500_000)
    parser.add_argument(
        "--per-want",
        help="comma-separated candidates_per_want values: one row per size and value "
        "(no budget); default: the configured value and budget",
    )
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--relevance",
        action="store_true",
        help="no want is 'anything in this category': the text-relevance rule applies to all "
        "(default: the category + value graph every earlier figure was measured on)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    if args.tradelist:
        for path in args.tradelist:
            rows.append(bench_tradelist(path, args))
    else:
        per_want = [int(k) for k in args.per_want.split(",")] if args.per_want else [None]
        for size in (int(s) for s in args.sizes.split(",") if s):
            for k in per_want:
                rows.append(bench_market(size, args, k))
                if not args.json:
                    print(
                        f"... {rows[-1]['input']} done in {rows[-1]['total_s']:.1f} s",
                        file=sys.stderr,
                    )
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print_table(rows)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        if args.tradelist:
            name = "tradelist-" + "-".join(Path(p).stem for p in args.tradelist)
        else:
            name = "markets-" + args.sizes.replace(",", "-")
            if args.relevance:
                name += "-relevance"
            if args.per_want:
                name += "-per-want-" + args.per_want.replace(",", "-")
        out = RESULTS / f"{name}-cap{args.max_len}.json"
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not args.json:
            print(f"\nsaved {out.relative_to(RESULTS.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
