"""Candidate generation: the best compatible offers for every want, without an all-pairs scan.

Offers are indexed by (exchange type, category, city, shard) and sorted by the compared value
(the value, or the daily rate for TEMPORARY), so each want looks only at the value window its
tolerance allows (two bisections) inside the buckets of its own cities and shard (markets
above ``MatchConfig.shard_users`` users are split into shards of users, ``user_shard``; smaller
markets are one shard). Inside a window the
score is computed with numpy using exactly the formulas of ``rules.py``; text similarity is
computed once per pair of distinct keyword sets and gathered. The relevance rule
(``rules.compatible``) is mirrored by ``legs.Texts``: every item's head kind and its hypernyms
become integer ids, so "same kind" and "hypernym" are numpy comparisons; only pairs whose
outcome depends on the want's details are scored in Python, once per distinct pair of texts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from matching.graph import expand_ranges
from matching.legs import Texts, leg_probabilities, pair_keys, user_pair_keys
from matching.rules import effective_value, item_keywords
from matching.types import OFFER, TEMPORARY, WANT, Market, MatchConfig

_EPS = 1e-9


@dataclass(frozen=True)
class Candidates:
    """Scored offer -> want pairs that passed the hard rules (reasons are built later).

    Parallel arrays, sorted by (want, -score, offer); ``offer`` and ``want`` index the
    market's items.
    """

    offer: np.ndarray
    want: np.ndarray
    score: np.ndarray
    per_want: int | None = None  # the candidate count each want was allowed (None: all)
    probability: np.ndarray | None = None  # acceptance probability of each leg

    def __len__(self) -> int:
        return len(self.offer)


@dataclass
class _Bucket:
    value: np.ndarray  # compared value, ascending
    offer: np.ndarray  # item index
    user: np.ndarray  # giver user id
    duration: np.ndarray
    trust: np.ndarray
    cities: np.ndarray  # bit mask of the giver's cities
    kw: np.ndarray  # position of the offer's keyword set in ``kw_sets``
    kw_sets: list[frozenset[str]]


def _city_bits(market: Market) -> dict[str, int]:
    cities = sorted({c for u in market.users.values() for c in u.locations})
    return {c: 1 << (i % 62) for i, c in enumerate(cities)}


def _user_mask(locations: frozenset[str], bits: dict[str, int]) -> int:
    mask = 0
    for city in locations:
        mask |= bits[city]
    return mask


BucketKey = tuple[str, str | None, str, int]  # exchange type, category, city, shard
_MASK64 = (1 << 64) - 1


def shard_count(config: MatchConfig, users: int) -> int:
    """How many shards a market of ``users`` users is split into (1: not split)."""
    if not config.shard_users or users <= config.shard_users:
        return 1
    return -(-users // config.shard_users)


def user_shard(user_id: int, shards: int, seed: int = 0) -> int:
    """The shard of a user: a fixed hash (splitmix64's mixer) of the id and ``seed``.

    It never depends on who else is in the market. A new ``seed`` re-draws every shard (the
    product passes each matching run's id), so users who never shared a shard in one run
    share one in later runs.
    """
    if shards <= 1:
        return 0
    x = (user_id + (seed + 1) * 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (x ^ (x >> 31)) % shards


def _build_buckets(
    market: Market, bits: dict[str, int], shard_of: dict[int, int]
) -> dict[BucketKey, _Bucket]:
    rows: dict[BucketKey, list[int]] = defaultdict(list)
    for idx, item in enumerate(market.items):
        if item.kind != OFFER or not item.active:
            continue
        user = market.users.get(item.user_id)
        if user is None:
            continue
        for city in user.locations:
            rows[(item.exchange_type, item.category, city, shard_of[item.user_id])].append(idx)
    buckets = {}
    for key, idxs in rows.items():
        items = [market.items[i] for i in idxs]
        values = np.array([effective_value(it) for it in items], dtype=np.float64)
        order = np.lexsort((np.array(idxs), values))
        kw_index: dict[frozenset[str], int] = {}
        kw = np.array(
            [kw_index.setdefault(item_keywords(it), len(kw_index)) for it in items], dtype=np.int64
        )
        users = [market.users[it.user_id] for it in items]
        buckets[key] = _Bucket(
            value=values[order],
            offer=np.array(idxs, dtype=np.int64)[order],
            user=np.array([it.user_id for it in items], dtype=np.int64)[order],
            duration=np.array([max(it.duration_days or 1, 1) for it in items], np.int64)[order],
            trust=np.clip(np.array([u.trust for u in users], dtype=np.float64), 0, 1)[order],
            cities=np.array([_user_mask(u.locations, bits) for u in users], np.int64)[order],
            kw=kw[order],
            kw_sets=list(kw_index),
        )
    return buckets


def _keyword_matrix(kw_sets: list[frozenset[str]]) -> csr_matrix:
    """0/1 matrix of interned keyword sets (rows) over their tokens (columns)."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(t, len(vocab)) for kw in kw_sets for t in sorted(kw)]
    indptr = np.cumsum([0] + [len(kw) for kw in kw_sets])
    data = np.ones(len(cols), dtype=np.int32)
    return csr_matrix((data, np.array(cols, np.int64), indptr), shape=(len(kw_sets), len(vocab)))


def _pair_similarity(
    keys: np.ndarray, matrix: csr_matrix, sizes: np.ndarray, base: int
) -> np.ndarray:
    """``text.set_similarity`` for pair keys ``a * base + b`` of interned keyword sets.

    The common tokens of each distinct pair are the row sums of an elementwise product of two
    sparse rows, so no Python loop runs per pair; the arithmetic is ``_bit_similarity``'s.
    """
    uniq, inverse = np.unique(keys, return_inverse=True)
    a, b = uniq // base, uniq % base
    common = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
    return _bit_similarity_counts(common, sizes[a], sizes[b])[inverse]


def generate_candidates(market: Market, config: MatchConfig) -> Candidates:
    """Every want's top ``config.candidates_per_want`` compatible offers, best first.

    Work is done per offer bucket for all the wants that look into it, in vectorised chunks.
    Each want scans at most ``config.scan_per_bucket`` offers of a bucket, those closest to its
    value. Ties are broken by the smaller item index, so the output is deterministic.
    """
    items = market.items
    bits = _city_bits(market)
    kw_index: dict[frozenset[str], int] = {}
    kw_of_item = np.array(
        [kw_index.setdefault(item_keywords(it), len(kw_index)) for it in items], dtype=np.int64
    )
    kw_sets = list(kw_index)
    base = max(len(kw_sets), 1)
    shards = shard_count(config, len(market.users))
    shard_of = {uid: user_shard(uid, shards, config.shard_seed) for uid in market.users}
    buckets = _build_buckets(market, bits, shard_of)
    bucket_kw = {
        key: np.array([kw_index[k] for k in b.kw_sets], np.int64)[b.kw]
        for key, b in buckets.items()
    }
    by_type_city: dict[tuple[str, str, int], list[BucketKey]] = defaultdict(list)
    for key in buckets:
        by_type_city[(key[0], key[2], key[3])].append(key)
    # which wants look into which bucket
    targets: dict[BucketKey, list[int]] = defaultdict(list)
    n_wants = 0  # active wants of known users: the ones that look for candidates
    for w_idx, want in enumerate(items):
        if want.kind != WANT or not want.active:
            continue
        receiver = market.users.get(want.user_id)
        if receiver is None:
            continue
        n_wants += 1
        shard = shard_of[want.user_id]
        for city in receiver.locations:
            if want.category is None:
                keys = by_type_city.get((want.exchange_type, city, shard), [])
            else:
                keys = [
                    (want.exchange_type, want.category, city, shard),
                    (want.exchange_type, None, city, shard),
                ]
            for key in keys:
                if key in buckets:
                    targets[key].append(w_idx)
    blocked_keys = np.array(
        sorted({o * len(items) + w for o, w in _blocked_pairs(market)}),
        dtype=np.int64,
    )
    texts = Texts(market)
    accepted_keys = pair_keys(market.accepted, market)
    user_keys = user_pair_keys(market)
    user_base = max(market.users, default=0) + 1
    w_any_all = np.array([it.kind == WANT and it.any_in_category for it in items], dtype=bool)
    tol = config.value_tolerance
    k = per_want_limit(config, -(-n_wants // shards))
    scan = config.scan_per_bucket or None
    kw_matrix = _keyword_matrix(kw_sets)
    set_size = np.array([len(kw) for kw in kw_sets], dtype=np.int64)
    bits_of: dict[BucketKey, tuple[np.ndarray, ...]] = {}
    parts_w: list[np.ndarray] = []
    parts_o: list[np.ndarray] = []
    parts_s: list[np.ndarray] = []
    for key in sorted(targets, key=lambda x: (x[0], x[1] or "", x[2], x[3])):
        bucket = buckets[key]
        wants = np.array(sorted(set(targets[key])), dtype=np.int64)
        w_items = [items[i] for i in wants.tolist()]
        w_value = np.array([effective_value(it) for it in w_items], dtype=np.float64)
        w_user = np.array([it.user_id for it in w_items], dtype=np.int64)
        w_dur = np.array([max(it.duration_days or 1, 1) for it in w_items], dtype=np.int64)
        w_mask = np.array(
            [_user_mask(market.users[it.user_id].locations, bits) for it in w_items], np.int64
        )
        w_text_only = np.array([it.category is None or key[1] is None for it in w_items])
        vocab = sorted({t for kw in bucket.kw_sets for t in kw})
        if len(vocab) <= 62:
            # exact text similarity by bit masks over the bucket's vocabulary
            bit = {t: 1 << i for i, t in enumerate(vocab)}
            kw_bits = np.array([sum(bit[t] for t in kw) for kw in bucket.kw_sets], np.int64)
            kw_size = np.array([len(kw) for kw in bucket.kw_sets], np.int64)
            w_kws = [kw_sets[kw_of_item[i]] for i in wants.tolist()]
            bits_of[key] = (
                kw_bits[bucket.kw],
                kw_size[bucket.kw],
                np.array([sum(bit.get(t, 0) for t in kw) for kw in w_kws], np.int64),
                np.array([len(kw) for kw in w_kws], np.int64),
            )
        lo = np.searchsorted(bucket.value, w_value - tol * w_value - _EPS, side="left")
        hi = np.searchsorted(bucket.value, w_value + tol * w_value + _EPS, side="right")
        if scan is not None:
            wide = hi - lo > scan
            if wide.any():
                mid = np.searchsorted(bucket.value, w_value[wide])
                new_lo = np.clip(mid - scan // 2, lo[wide], np.maximum(hi[wide] - scan, lo[wide]))
                lo[wide] = new_lo
                hi[wide] = new_lo + scan
        counts = hi - lo
        chunk_start = 0
        cum = np.cumsum(counts)
        while chunk_start < len(wants):
            budget = (cum[chunk_start - 1] if chunk_start else 0) + 2_000_000
            chunk_end = max(int(np.searchsorted(cum, budget, side="right")), chunk_start + 1)
            sel = np.arange(chunk_start, chunk_end)
            chunk_start = chunk_end
            c = counts[sel]
            total = int(c.sum())
            if total == 0:
                continue
            rep = np.repeat(sel, c)
            pos = expand_ranges(lo[sel], c)
            values = bucket.value[pos]
            wv = w_value[rep]
            diff = np.abs(values - wv)
            keep = (diff <= tol * wv + _EPS) & (bucket.user[pos] != w_user[rep])
            if key[0] == TEMPORARY:
                keep &= bucket.duration[pos] >= w_dur[rep]
            if key in bits_of:
                o_bits, o_size, w_bits, w_size = bits_of[key]
                text = _bit_similarity(w_bits[rep], w_size[rep], o_bits[pos], o_size[pos])
            else:
                text = _pair_similarity(
                    kw_of_item[wants[rep]] * base + bucket_kw[key][pos], kw_matrix, set_size, base
                )
            offer_idx = bucket.offer[pos]
            want_idx = wants[rep]
            if len(user_keys):
                a, b = bucket.user[pos], w_user[rep]
                keep &= ~np.isin(np.minimum(a, b) * user_base + np.maximum(a, b), user_keys)
            if len(blocked_keys):
                keep &= ~np.isin(offer_idx * len(items) + want_idx, blocked_keys)
            if config.relevance_rule:
                free = w_any_all[want_idx] & ~w_text_only[rep]
            else:
                free = ~w_text_only[rep] | (text >= config.min_text_similarity - _EPS)
            if len(accepted_keys):
                free |= np.isin(offer_idx * len(items) + want_idx, accepted_keys)
            check = keep & ~free
            if config.relevance_rule and check.any():
                ok = np.zeros(len(keep), dtype=bool)
                ok[check] = texts.passes(want_idx[check], offer_idx[check], config.min_relevance)
                keep &= free | ok
            elif not config.relevance_rule:
                keep &= free
            if not keep.any():
                continue
            denom = tol * wv
            with np.errstate(divide="ignore", invalid="ignore"):
                closeness = np.where(
                    diff <= _EPS, 1.0, np.maximum(0.0, 1.0 - diff / np.where(denom > 0, denom, 1))
                )
            cities = bucket.cities[pos]
            r_mask = w_mask[rep]
            location = np.bitwise_count(cities & r_mask) / np.maximum(
                np.bitwise_count(cities | r_mask), 1
            )
            score = (
                config.weight_value * closeness
                + config.weight_text * text
                + config.weight_location * location
                + config.weight_trust * bucket.trust[pos]
            )
            w_keep, o_keep, s_keep = want_idx[keep], offer_idx[keep], np.round(score[keep], 6)
            w_keep, o_keep, s_keep = _top_k(w_keep, o_keep, s_keep, k)
            parts_w.append(w_keep)
            parts_o.append(o_keep)
            parts_s.append(s_keep)
    if not parts_w:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, np.zeros(0, dtype=np.float64), k, np.zeros(0))
    w_all, o_all, s_all = (np.concatenate(p) for p in (parts_w, parts_o, parts_s))
    # a want can collect the same offer from two of its cities: keep one
    pair = w_all * len(items) + o_all
    _, first = np.unique(pair, return_index=True)
    w_all, o_all, s_all = w_all[first], o_all[first], s_all[first]
    w_all, o_all, s_all = _top_k(w_all, o_all, s_all, k)
    prob = leg_probabilities(market, config, texts, w_all, o_all)
    return Candidates(offer=o_all, want=w_all, score=s_all, per_want=k, probability=prob)


def per_want_limit(config: MatchConfig, wants: int) -> int | None:
    """How many offers each want keeps: ``candidates_per_want``, lowered so that all wants
    together keep at most ``candidate_budget`` (never below ``min_candidates_per_want``).

    ``wants`` is the count per shard (``generate_candidates`` passes wants / shards). The
    benchmark's 10 000-user market keeps 120 per want (~1.1 M legs); its 100 000-user market
    has 7 shards of ~23 700 wants and keeps 120 too; unsharded, its ~165 000 wants would keep
    6 500 000 // 165 000 = 39.
    """
    k = config.candidates_per_want or None
    if k is None or not config.candidate_budget or wants <= 0:
        return k
    return max(min(k, config.candidate_budget // wants), min(config.min_candidates_per_want, k))


def _bit_similarity(
    a_bits: np.ndarray, a_size: np.ndarray, b_bits: np.ndarray, b_size: np.ndarray
) -> np.ndarray:
    """``text.set_similarity`` on bit-mask sets, vectorised with the same arithmetic."""
    return _bit_similarity_counts(np.bitwise_count(a_bits & b_bits), a_size, b_size)


def _bit_similarity_counts(
    common: np.ndarray, a_size: np.ndarray, b_size: np.ndarray
) -> np.ndarray:
    """Mean of overlap coefficient and Dice from counts of common tokens and set sizes."""
    common = common.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = common / np.minimum(a_size, b_size)
        dice = 2 * common / (a_size + b_size)
        sim = (overlap + dice) / 2
    return np.where((common > 0) & (a_size > 0) & (b_size > 0), sim, 0.0)


def _top_k(
    wants: np.ndarray, offers: np.ndarray, scores: np.ndarray, k: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort by (want, -score, offer) and keep each want's first ``k``."""
    if len(wants) and offers.max() < 1 << 20 and wants.max() < 1 << 22:
        rank = np.round((1.0 - scores) * 1_000_000).astype(np.int64)
        order = np.argsort((wants << 41) | (rank << 20) | offers)  # keys are distinct
    else:
        order = np.lexsort((offers, -scores, wants))
    wants, offers, scores = wants[order], offers[order], scores[order]
    if k is not None and len(wants):
        starts = np.flatnonzero(np.r_[True, wants[1:] != wants[:-1]])
        group_start = np.repeat(starts, np.diff(np.r_[starts, len(wants)]))
        keep = np.arange(len(wants)) - group_start < k
        wants, offers, scores = wants[keep], offers[keep], scores[keep]
    return wants, offers, scores


def _blocked_pairs(market: Market) -> list[tuple[int, int]]:
    """``market.blocked`` as (offer index, want index) pairs of ``market.items``."""
    if not market.blocked:
        return []
    index = {(it.id, it.kind): i for i, it in enumerate(market.items)}
    out = []
    for offer_id, want_id in market.blocked:
        o, w = index.get((offer_id, OFFER)), index.get((want_id, WANT))
        if o is not None and w is not None:
            out.append((o, w))
    return out
