"""Hard compatibility rules and the score of one offer -> want pair, with Russian reasons.

This module is the single definition of the rules: candidate generation (``candidates.py``)
pre-filters with vectorised arithmetic that mirrors these formulas, then confirms every kept
pair through ``compatible``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from matching.relevance import profile, profile_relevance
from matching.text import lemmas, set_similarity
from matching.types import OFFER, TEMPORARY, WANT, Item, Leg, MatchConfig, Reason, UserInfo

KEYWORDS_PER_ITEM = 16
_EPS = 1e-9


@lru_cache(maxsize=1)
def category_names() -> dict[str, str]:
    """Russian names of the v6 category slugs (from ``matching/data/categories_v6.json``)."""
    path = Path(__file__).with_name("data") / "categories_v6.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c["slug"]: c["name"] for group in data["categories"].values() for c in group}


@lru_cache(maxsize=400_000)
def keywords(name: str, description: str = "") -> frozenset[str]:
    """The first ``KEYWORDS_PER_ITEM`` distinct canonical tokens of the name, then description."""
    seen: dict[str, None] = {}
    for token in lemmas(f"{name} {description}"):
        seen.setdefault(token, None)
        if len(seen) == KEYWORDS_PER_ITEM:
            break
    return frozenset(seen)


def item_keywords(item: Item) -> frozenset[str]:
    """Keywords of an item: see ``keywords``."""
    return keywords(item.name, item.description)


def effective_value(item: Item) -> float:
    """What is compared: the value for PERMANENT items, the daily rate for TEMPORARY ones."""
    if item.exchange_type == TEMPORARY:
        return item.value / max(item.duration_days or 1, 1)
    return float(item.value)


def value_closeness(offered: float, wanted: float, tolerance: float) -> float | None:
    """1.0 for equal values falling linearly to 0.0 at the tolerance edge; None beyond it.

    The difference is relative to the wanted value; two zero values are equal. With a
    tolerance of 0 only equal values pass.
    """
    diff = abs(offered - wanted)
    if diff <= _EPS:
        return 1.0
    if diff > tolerance * wanted + _EPS:
        return None
    return max(0.0, 1.0 - diff / (tolerance * wanted))


def location_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two location sets (1.0 for the same single city)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def combine(config: MatchConfig, value: float, text: float, location: float, trust: float) -> float:
    """The weighted score mix, rounded to 6 decimals (the same rounding everywhere)."""
    raw = (
        config.weight_value * value
        + config.weight_text * text
        + config.weight_location * location
        + config.weight_trust * trust
    )
    return round(raw, 6)


# Acceptance probability of a leg from its relevance (calibrated on the labelled pairs of
# matching/data/relevance_pairs.tsv, docs/matching.md "Acceptance probability"): the share of
# pairs at or above each relevance that the labels call right.
PROBABILITY_BY_RELEVANCE: tuple[tuple[float, float], ...] = ((1.0, 0.97), (0.8, 0.95), (0.0, 0.93))
P_ACCEPTED = 0.98  # the want's owner marked the offer "подходит"
P_ANY_IN_CATEGORY = 0.8  # the want takes anything of its category
P_MIN, P_MAX = 0.01, 0.99


def item_relevance(offer: Item, want: Item) -> float:
    """Relevance of the offer's text (name and description) to the want's name, 0..1."""
    return profile_relevance(profile(want.name), profile(offer.name, offer.description))


def relevance_probability(relevance: float) -> float:
    """The calibrated chance that a want's owner accepts an offer of this relevance."""
    for at_least, chance in PROBABILITY_BY_RELEVANCE:
        if relevance >= at_least - _EPS:
            return chance
    return PROBABILITY_BY_RELEVANCE[-1][1]


def leg_probability(base: float, accept_rate: float, trust: float) -> float:
    """Acceptance probability of a leg: the text's (or mark's) chance, scaled by how often the
    receiver accepts (0.8x for one who never does, 1.2x for one who always does, 1x at the
    unknown 0.5) and by the giver's reliability (0.95x for a newcomer, 1x at full trust)."""
    rate = min(max(accept_rate, 0.0), 1.0)
    reliability = min(max(trust, 0.0), 1.0)
    p = base * (0.8 + 0.4 * rate) * (0.95 + 0.05 * reliability)
    return round(min(max(p, P_MIN), P_MAX), 6)


def _money(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0") + "\u00a0₸"


def compatible(
    offer: Item,
    want: Item,
    giver: UserInfo,
    receiver: UserInfo,
    config: MatchConfig | None = None,
    blocked: frozenset[tuple[int, int]] = frozenset(),
    accepted: frozenset[tuple[int, int]] = frozenset(),
    *,
    blocked_users: frozenset[tuple[int, int]] = frozenset(),
) -> Leg | None:
    """Check every hard rule for ``offer`` satisfying ``want``; return the scored Leg or None.

    Hard rules: an offer and a want of two different users (``giver`` owns the offer,
    ``receiver`` the want), both active, who have not blocked each other (``blocked_users``,
    either order); same exchange type; the same category when both have one; the offer is what
    the want asks for: text relevance (``matching/relevance.py``) of at least
    ``config.min_relevance``, unless the want is ``any_in_category`` (and both items have a
    category) or ``(offer.id, want.id)`` is in ``accepted`` (with ``config.relevance_rule``
    off: text similarity of at least ``config.min_text_similarity`` only when a category is
    missing); a shared location; values (daily rates for TEMPORARY) within
    ``config.value_tolerance`` of the want's; for TEMPORARY the offered duration covers the
    wanted one; the pair not blocked. The leg carries its acceptance ``probability``.
    """
    config = config or MatchConfig()
    if offer.kind != OFFER or want.kind != WANT or not (offer.active and want.active):
        return None
    if offer.user_id != giver.id or want.user_id != receiver.id or giver.id == receiver.id:
        return None
    if offer.exchange_type != want.exchange_type or (offer.id, want.id) in blocked:
        return None
    if blocked_users and (
        (giver.id, receiver.id) in blocked_users or (receiver.id, giver.id) in blocked_users
    ):
        return None
    shared = giver.locations & receiver.locations
    if not shared:
        return None
    reasons: list[Reason] = []
    temporary = offer.exchange_type == TEMPORARY
    if temporary:
        have, need = max(offer.duration_days or 1, 1), max(want.duration_days or 1, 1)
        if have < need:
            return None
        reasons.append(
            Reason("duration", f"Срок {have} дн. покрывает нужные {need} дн.", float(have))
        )
    closeness = value_closeness(
        effective_value(offer), effective_value(want), config.value_tolerance
    )
    if closeness is None:
        return None
    text = set_similarity(item_keywords(offer), item_keywords(want))
    both = offer.category is not None and want.category is not None
    if both and offer.category != want.category:
        return None
    relevance = item_relevance(offer, want)
    is_accepted = (offer.id, want.id) in accepted
    if is_accepted:
        base = P_ACCEPTED
    elif config.relevance_rule and relevance >= config.min_relevance - _EPS:
        base = relevance_probability(relevance)
    elif config.relevance_rule and not (want.any_in_category and both):
        return None  # not what the want asks for
    elif not config.relevance_rule and not both and text < config.min_text_similarity - _EPS:  # noqa: SIM114
        return None
    else:
        base = P_ANY_IN_CATEGORY
    if both:
        name = category_names().get(offer.category, offer.category)
        reasons.insert(0, Reason("category", f"Совпадает категория «{name}»", 1.0))
    else:
        reasons.insert(0, Reason("category", "Без категории: подобрано по сходству описаний", 0.0))
    if is_accepted:
        fit = Reason("relevance", "Получатель отметил это предложение как подходящее", 1.0)
    elif config.relevance_rule and relevance >= config.min_relevance - _EPS:
        fit = Reason("relevance", "Вещь подходит к запросу", relevance)
    else:
        fit = Reason("relevance", "Запрос: подходит всё из этой категории по цене", relevance)
    reasons.insert(1, fit)
    kind_ru = "временный" if temporary else "постоянный"
    reasons.insert(0, Reason("exchange_type", f"Тип обмена совпадает: {kind_ru}", 1.0))
    if temporary:
        message = (
            f"Стоимость в день близка: {_money(effective_value(offer))} и "
            f"{_money(effective_value(want))}"
        )
    else:
        message = f"Стоимость близка: {_money(offer.value)} и {_money(want.value)}"
    reasons.append(Reason("value", message, round(closeness, 4)))
    common = sorted(item_keywords(offer) & item_keywords(want))
    if common:
        words = ", ".join(f"«{w}»" for w in common[:5])
        reasons.append(Reason("text", f"Похожие описания: общие слова {words}", round(text, 4)))
    else:
        reasons.append(Reason("text", "Описания не похожи", 0.0))
    location = location_overlap(giver.locations, receiver.locations)
    cities = ", ".join(sorted(shared))
    reasons.append(Reason("location", f"Общий город: {cities}", round(location, 4)))
    trust = min(max(giver.trust, 0.0), 1.0)
    reasons.append(Reason("trust", f"Доверие к отдающему: {trust:.0%}", round(trust, 4)))
    score = combine(config, closeness, text, location, trust)
    return Leg(
        giver_id=giver.id,
        receiver_id=receiver.id,
        offer_id=offer.id,
        want_id=want.id,
        score=score,
        reasons=tuple(reasons),
        probability=leg_probability(base, receiver.accept_rate, trust),
    )
