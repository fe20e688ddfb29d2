"""Suggest a v6 category for an item from its name and description.

Each category has a bag of everyday words (`inference_keywords.KEYWORDS` plus the words of its
own name), lemmatised with pymorphy3. An item's words vote for the categories of its exchange
type, weighted by their role in the name, because people name the kind of thing first:

- the head noun (the first noun not after a preposition) weighs most: in "Аккумулятор для
  ноутбука" the item is a battery, not a laptop; in "Велосипед горный Stels" a bicycle;
- the other words before the first preposition (adjectives, brands) weigh less, the words after
  a preposition ("для ноутбука", "на выходные") less still, the description least;
- a word shared by several categories splits its vote between them; an unknown word is looked
  up as a compound ("фотостудия" -> "студия") and then as a typo (RapidFuzz, ratio >= 85).

Scores are each category's share of the votes (0..1). The top category is `confident` when its
share is at least `CONFIDENT_SHARE` and it leads the second by `CONFIDENT_MARGIN`: only then
may a guess be stored without asking (`apps/exchange/services.py`, the web form).
Accuracy on the committed labelled set: `apps/catalog/tests/test_inference_accuracy.py`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3
from rapidfuzz import fuzz, process

from apps.catalog.inference_keywords import KEYWORDS

CONFIDENT_SHARE = 0.5
CONFIDENT_MARGIN = 0.15

HEAD, BEFORE_PREP, AFTER_HEAD, AFTER_PREP, DESCRIPTION = 3.0, 1.5, 1.0, 0.75, 0.5
LATIN = 1.5  # brands and product names

_WORD_RE = re.compile(r"[a-zа-яё0-9]+")
_SKIP_POS = frozenset({"CONJ", "PRCL", "INTJ", "NPRO", "NUMR"})
_STOP_WORDS = """на в с со к по для из от до за у о об без под при через и или а но не ни это мой
    свой ваш наш отдам обменяю меняю ищу нужен нужна нужно хочу продам куплю новый б у шт"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Suggestion:
    slug: str
    score: float  # the category's share of the votes, 0..1
    confident: bool = False


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=50_000)
def _parse(word: str) -> tuple[tuple[str, ...], str | None]:
    """(lemmas, part of speech) of a lowercase word: the likeliest lemma first, then the other
    readings' lemmas and the word itself ("духи" is "дух" or "духи"). Latin words and numbers
    stay as they are."""
    if word.isascii():
        return (word,), "LATN"
    parses = _morph().parse(word)
    lemmas = [p.normal_form.replace("ё", "е") for p in parses] + [word]
    pos = parses[0].tag.POS
    return tuple(dict.fromkeys(lemmas)), str(pos) if pos else None


def _weighted(text: str, *, description: bool = False) -> dict[tuple[str, ...], float]:
    """Word readings (`_parse`) -> weight in one text (the highest of a repeated word)."""
    out: dict[tuple[str, ...], float] = {}
    head_seen = after_prep = False
    for word in _WORD_RE.findall(text.lower().replace("ё", "е")):
        if word.isdigit():
            continue
        lemmas, pos = _parse(word)
        lemma = lemmas[0]
        if pos == "PREP":
            after_prep = True
            continue
        if pos in _SKIP_POS or word in _STOP or lemma in _STOP or len(lemma) < 2:
            continue
        if description:
            weight = DESCRIPTION
        elif after_prep:
            weight = AFTER_PREP
        elif pos == "LATN":
            weight = LATIN
        elif pos == "NOUN" and not head_seen:
            weight, head_seen = HEAD, True
        else:
            weight = AFTER_HEAD if head_seen else BEFORE_PREP
        out[lemmas] = max(out.get(lemmas, 0.0), weight)
    return out


def _keyword_lemma(word: str) -> tuple[str, str | None]:
    """A keyword is written in its dictionary form: keep it when that is one of its parses
    ("марка" is not the genitive of "марк")."""
    if not word.isascii():
        for parse in _morph().parse(word):
            if parse.normal_form.replace("ё", "е") == word:
                return word, str(parse.tag.POS) if parse.tag.POS else None
    lemmas, pos = _parse(word)
    return lemmas[0], pos


@dataclass
class _Index:
    words: dict[str, dict[str, float]]  # lemma -> {slug: strength}
    vocabulary: list[str]


@lru_cache(maxsize=1)
def _index() -> dict[str, _Index]:
    """exchange type -> index of its categories' words."""
    from apps.catalog.selectors import categories_for_version

    built: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for category in categories_for_version():
        words = [(w, 1.0) for w in _WORD_RE.findall(category.name.lower())]
        for raw in KEYWORDS.get((category.exchange_type, category.slug), "").split():
            strong = raw.startswith("!")
            words.append((raw.lstrip("!"), 2.0 if strong else 1.0))
        for word, strength in words:
            lemma, pos = _keyword_lemma(word.replace("ё", "е"))
            if pos == "PREP" or lemma in _STOP or len(lemma) < 2:
                continue
            slugs = built[category.exchange_type][lemma]
            slugs[category.slug] = max(slugs.get(category.slug, 0.0), strength)
    return {
        kind: _Index(words=dict(words), vocabulary=sorted(words)) for kind, words in built.items()
    }


def _lookup(index: _Index, lemmas: tuple[str, ...]) -> tuple[dict[str, float], float]:
    """Categories of a word and how much to trust the match (1 exact, less for guesses)."""
    for lemma in lemmas:
        found = index.words.get(lemma)
        if found:
            return found, 1.0
    lemma = lemmas[0]
    if len(lemma) >= 7:  # a compound: the longest known tail of at least four letters
        for start in range(2, len(lemma) - 3):
            found = index.words.get(lemma[start:])
            if found:
                return found, 0.8
    if len(lemma) >= 5 and not lemma.isascii():
        match = process.extractOne(lemma, index.vocabulary, scorer=fuzz.ratio, score_cutoff=85)
        if match is not None:
            return index.words[match[0]], 0.7
    return {}, 0.0


def suggest_categories(
    *, exchange_type: str, name: str, description: str = "", limit: int = 3
) -> list[Suggestion]:
    """Up to `limit` categories of that exchange type, best first, with their vote shares."""
    index = _index().get(exchange_type)
    if index is None:
        return []
    votes: dict[str, float] = defaultdict(float)
    texts = ((name, False), (description, True))
    for text, is_description in texts:
        for lemmas, weight in _weighted(text, description=is_description).items():
            slugs, trust = _lookup(index, lemmas)
            for slug, strength in slugs.items():
                votes[slug] += weight * trust * strength / len(slugs)
    total = sum(votes.values())
    if total <= 0:
        return []
    ranked = sorted(votes, key=lambda s: (-votes[s], s))
    shares = [votes[s] / total for s in ranked]
    second = shares[1] if len(shares) > 1 else 0.0
    confident = shares[0] >= CONFIDENT_SHARE and shares[0] - second >= CONFIDENT_MARGIN
    return [
        Suggestion(slug=slug, score=round(share, 3), confident=confident and i == 0)
        for i, (slug, share) in enumerate(zip(ranked[:limit], shares[:limit], strict=False))
    ]


def suggest_category(*, exchange_type: str, name: str, description: str = "") -> Suggestion | None:
    """The most likely category, or None when nothing in the text points to one."""
    found = suggest_categories(
        exchange_type=exchange_type, name=name, description=description, limit=1
    )
    return found[0] if found else None


def reset_cache() -> None:
    _index.cache_clear()
