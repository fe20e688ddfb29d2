"""Input and output dataclasses of the matching engine (plain data, no behaviour to speak of)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PERMANENT = "PERMANENT"
TEMPORARY = "TEMPORARY"
WANT = "want"
OFFER = "offer"


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A market participant: where they can meet and how much the market trusts them (0..1)."""

    id: int
    locations: frozenset[str]
    trust: float = 0.0
    accept_rate: float = 0.5  # share of past proposals the user accepted (0.5: unknown)


@dataclass(frozen=True, slots=True)
class Item:
    """A want or an offer of one user.

    ``value`` is in tenge (>= 0); ``duration_days`` only matters for TEMPORARY items (a missing
    duration counts as one day). ``any_in_category`` (wants only): the owner takes anything of
    the want's category at the right value, so the text-relevance rule does not apply.
    """

    id: int
    user_id: int
    kind: str  # "want" | "offer"
    exchange_type: str  # "PERMANENT" | "TEMPORARY"
    category: str | None
    name: str
    description: str = ""
    value: int = 0
    duration_days: int | None = None
    active: bool = True
    any_in_category: bool = False  # a want: anything of its category and value will do


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Every tunable of the engine; the defaults are the product's settings.

    ``max_cycle`` of 0 or None means no cap on the number of users in a cycle.
    ``candidates_per_want`` of 0 or None keeps every compatible offer (used by tests);
    ``candidate_budget`` caps the legs kept per shard (the whole market when it is not split):
    when wants x ``candidates_per_want`` would exceed it, every want keeps
    ``candidate_budget // wants`` offers instead, but never fewer than
    ``min_candidates_per_want`` (0 or None: no budget);
    ``scan_per_bucket`` caps how many offers (closest in value) a want scans per bucket.
    ``shard_users``: a market with more users is split into ``ceil(users / shard_users)``
    shards by a hash of the user id and ``shard_seed``; a want looks for offers in its own
    shard only, so every cycle stays inside one shard (0 or None: never split);
    ``shard_seed`` re-draws the shards (the product uses the matching run's id).
    The four ``weight_*`` are the score mix and should add up to 1.
    ``relevance_rule``: an offer must be the kind of thing the want asks for (text relevance at
    least ``min_relevance``, see ``matching/relevance.py``) unless the want is
    ``any_in_category`` or the pair is in ``Market.accepted``; False restores the rule before
    issue 14 (category + value are enough; text only when a category is missing).
    ``failure_aware``: choose the cycles that maximise expected completed exchanges (each leg
    has an acceptance probability) where the component's cycles can be enumerated; False
    maximises satisfied wants only.
    """

    min_cycle: int = 2
    max_cycle: int | None = 10
    value_tolerance: float = 0.30
    min_text_similarity: float = 0.5
    min_relevance: float = 0.65
    relevance_rule: bool = True
    failure_aware: bool = True
    candidates_per_want: int | None = 120
    candidate_budget: int | None = 6_500_000
    min_candidates_per_want: int = 20
    scan_per_bucket: int | None = 1000
    shard_users: int | None = 15_000
    shard_seed: int = 0
    time_limit_s: float = 120.0
    weight_value: float = 0.40
    weight_text: float = 0.30
    weight_location: float = 0.10
    weight_trust: float = 0.20
    exact_cycle_limit: int = 100_000

    @property
    def cap(self) -> int | None:
        """The cycle cap, or None when cycles are uncapped."""
        return self.max_cycle or None


@dataclass(frozen=True, slots=True)
class Market:
    """Everything the engine sees: users, their items and the pairs never to propose again.

    ``blocked`` holds ``(offer_id, want_id)`` pairs (for example declined recently or marked
    "не подходит"); ``accepted`` holds ``(offer_id, want_id)`` pairs the want's owner marked
    "подходит" (they pass the relevance rule and are almost certain to be accepted);
    ``blocked_users`` holds ``(user_id, user_id)`` pairs that never trade with each other, in
    either direction, in any cycle.
    """

    users: Mapping[int, UserInfo]
    items: Sequence[Item]
    blocked: frozenset[tuple[int, int]] = frozenset()
    accepted: frozenset[tuple[int, int]] = frozenset()
    blocked_users: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Reason:
    """One explained rule or score component of a leg, with a Russian message for the UI."""

    code: str
    message_ru: str
    value: float


@dataclass(frozen=True)
class Leg:
    """``giver_id`` hands offer ``offer_id`` to ``receiver_id``, satisfying want ``want_id``."""

    giver_id: int
    receiver_id: int
    offer_id: int
    want_id: int
    score: float
    reasons: tuple[Reason, ...] = ()
    probability: float = 1.0  # chance that the receiver accepts this leg


@dataclass(frozen=True)
class Proposal:
    """A cycle of legs: leg i's receiver is leg i+1's giver, the last leg closes the cycle.

    Build it with ``Proposal.from_legs`` so the rotation is normalised (the leg of the smallest
    giver id comes first) and the same cycle always has the same representation.
    """

    legs: tuple[Leg, ...]
    score: float
    probability: float = 1.0  # chance that every leg is accepted (product of the legs')

    @classmethod
    def from_legs(cls, legs: Sequence[Leg]) -> Proposal:
        """Normalise the rotation of ``legs``, sum their scores, multiply their probabilities."""
        start = min(range(len(legs)), key=lambda i: (legs[i].giver_id, legs[i].offer_id))
        ordered = tuple(legs[start:]) + tuple(legs[:start])
        probability = 1.0
        for leg in ordered:
            probability *= leg.probability
        return cls(
            legs=ordered,
            score=round(sum(leg.score for leg in ordered), 6),
            probability=round(probability, 6),
        )

    @property
    def expected_completions(self) -> float:
        """Expected satisfied wants: the cycle completes only if every leg is accepted."""
        return len(self.legs) * self.probability

    @property
    def users(self) -> tuple[int, ...]:
        """User ids in cycle order, starting at the smallest."""
        return tuple(leg.giver_id for leg in self.legs)

    @property
    def kind(self) -> str:
        """The proposal kind: "bilateral" for two users, "chain" for more."""
        return "bilateral" if len(self.legs) == 2 else "chain"

    @property
    def key(self) -> tuple[tuple[int, int], ...]:
        """Hashable canonical key: the (offer_id, want_id) pairs in normalised cycle order."""
        return tuple((leg.offer_id, leg.want_id) for leg in self.legs)


@dataclass
class SolveStats:
    """How a run went: timings (seconds), graph size, the result and its optimality gap.

    ``bound`` is a proven upper bound on satisfied wants and ``gap`` is
    ``(bound - satisfied_wants) / bound`` (0 when the bound is 0): both for the count
    objective. ``expected_completions`` is the sum over proposals of legs x probability that
    every leg is accepted (the failure-aware objective).
    """

    candidates_s: float = 0.0
    graph_s: float = 0.0
    solve_s: float = 0.0
    total_s: float = 0.0
    items: int = 0
    edges: int = 0
    candidates_per_want: int | None = None
    components: int = 0
    largest_component: int = 0
    satisfied_wants: int = 0
    bound: int = 0
    gap: float = 0.0
    total_score: float = 0.0
    expected_completions: float = 0.0
    proposals_by_length: dict[int, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)

    def finish(self) -> None:
        """Recompute ``gap`` from ``bound`` and ``satisfied_wants``."""
        self.bound = max(self.bound, self.satisfied_wants)
        self.gap = (self.bound - self.satisfied_wants) / self.bound if self.bound else 0.0


@dataclass
class MatchResult:
    """Proposals (sorted by their key) and the run's statistics."""

    proposals: list[Proposal]
    stats: SolveStats
