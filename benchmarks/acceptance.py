"""Acceptance benchmark: do people accept what the engine proposes? ``python -m benchmarks.acceptance``

Seeded markets (150 and 2 000 users by default) in which every person has a hidden true
preference: one kind of thing from ``benchmarks/data/kinds_ru.txt`` (kinds share categories
and prices overlap between the kinds of a category), and offers of other kinds. Texts are
written as people write them (``benchmarks/paraphrase.py``: several phrasings per kind with
brands, inflections, transliteration, typos, filler words); a fifth of the items are posted
without a category. Three rounds of: propose (``matching.find_proposals``), every participant
accepts a leg only when it is the kind they truly want, a proposal completes only when every
leg is accepted (its items leave the market), and every declined (offer, want) pair is blocked
for the next round, as the product does on a decline.

This runs against the engine, not through the Django services: the product's matching run
(``apps/exchange/matching_runs.py``) and its decline handling were being changed by other
engineers in the same session. The rules used here are the product's: a decline blocks the
(offer, want) pair (``Market.blocked``); a completed proposal takes its items off the market;
an unanswered or failed proposal frees the others' items for the next round.

Printed per size: precision of the proposed legs (share truly wanted), people satisfied after
each round, the optimum over truly acceptable legs (the engine on the truth graph, where every
want takes exactly its kind; its proven bound, and whether the answer reaches it: then it is the
exact optimum of the ILP over cycles up to 10), and the same three rounds with the engine as it
was before issue 14 (category + value rule, count objective: ``MatchConfig(relevance_rule=
False, failure_aware=False)``).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace

import numpy as np

from benchmarks.paraphrase import kinds, write
from matching import OFFER, PERMANENT, WANT, Item, Market, MatchConfig, UserInfo, find_proposals

CITIES = ("Алматы", "Астана")
CITY_WEIGHTS = (0.7, 0.3)
UNCATEGORISED = 0.2


@dataclass
class Scenario:
    market: Market
    kind_of: dict[int, str]  # item id -> the kind it really is (offers) or really wants (wants)


def build(n_users: int, seed: int) -> Scenario:
    """A seeded market of ``n_users`` people with hidden preferences."""
    rng = np.random.default_rng(seed)
    all_kinds = kinds()
    weights = 1.0 / (rng.permutation(len(all_kinds)) + 1) ** 0.6
    weights /= weights.sum()
    categories = sorted({k.category for k in all_kinds})
    median = dict(
        zip(
            categories,
            np.exp(rng.uniform(np.log(5_000), np.log(80_000), len(categories))),
            strict=True,
        )
    )
    users: dict[int, UserInfo] = {}
    items: list[Item] = []
    kind_of: dict[int, str] = {}
    for uid in range(1, n_users + 1):
        city = CITIES[int(rng.choice(len(CITIES), p=CITY_WEIGHTS))]
        users[uid] = UserInfo(uid, frozenset({city}), float(np.round(rng.beta(2, 2), 2)))
        n_offers = 1 + int(rng.random() < 0.4)
        for kind_name, count in ((WANT, 1), (OFFER, n_offers)):
            for _ in range(count):
                kind = all_kinds[int(rng.choice(len(all_kinds), p=weights))]
                # prices overlap inside a category: one median per category, not per kind
                value = int(round(median[kind.category] * rng.lognormal(0, 0.15), -2))
                phrase = kind.phrases[int(rng.integers(len(kind.phrases)))]
                item = Item(
                    id=len(items) + 1,
                    user_id=uid,
                    kind=kind_name,
                    exchange_type=PERMANENT,
                    category=None if rng.random() < UNCATEGORISED else kind.category,
                    name=write(phrase, rng),
                    value=value,
                )
                items.append(item)
                kind_of[item.id] = f"{kind.category}/{kind.name}"
    return Scenario(Market(users=users, items=items), kind_of)


def truth_market(scenario: Scenario) -> Market:
    """The market where every want takes exactly its true kind (categories = true kinds)."""
    items = [
        replace(it, category=scenario.kind_of[it.id], any_in_category=it.kind == WANT)
        for it in scenario.market.items
    ]
    return replace(scenario.market, items=items)


@dataclass
class Rounds:
    proposed: int = 0
    correct: int = 0
    satisfied: list[int] | None = None
    expected_first: float = 0.0
    completed_first: int = 0
    seconds: float = 0.0


def run_rounds(scenario: Scenario, config: MatchConfig, rounds: int = 3) -> Rounds:
    """Propose, answer truthfully, block declines, take completed items off; ``rounds`` times."""
    market = scenario.market
    kind_of = scenario.kind_of
    done: set[int] = set()  # items given or wants satisfied
    blocked: set[tuple[int, int]] = set()
    out = Rounds(satisfied=[])
    started = time.monotonic()
    for r in range(rounds):
        current = replace(
            market,
            items=[replace(it, active=False) if it.id in done else it for it in market.items],
            blocked=frozenset(blocked),
        )
        result = find_proposals(current, config)
        completed = 0
        for proposal in result.proposals:
            answers = [kind_of[leg.offer_id] == kind_of[leg.want_id] for leg in proposal.legs]
            out.proposed += len(answers)
            out.correct += sum(answers)
            for leg, yes in zip(proposal.legs, answers, strict=True):
                if not yes:
                    blocked.add((leg.offer_id, leg.want_id))
            if all(answers):
                completed += len(proposal.legs)
                for leg in proposal.legs:
                    done.update((leg.offer_id, leg.want_id))
        if r == 0:
            out.expected_first = result.stats.expected_completions
            out.completed_first = completed
        out.satisfied.append(sum(1 for it in market.items if it.kind == WANT and it.id in done))
    out.seconds = time.monotonic() - started
    return out


def optimum(scenario: Scenario, config: MatchConfig) -> tuple[int, int]:
    """(satisfied, proven bound) of the engine on the truth graph, cap and candidates as given."""
    stats = find_proposals(truth_market(scenario), config).stats
    return stats.satisfied_wants, stats.bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="150,2000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    now = MatchConfig()
    before = MatchConfig(relevance_rule=False, failure_aware=False)
    exact = MatchConfig(candidates_per_want=None, failure_aware=False)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = build(size, args.seed)
        found, bound = optimum(scenario, exact)
        new = run_rounds(scenario, now, args.rounds)
        old = run_rounds(scenario, before, args.rounds)
        rows.append((size, scenario, found, bound, new, old))
    print(
        "| users | engine | proposed legs | precision | satisfied after rounds 1/2/3 |"
        " optimum (found / proven bound) | satisfied / bound | round 1 expected / completed |"
        " seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size, _, found, bound, new, old in rows:
        for label, r in (("issue 14", new), ("before", old)):
            precision = r.correct / r.proposed if r.proposed else 1.0
            share = r.satisfied[-1] / bound if bound else 1.0
            print(
                f"| {size} | {label} | {r.proposed} | {precision:.1%} |"
                f" {' / '.join(map(str, r.satisfied))} | {found} / {bound} |"
                f" {share:.1%} | {r.expected_first:.1f} / {r.completed_first} |"
                f" {r.seconds:.1f} |"
            )


if __name__ == "__main__":
    main()
