"""Why a proposed leg fits, in plain Russian, for the proposal page and notifications.

Built from the rows themselves (the two items, the two people, the want list marks), not from
the engine's scoring jargon: the words the offer and the want share, the two values, the shared
city, whether the receiver said "anything of this category" or marked the offer as suitable,
and who the giver is ("Новый участник" instead of a 0 % trust figure). The chance that the
whole proposal completes is the product of the legs' acceptance probabilities when the engine
gave them at write time (`ProposalLeg.probability`), and absent otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from apps.accounts.models import UserLocation
from apps.exchange.models import ListingItem, ProposalLeg, WantMark
from matching.rules import keywords
from matching.text import lemmas

MAX_WORDS = 4
_WORD_RE = re.compile(r"[a-zа-яё0-9]+")


@dataclass(frozen=True)
class LegWhy:
    """The lines explaining one leg, from the receiver's point of view."""

    leg_id: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "; ".join(self.lines)


def _money(value: int | float) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0") + "\u00a0₸"


def _value_line(offer: ListingItem, want: ListingItem) -> str:
    if offer.exchange_type == "TEMPORARY":
        days = max(offer.duration_days or 1, 1)
        wanted_days = max(want.duration_days or 1, 1)
        return (
            f"стоимость сопоставима: {_money(offer.value_tenge / days)} в день "
            f"(искали около {_money(want.value_tenge / wanted_days)}), на {days} дн."
        )
    if offer.value_tenge == want.value_tenge:
        return f"стоимость та же: {_money(offer.value_tenge)}"
    return (
        f"стоимость сопоставима: {_money(offer.value_tenge)} "
        f"(искали около {_money(want.value_tenge)})"
    )


def _shared_words(offer: ListingItem, want: ListingItem) -> str:
    """The offer's own words (as written) that the want also has in some form, quoted."""
    common = keywords(offer.item_name, offer.description) & keywords(
        want.item_name, want.description
    )
    shown: dict[str, None] = {}
    for word in _WORD_RE.findall(f"{offer.item_name} {offer.description}".lower()):
        if word.isalpha() and len(word) > 2 and set(lemmas(word)) & common:
            shown.setdefault(word, None)
    return ", ".join(f"«{w}»" for w in list(shown)[:MAX_WORDS])


def _what_line(leg: ProposalLeg, marked: bool) -> str | None:
    offer, want = leg.offer, leg.want
    if marked:
        return f"отмечено как подходящее для «{want.item_name}» в списке вариантов"
    if want.any_in_category and want.category:
        return f"для «{want.item_name}» подходит что угодно из категории «{want.category.name}»"
    words = _shared_words(offer, want)
    if words:
        return f"совпадает с «{want.item_name}» (общие слова: {words})"
    if offer.category_id and offer.category_id == want.category_id:
        return f"та же категория, что у «{want.item_name}»: «{offer.category.name}»"
    return None


def _giver_line(leg: ProposalLeg) -> str:
    giver = leg.giver
    if not giver.exchange_count and not giver.rating_count:
        return f"{giver.username} — новый участник"
    line = f"у {giver.username} завершённых обменов: {giver.exchange_count}"
    if giver.rating_count:
        line += f", средняя оценка {giver.rating_avg:.1f} из 5"
    return line


def _cities(user_ids: Iterable[int]) -> dict[int, set[str]]:
    cities: dict[int, set[str]] = {uid: set() for uid in user_ids}
    for uid, city in UserLocation.objects.filter(user_id__in=list(cities)).values_list(
        "user_id", "city"
    ):
        cities[uid].add(city)
    return cities


def legs_why(legs: list[ProposalLeg]) -> dict[int, LegWhy]:
    """Explanations of legs (loaded with giver, receiver, offer and want), by leg id."""
    cities = _cities({leg.giver_id for leg in legs} | {leg.receiver_id for leg in legs})
    marked = set(
        WantMark.objects.filter(
            want_id__in=[leg.want_id for leg in legs], verdict=WantMark.Verdict.YES
        ).values_list("offer_id", "want_id")
    )
    out = {}
    for leg in legs:
        lines = []
        what = _what_line(leg, (leg.offer_id, leg.want_id) in marked)
        if what:
            lines.append(what)
        lines.append(_value_line(leg.offer, leg.want))
        giver_cities = cities.get(leg.giver_id) or {leg.giver.city} - {""}
        receiver_cities = cities.get(leg.receiver_id) or {leg.receiver.city} - {""}
        shared = sorted(giver_cities & receiver_cities)
        if shared:
            lines.append(f"оба в городе {', '.join(shared)}")
        lines.append(_giver_line(leg))
        out[leg.pk] = LegWhy(leg_id=leg.pk, lines=tuple(lines))
    return out


def completion_chance(legs: Iterable[ProposalLeg]) -> float | None:
    """The chance that everyone accepts: the product of the legs' probabilities, or None when
    any leg has none (no number is invented)."""
    values = [leg.probability for leg in legs]
    if not values or any(v is None for v in values):
        return None
    return round(math.prod(values), 4)


def chance_line(chance: float | None) -> str | None:
    if chance is None:
        return None
    return f"Вероятность, что обмен состоится: около {round(chance * 100)}%"


def explain_rows(rows: list[tuple[int, str, dict]]) -> list[tuple[int, str, dict]]:
    """Add to "a proposal was found" notifications why the user's incoming item fits
    (`why`: lines, and a sentence after the contract's `message`) and `completion_chance`
    (null when the engine gave no probabilities). Three queries for any number of rows."""
    ids = {payload["proposal_id"] for _uid, _type, payload in rows}
    legs = list(
        ProposalLeg.objects.filter(proposal_id__in=ids).select_related(
            "giver", "receiver", "offer__category", "want__category"
        )
    )
    why = legs_why(legs)
    incoming = {(leg.proposal_id, leg.receiver_id): leg for leg in legs}
    by_proposal: dict[int, list[ProposalLeg]] = {}
    for leg in legs:
        by_proposal.setdefault(leg.proposal_id, []).append(leg)
    out = []
    for uid, type_, payload in rows:
        leg = incoming.get((payload["proposal_id"], uid))
        if leg is None:
            out.append((uid, type_, payload))
            continue
        lines = why[leg.pk].lines
        chance = completion_chance(by_proposal[leg.proposal_id])
        message = f"{payload['message']} Вы получите «{leg.offer.item_name}»: {'; '.join(lines)}."
        if chance is not None:
            message += f" {chance_line(chance)}."
        extra = {"message": message, "why": list(lines), "completion_chance": chance}
        out.append((uid, type_, payload | extra))
    return out
