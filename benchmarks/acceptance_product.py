"""The acceptance benchmark through the product's own services (``benchmarks/acceptance.py``).

Django runs in this process on a throw-away SQLite file (``setup``): no REDIS_URL, so tasks
run inline; ``MATCH_AUTO_RUN`` off and runs in this thread, so only the benchmark starts runs.
For one seeded market (``acceptance.build``) it:

1. creates every user with ``accounts.services.user_create`` (their city becomes their
   location) and posts their want and offers with ``exchange.services.listing_create``, the
   service the API and the web form use: items posted without a category get the product's
   category guess (a doubtful guess leaves the item without one);
2. round 1: a full matching run, ``matching_runs.matching_run`` (snapshot, engine with the
   product's settings, write-back, notifications);
3. every participant of every new proposal answers, in a seeded random order, with
   ``proposals.proposal_accept`` when every leg they receive is the kind they truly want, else
   ``proposal_decline`` (the first decline closes the proposal for everyone; those still to
   answer get the product's 409 and stop). A decline does what it does in the product: the
   decliner's two legs cool off (``DeclinedPair``), decline teaching keeps near-identical
   offers from that want, the items are freed and the others are marked for re-matching;
4. rounds 2 and 3: the product's re-matching run of the users marked dirty
   (``rematch.rematch_run``, what a decline triggers at once in the product), or with
   ``--rerun full`` another full run.

A person is satisfied when they are in a proposal every member accepted (confirmed: its items
stay reserved, so later runs do not use them).
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_DB_DIR: tempfile.TemporaryDirectory | None = None

# Five groups of kinds_ru.txt are not categories of permanent exchange in the v6 catalog; a
# person posting such an item picks the nearest one (phones: the v6 legacy mapping of
# "electronics"; instruments and VR: the one with "звукозаписывающая техника"; gyroscooters:
# "Электротранспорт"). Keys: "group/kind" first, then the group.
PRODUCT_CATEGORY = {
    "bicycles/gyroscooter": "electric_vehicles",
    "bicycles": "personal_transport",
    "electric_transport": "electric_vehicles",
    "phones": "photo_equipment",
    "board_games": "lighting_equipment",
    "sports_equipment": "health_devices",
}


def product_category(kind: str) -> str:
    """The v6 category a person files a thing of this kind ("group/kind") in."""
    group = kind.split("/")[0]
    return PRODUCT_CATEGORY.get(kind, PRODUCT_CATEGORY.get(group, group))


def setup() -> None:
    """Django on a fresh SQLite file in a temporary directory (removed at exit)."""
    global _DB_DIR
    if _DB_DIR is not None:
        return
    shm = Path("/dev/shm")
    _DB_DIR = tempfile.TemporaryDirectory(
        prefix="fm-acceptance-", dir=shm if shm.is_dir() else None
    )
    os.environ["DATABASE_URL"] = f"sqlite:///{_DB_DIR.name}/db.sqlite3"
    os.environ.pop("REDIS_URL", None)  # tasks inline, in-process cache
    os.environ["MATCH_AUTO_RUN"] = "0"  # only the benchmark starts runs
    os.environ["MATCH_RUN_IN_THREAD"] = "0"
    os.environ["DEMO_DATA"] = "0"
    # a throw-away database needs a throw-away key (with DATABASE_URL set and DEBUG off the
    # settings refuse to start without one)
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())
    logging.disable(logging.INFO)  # the inline tasks' chatter


def reset() -> None:
    """Empty the database between markets (the catalog is loaded again)."""
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())
    cache.clear()


@dataclass
class ProductRounds:
    proposed: int = 0
    correct: int = 0
    satisfied: list[int] = field(default_factory=list)
    expected_first: float = 0.0
    completed_first: int = 0
    declines: int = 0
    runs: list[str] = field(default_factory=list)  # status of each round's run
    uncategorised: int = 0  # items posted without a category
    guessed: int = 0  # ... of which the product filed in a category
    guessed_right: int = 0  # ... in the true one
    cooled: int = 0  # (offer, want) pairs in cooling-off after the rounds
    cooled_wanted: int = 0  # ... of which the want's owner truly wanted the offer
    misfiled: dict[str, int] = field(default_factory=dict)  # "kind -> category": count
    as_seeded: object = None  # the market as the product's snapshot reads it, before round 1
    seed_seconds: float = 0.0
    seconds: float = 0.0  # the rounds (runs + answers)


def seed(scenario, out: ProductRounds) -> dict[int, int]:
    """Users and listings through the product's services; returns listing item pk -> bench id."""
    from apps.accounts.models import User
    from apps.accounts.services import user_create
    from apps.exchange.models import ItemType
    from apps.exchange.services import ItemDraft, listing_create
    from matching import WANT

    started = time.monotonic()
    by_user: dict[int, list] = {}
    for it in scenario.market.items:
        by_user.setdefault(it.user_id, []).append(it)
    bench_of: dict[int, int] = {}
    for uid, info in scenario.market.users.items():
        user = user_create(username=f"bench{uid}", city=sorted(info.locations)[0])
        # the giver's reliability as in the engine-only runs (the product derives it from
        # completed exchanges and ratings; a fresh database has none)
        User.objects.filter(pk=user.pk).update(trust_score=info.trust)
        items = by_user.get(uid, [])
        drafts = [
            ItemDraft(
                item_type=ItemType.WANT if it.kind == WANT else ItemType.OFFER,
                exchange_type=it.exchange_type,
                item_name=it.name,
                value_tenge=it.value,
                category=product_category(scenario.kind_of[it.id]) if it.category else None,
            )
            for it in items
        ]
        _, rows = listing_create(user=user, drafts=drafts)
        for it, row in zip(items, rows, strict=True):
            bench_of[row.pk] = it.id
            if it.category is None:
                out.uncategorised += 1
                if row.category_id is not None:
                    out.guessed += 1
                    true_category = product_category(scenario.kind_of[it.id])
                    if row.category.slug == true_category:
                        out.guessed_right += 1
                    else:
                        key = f"{scenario.kind_of[it.id]} -> {row.category.slug}"
                        out.misfiled[key] = out.misfiled.get(key, 0) + 1
    out.seed_seconds = time.monotonic() - started
    return bench_of


def _answer_all(run, scenario, bench_of: dict[int, int], rng, out: ProductRounds) -> tuple:
    """Every participant of the run's proposals answers by their true preference.

    Returns (wants in proposals every member accepted, expected completions)."""
    from apps.accounts.models import User
    from apps.common.errors import InvalidState
    from apps.exchange.models import Proposal, ProposalStatus
    from apps.exchange.proposals import proposal_accept, proposal_decline

    kind_of = scenario.kind_of
    pks = list(
        Proposal.objects.filter(matching_run=run, status=ProposalStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    completed = 0
    expected = 0.0
    users = {u.pk: u for u in User.objects.all()}
    for pk in pks:
        proposal = Proposal.objects.get(pk=pk)
        legs = list(proposal.legs.all())
        happy: dict[int, bool] = {}
        chance = 1.0
        for leg in legs:
            yes = kind_of[bench_of[leg.offer_id]] == kind_of[bench_of[leg.want_id]]
            out.proposed += 1
            out.correct += yes
            happy[leg.receiver_id] = happy.get(leg.receiver_id, True) and yes
            chance *= leg.probability if leg.probability is not None else 1.0
        expected += len(legs) * chance
        people = [users[uid] for uid in proposal.participants.values_list("user_id", flat=True)]
        for i in rng.permutation(len(people)):
            user = people[int(i)]
            try:
                if happy.get(user.pk, True):
                    proposal = proposal_accept(proposal=proposal, user=user)
                else:
                    proposal = proposal_decline(proposal=proposal, user=user, reason="не то")
                    out.declines += 1
            except InvalidState:  # someone declined first: the proposal is closed
                break
        if proposal.status == ProposalStatus.CONFIRMED:
            completed += len(legs)
    return completed, expected


def satisfied_now() -> int:
    from apps.exchange.models import ProposalLeg, ProposalStatus

    return (
        ProposalLeg.objects.filter(proposal__status=ProposalStatus.CONFIRMED)
        .values("want_id")
        .distinct()
        .count()
    )


def as_seeded(scenario, bench_of: dict[int, int]):
    """The seeded market as the product's snapshot reads it (categories as filed), in the
    benchmark's terms, so the engine-only rounds can be played on exactly that market."""
    from apps.exchange import adapter
    from benchmarks.acceptance import Scenario

    market = adapter.snapshot().market
    kind_of = {it.id: scenario.kind_of[bench_of[it.id]] for it in market.items}
    return Scenario(market, kind_of)


def run_rounds(scenario, *, rounds: int = 3, rerun: str = "rematch", seed_: int = 1):
    """Seed the market into the (emptied) database and play ``rounds`` rounds through it."""
    from apps.exchange.matching_runs import matching_run
    from apps.exchange.rematch import rematch_run

    out = ProductRounds()
    bench_of = seed(scenario, out)
    out.as_seeded = as_seeded(scenario, bench_of)
    rng = np.random.default_rng(seed_)
    started = time.monotonic()
    for r in range(rounds):
        if r == 0 or rerun == "full":
            run = matching_run(trigger="benchmark")
        else:
            run = rematch_run(trigger="benchmark")
        out.runs.append(run.status if run is not None else "nothing to re-match")
        if run is not None:
            completed, expected = _answer_all(run, scenario, bench_of, rng, out)
            if r == 0:
                out.expected_first = expected
                out.completed_first = completed
        out.satisfied.append(satisfied_now())
    from apps.exchange.models import DeclinedPair

    for offer_id, want_id in DeclinedPair.objects.values_list("offer_id", "want_id"):
        out.cooled += 1
        out.cooled_wanted += (
            scenario.kind_of[bench_of[offer_id]] == scenario.kind_of[bench_of[want_id]]
        )
    out.seconds = time.monotonic() - started
    return out
