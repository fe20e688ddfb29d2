"""Seeded, realistic synthetic markets for the engine benchmark.

- categories: the v6 slugs, popularity Zipf-like (weight 1 / rank^1.1, ranks shuffled by seed);
  3 % of items have no category;
- cities: Алматы 50 %, Астана 33 %, Шымкент 17 %; 5 % of users list two cities;
- values: log-normal around a per-category median (5 000 .. 300 000 tenge), sigma 0.7;
- users: 1..6 offers and 1..6 wants (mostly one or two);
- 15 % of items are TEMPORARY with durations of 1..30 days and values = daily rate x days;
- names: a noun of the category plus optional adjective and brand, so text similarity matters.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from matching.types import OFFER, PERMANENT, TEMPORARY, WANT, Item, Market, UserInfo

CITIES = ("Алматы", "Астана", "Шымкент")
CITY_WEIGHTS = (0.50, 0.33, 0.17)
DURATIONS = (1, 3, 7, 14, 30)
ADJECTIVES = ("новый", "б/у", "компактный", "большой", "отличный", "детский", "профессиональный")
BRANDS = ("Samsung", "Bosch", "Xiaomi", "Sony", "Lego", "Stels", "Makita", "Philips", "")
_DATA = Path(__file__).resolve().parent.parent / "matching" / "data" / "categories_v6.json"


def _categories() -> dict[str, list[tuple[str, list[str]]]]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for kind, exchange_type in (("permanent", PERMANENT), ("temporary", TEMPORARY)):
        cats = []
        for cat in data["categories"][kind]:
            words = [w.strip("(),.«»") for w in cat["name"].split()]
            nouns = [w.lower() for w in words if len(w) >= 5] or [cat["slug"]]
            cats.append((cat["slug"], nouns))
        out[exchange_type] = cats
    return out


def generate_market(n_users: int, seed: int = 0, any_in_category: bool = True) -> Market:
    """A market of ``n_users`` users; the same (n_users, seed) always gives the same market.

    Its names are a category noun plus optional words, so inside a category different nouns
    ("велосипеды" / "самокаты") are different kinds. With ``any_in_category`` (the default,
    the market every engine figure before issue 14 was measured on) every categorised want
    takes anything of its category at the right value, so the graph is the one of the
    category + value rule; ``False`` puts the text-relevance rule on every want.
    """
    rng = np.random.default_rng(seed)
    cats = _categories()
    popularity = {}
    medians = {}
    for exchange_type, group in cats.items():
        ranks = rng.permutation(len(group)) + 1
        weights = 1.0 / ranks**1.1
        popularity[exchange_type] = weights / weights.sum()
        medians[exchange_type] = np.exp(rng.uniform(np.log(5_000), np.log(300_000), len(group)))
    users: dict[int, UserInfo] = {}
    items: list[Item] = []
    home = rng.choice(len(CITIES), size=n_users, p=CITY_WEIGHTS)
    second = rng.random(n_users) < 0.05
    other = rng.integers(0, len(CITIES), size=n_users)
    trust = np.round(rng.beta(2, 2, size=n_users), 2)
    n_offers = np.minimum(rng.geometric(0.6, size=n_users), 6)
    n_wants = np.minimum(rng.geometric(0.6, size=n_users), 6)
    item_id = 1
    for u in range(n_users):
        uid = u + 1
        locations = {CITIES[home[u]]}
        if second[u]:
            locations.add(CITIES[other[u]])
        users[uid] = UserInfo(uid, frozenset(locations), float(trust[u]))
        for kind, count in ((OFFER, n_offers[u]), (WANT, n_wants[u])):
            for _ in range(int(count)):
                exchange_type = TEMPORARY if rng.random() < 0.15 else PERMANENT
                group = cats[exchange_type]
                c = int(rng.choice(len(group), p=popularity[exchange_type]))
                slug, nouns = group[c]
                noun = nouns[int(rng.integers(len(nouns)))]
                parts = [noun]
                if rng.random() < 0.5:
                    parts.insert(0, ADJECTIVES[int(rng.integers(len(ADJECTIVES)))])
                brand = BRANDS[int(rng.integers(len(BRANDS)))]
                if brand and rng.random() < 0.4:
                    parts.append(brand)
                value = float(rng.lognormal(np.log(medians[exchange_type][c]), 0.7))
                duration = None
                if exchange_type == TEMPORARY:
                    duration = DURATIONS[int(rng.integers(len(DURATIONS)))]
                    value = value / 30 * duration
                items.append(
                    Item(
                        id=item_id,
                        user_id=uid,
                        kind=kind,
                        exchange_type=exchange_type,
                        category=None if rng.random() < 0.03 else slug,
                        name=" ".join(parts).capitalize(),
                        value=int(round(value, -2)) or 100,
                        duration_days=duration,
                        any_in_category=any_in_category and kind == WANT,
                    )
                )
                item_id += 1
    return Market(users=users, items=items)
