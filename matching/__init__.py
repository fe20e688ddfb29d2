"""FreeMarket's exchange engine: a pure library (no Django) deciding barter cycles.

Dataclasses in (``Market`` of ``UserInfo`` and ``Item``), dataclasses out (``MatchResult`` of
``Proposal`` of ``Leg`` with ``Reason``). See docs/matching.md for the specification.
"""

from matching.engine import (
    PreparedMarket,
    assemble,
    components,
    find_proposals,
    prepare,
    solve_component,
)
from matching.graph import Component
from matching.rules import compatible
from matching.solver import ComponentSolution
from matching.types import (
    OFFER,
    PERMANENT,
    TEMPORARY,
    WANT,
    Item,
    Leg,
    Market,
    MatchConfig,
    MatchResult,
    Proposal,
    Reason,
    SolveStats,
    UserInfo,
)

__all__ = [
    "OFFER",
    "PERMANENT",
    "TEMPORARY",
    "WANT",
    "Component",
    "ComponentSolution",
    "Item",
    "Leg",
    "Market",
    "MatchConfig",
    "MatchResult",
    "PreparedMarket",
    "Proposal",
    "Reason",
    "SolveStats",
    "UserInfo",
    "assemble",
    "compatible",
    "components",
    "find_proposals",
    "prepare",
    "solve_component",
]
