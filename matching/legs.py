"""Vectorised text relevance and acceptance probabilities of candidate legs.

``Texts`` mirrors ``rules.compatible``'s relevance rule over arrays: every item's head kind
and hypernyms become integer ids, so "same kind" and "hypernym" are numpy comparisons, and the
want's details found among the offer's tokens are row sums of sparse products, once per
distinct pair of texts. ``leg_probabilities`` is ``rules.leg_probability`` over arrays.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from matching.relevance import DETAIL_WEIGHT, KIND_WEIGHT, Profile, profile
from matching.rules import (
    P_ACCEPTED,
    P_ANY_IN_CATEGORY,
    P_MAX,
    P_MIN,
    PROBABILITY_BY_RELEVANCE,
)
from matching.types import OFFER, WANT, Market, MatchConfig

_EPS = 1e-9


class Texts:
    """Relevance profiles of a market's items as arrays (``rules.compatible`` mirrored).

    ``prof[i]`` indexes ``profiles`` (a want's name, or an offer's name and description: one
    profile per distinct text); ``head[j]`` is the id of profile j's head kind (-1: none) and
    ``anc[j]`` its hypernyms' ids (-1 padded). Pairs of items are reduced to their distinct
    pairs of profiles first, so the work grows with the vocabulary, not with the legs.
    """

    def __init__(self, market: Market) -> None:
        ids: dict[str, int] = {}
        index: dict[tuple[bool, str, str], int] = {}
        self.profiles: list[Profile] = []
        prof = []
        for item in market.items:
            is_want = item.kind == WANT
            key = (is_want, item.name, "" if is_want else item.description)
            j = index.get(key)
            if j is None:
                j = index[key] = len(self.profiles)
                self.profiles.append(profile(*key[1:]) if not is_want else profile(item.name))
            prof.append(j)
        self.prof = np.array(prof, dtype=np.int64)
        self.head = np.array(
            [ids.setdefault(p.head, len(ids)) if p.head else -1 for p in self.profiles],
            dtype=np.int64,
        )
        width = max((len(p.ancestors) for p in self.profiles), default=0) or 1
        self.anc = np.full((len(self.profiles), width), -1, dtype=np.int64)
        for j, p in enumerate(self.profiles):
            for k, name in enumerate(p.ancestors):
                self.anc[j, k] = ids.setdefault(name, len(ids))
        self._details: csr_matrix | None = None
        self._tokens: csr_matrix | None = None
        self._sizes = np.zeros(0)

    def _pairs(self, w: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct (want profile, offer profile) pairs of items ``w``, ``o`` and the inverse."""
        base = max(len(self.profiles), 1)
        uniq, inverse = np.unique(self.prof[w] * base + self.prof[o], return_inverse=True)
        return uniq // base, uniq % base, inverse

    def _kind(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``relevance.kind_match`` of want profiles ``a`` and offer profiles ``b``."""
        ha, hb = self.head[a], self.head[b]
        known = (ha >= 0) & (hb >= 0)
        same = known & (ha == hb)
        hyper = (
            known
            & ~same
            & ((self.anc[b] == ha[:, None]).any(axis=1) | (self.anc[a] == hb[:, None]).any(axis=1))
        )
        return np.where(same, 1.0, np.where(hyper, 0.8, 0.0))

    def _exact(self, a: np.ndarray, b: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """``relevance.profile_relevance`` of profile pairs: the want's details found among the
        offer's tokens are row sums of the elementwise product of two sparse rows."""
        if self._details is None:
            vocab: dict[str, int] = {}
            self._details = _token_matrix([p.details for p in self.profiles], vocab)
            self._tokens = _token_matrix([p.tokens for p in self.profiles], vocab)
            self._sizes = np.array([len(p.details) for p in self.profiles], dtype=np.float64)
            shape = (len(self.profiles), max(len(vocab), 1))
            self._details.resize(shape)
            self._tokens.resize(shape)
        common = np.asarray(self._details[a].multiply(self._tokens[b]).sum(axis=1)).ravel()
        size = self._sizes[a]
        with np.errstate(divide="ignore", invalid="ignore"):
            detail = np.where(size > 0, common / np.where(size > 0, size, 1), 1.0)
        # a want without details gets no evidence from an offer of a more general kind
        generic = (self.anc[a] == self.head[b][:, None]).any(axis=1) & (self.head[b] >= 0)
        detail = np.where(generic & (size == 0), 0.0, detail)
        rel = np.round(KIND_WEIGHT * kind + DETAIL_WEIGHT * detail, 4)
        return np.where(kind > 0, rel, 0.0)

    def passes(self, w: np.ndarray, o: np.ndarray, threshold: float) -> np.ndarray:
        """Relevance >= ``threshold`` for want items ``w`` and offer items ``o``: decided by
        the kind alone unless the details matter."""
        a, b, inverse = self._pairs(w, o)
        kind = self._kind(a, b)
        low = np.round(KIND_WEIGHT * kind, 4)
        high = np.round(KIND_WEIGHT * kind + DETAIL_WEIGHT, 4)
        ok = low >= threshold - _EPS
        open_ = ~ok & (kind > 0) & (high >= threshold - _EPS)
        if open_.any():
            ok[open_] = self._exact(a[open_], b[open_], kind[open_]) >= threshold - _EPS
        return ok[inverse]

    def values(self, w: np.ndarray, o: np.ndarray) -> np.ndarray:
        """Exact relevance of every pair of want items ``w`` and offer items ``o``."""
        a, b, inverse = self._pairs(w, o)
        kind = self._kind(a, b)
        out = np.zeros(len(a))
        some = kind > 0
        if some.any():
            out[some] = self._exact(a[some], b[some], kind[some])
        return out[inverse]


def _token_matrix(sets: list[frozenset[str]], vocab: dict[str, int]) -> csr_matrix:
    """0/1 matrix of token sets (rows) over ``vocab`` (columns, grown as tokens are met)."""
    cols = [vocab.setdefault(t, len(vocab)) for kw in sets for t in sorted(kw)]
    indptr = np.cumsum([0] + [len(kw) for kw in sets])
    data = np.ones(len(cols), dtype=np.float64)
    return csr_matrix(
        (data, np.array(cols, np.int64), indptr), shape=(len(sets), max(len(vocab), 1))
    )


def pair_keys(pairs: frozenset[tuple[int, int]], market: Market) -> np.ndarray:
    """(offer_id, want_id) pairs as sorted keys ``offer index * items + want index``."""
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    index = {(it.id, it.kind): i for i, it in enumerate(market.items)}
    n = len(market.items)
    keys = set()
    for offer_id, want_id in pairs:
        o, w = index.get((offer_id, OFFER)), index.get((want_id, WANT))
        if o is not None and w is not None:
            keys.add(o * n + w)
    return np.array(sorted(keys), dtype=np.int64)


def user_pair_keys(market: Market) -> np.ndarray:
    """``market.blocked_users`` as sorted keys ``min * base + max`` of the two user ids."""
    if not market.blocked_users:
        return np.zeros(0, dtype=np.int64)
    base = max(market.users, default=0) + 1
    return np.array(
        sorted({min(a, b) * base + max(a, b) for a, b in market.blocked_users}), dtype=np.int64
    )


def leg_probabilities(
    market: Market, config: MatchConfig, texts: Texts, want: np.ndarray, offer: np.ndarray
) -> np.ndarray:
    """``rules.leg_probability`` of each candidate leg, vectorised with the same formula."""
    items = market.items
    accepted = np.isin(offer * len(items) + want, pair_keys(market.accepted, market))
    if config.relevance_rule:
        rel = texts.values(want, offer)
        chance = np.full(len(want), PROBABILITY_BY_RELEVANCE[-1][1])
        for at_least, p in reversed(PROBABILITY_BY_RELEVANCE):
            chance = np.where(rel >= at_least - _EPS, p, chance)
        base = np.where(rel >= config.min_relevance - _EPS, chance, P_ANY_IN_CATEGORY)
    else:
        base = np.full(len(want), P_ANY_IN_CATEGORY)
    base = np.where(accepted, P_ACCEPTED, base)
    owner = [market.users.get(it.user_id) for it in items]
    item_rate = np.array([u.accept_rate if u else 0.5 for u in owner], dtype=np.float64)
    item_trust = np.array([u.trust if u else 0.0 for u in owner], dtype=np.float64)
    rate = np.clip(item_rate[want], 0, 1)
    trust = np.clip(item_trust[offer], 0, 1)
    p = base * (0.8 + 0.4 * rate) * (0.95 + 0.05 * trust)
    return np.round(np.clip(p, P_MIN, P_MAX), 6)
