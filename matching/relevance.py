"""Text relevance of an offer to a want: is the offer the kind of thing the want asks for?

Each text becomes a ``Profile`` once (cached): its **head** (the kind of thing: a concept of the
curated lexicon ``matching/data/lexicon_ru.txt``, or, for words the lexicon does not know, the
first noun itself), the head's hypernyms, the want's **details** (the other content words of
the name: topic words, brands, models; colours, condition and size words are dropped) and every
token of the text (name and description, plus the topic words the lexicon attaches to names
such as "Кормен" -> алгоритм). Words go through ``matching.text.canonical`` (pymorphy3 lemma,
Latin -> Cyrillic, synonym groups); a word pymorphy3 does not know is corrected to the nearest
lexicon word when rapidfuzz rates them alike (typos: "велосепед" -> велосипед).

``relevance(want, offer) = 0.7 * kind + 0.3 * details`` where ``kind`` is 1 for the same head,
``HYPERNYM_KIND`` (0.8) when one head is a hypernym of the other ("книга" / "учебник") and 0
otherwise (siblings such as самокат / велосипед, or unrelated words), and ``details`` is the
share of the want's details found among the offer's tokens (1 when the want has none). The
rule (``rules.compatible``) asks for at least ``MatchConfig.min_relevance``; with the
calibrated 0.65 the same kind always passes and a hypernym pair passes when at least a third
of the want's details are in the offer. See docs/matching.md ("Relevance").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from matching.text import _DROP_POS, _WORD_RE, STOP_WORDS, _analyzer, transliterate

KIND_WEIGHT = 0.7
DETAIL_WEIGHT = 0.3
HYPERNYM_KIND = 0.8
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0..100) above which an unknown word is a typo
FUZZY_MIN_LEN = 4  # shorter unknown words are never corrected

_LEXICON = Path(__file__).with_name("data") / "lexicon_ru.txt"
_LINE = re.compile(r"^([a-z0-9_]+)\s*(?:<\s*([a-z0-9_]+))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class Lexicon:
    """The loaded lexicon: token -> concept, concept parents, implied tokens, word classes."""

    concept_of: dict[str, int]
    bigram_of: dict[tuple[str, str], int]
    names: list[str]
    parent: list[int]
    implies: dict[str, frozenset[str]]
    modifiers: frozenset[str]
    brands: frozenset[str]
    containers: frozenset[str]
    vocabulary: list[str]

    @property
    def vocabulary_set(self) -> frozenset[str]:
        return _vocabulary_set(tuple(self.vocabulary))

    def ancestors(self, concept: int) -> tuple[int, ...]:
        """The concept's hypernyms, nearest first."""
        out = []
        p = self.parent[concept] if 0 <= concept < len(self.parent) else -1
        while p >= 0 and p not in out:
            out.append(p)
            p = self.parent[p]
        return tuple(out)


@lru_cache(maxsize=200_000)
def _plain(word: str) -> str | None:
    """A lowercase word's lemma: Latin transliterated, no synonym folding; None if a stop word.

    Unlike ``text.canonical``, synonyms are not folded: the lexicon decides what is one kind
    (a "учебник" is a kind of "книга", not the same thing).
    """
    word = word.replace("ё", "е")
    if word.isdigit():
        return word
    if word.isascii():
        word = transliterate(word)
    if word in STOP_WORDS:
        return None
    parse = _analyzer().parse(word)[0]
    if parse.tag.POS in _DROP_POS:
        return None
    lemma = parse.normal_form.replace("ё", "е")
    if lemma in STOP_WORDS or (len(lemma) < 2 and not lemma.isdigit()):
        return None
    return lemma


def _surface(word: str) -> str:
    word = word.replace("ё", "е")
    return transliterate(word) if word.isascii() and not word.isdigit() else word


@lru_cache(maxsize=4)
def _vocabulary_set(vocabulary: tuple[str, ...]) -> frozenset[str]:
    return frozenset(vocabulary)


def _tokens_of(word: str) -> list[str]:
    """Tokens a lexicon word registers: its lemma and, when different, its surface form."""
    out = []
    for w in _WORD_RE.findall(word.lower()):
        lemma = _plain(w)
        if lemma is not None:
            out.append(lemma)
    return out


def _forms_of(word: str) -> list[str]:
    forms = _tokens_of(word)
    if len(forms) == 1 and _surface(word.lower()) != forms[0]:
        forms.append(_surface(word.lower()))
    return forms


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Parse ``matching/data/lexicon_ru.txt`` (words canonicalised like item texts)."""
    names: list[str] = []
    parents: list[str | None] = []
    concept_of: dict[str, int] = {}
    bigram_of: dict[tuple[str, str], int] = {}
    implies: dict[str, frozenset[str]] = {}
    bigram_words: set[str] = set()
    classes: dict[str, set[str]] = {"~": set(), "^": set(), "-": set()}
    for raw in _LEXICON.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line[0] in classes:
            for word in line[1:].split():
                classes[line[0]].update(_forms_of(word))
            continue
        if line.startswith("+"):
            word, _, rest = line[1:].partition(":")
            for token in _forms_of(word.strip()):
                implies[token] = frozenset(t for w in rest.split() for t in _tokens_of(w))
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"lexicon line not understood: {raw!r}")
        cid = len(names)
        names.append(match.group(1))
        parents.append(match.group(2))
        for word in match.group(3).split():
            if "_" in word:
                parts = [t for w in word.split("_") for t in _tokens_of(w)]
                if len(parts) == 2:
                    bigram_of.setdefault((parts[0], parts[1]), cid)
                    bigram_words.update(parts)
                continue
            forms = _forms_of(word)
            if _tokens_of(word) and len(_tokens_of(word)) == 1:
                for form in forms:
                    concept_of.setdefault(form, cid)
    index = {name: i for i, name in enumerate(names)}
    parent = [index[p] if p else -1 for p in parents]
    vocabulary = sorted(set(concept_of) | set(implies) | classes["^"] | bigram_words)
    return Lexicon(
        concept_of=concept_of,
        bigram_of=bigram_of,
        names=names,
        parent=parent,
        implies=implies,
        modifiers=frozenset(classes["~"]),
        brands=frozenset(classes["^"]),
        containers=frozenset(classes["-"]),
        vocabulary=vocabulary,
    )


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str, bool, bool] | None:
    """(token, is a noun-like head candidate, came from Latin) of one lowercase word."""
    lex = lexicon()
    surface = _surface(word)
    if surface in lex.concept_of or surface in lex.implies or surface in lex.brands:
        token: str | None = surface
    else:
        token = _plain(word)
    if token is None:
        return None
    latin = word.isascii() and not word.isdigit()
    known = token in lex.concept_of or token in lex.implies or token in lex.brands
    known = known or token in lex.vocabulary_set
    unknown = latin or not _analyzer().word_is_known(word.replace("ё", "е"))
    if not known and not word.isdigit() and len(word) >= FUZZY_MIN_LEN and unknown:
        # the surface form first: pymorphy3's guessed lemma of a typo is often further off
        for guess in (surface, token):
            best = process.extractOne(
                guess, lex.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is not None:
                token = best[0]
                break
    if any(ch.isdigit() for ch in token):
        return token, False, latin
    if unknown and token not in lex.vocabulary_set:
        return token, False, latin  # an unknown word nobody could correct is no head
    pos = _analyzer().parse(word)[0].tag.POS
    noun = pos in {"NOUN", None} or latin
    return token, noun, latin


@dataclass(frozen=True)
class Profile:
    """What relevance needs of one text: the head kind, its hypernyms, details and tokens."""

    head: str  # concept name, "w:<lemma>" (a noun the lexicon does not know), "t:<words>" or ""
    ancestors: tuple[str, ...]
    details: frozenset[str]
    tokens: frozenset[str]


@lru_cache(maxsize=400_000)
def profile(name: str, description: str = "") -> Profile:
    """The relevance profile of an item text (the head comes from the name)."""
    lex = lexicon()
    words: list[tuple[str, bool, bool]] = []
    phrase: list[int] = []  # which stretch between dropped words ("для", "с") a word is in
    stretch = 0
    for raw in _WORD_RE.findall(name.lower()):
        got = _word(raw)
        if got is None:
            stretch += 1
            continue
        words.append(got)
        phrase.append(stretch)
    tokens = [w[0] for w in words]
    head_at, concept = -1, -1
    for i in range(len(tokens) - 1):
        cid = lex.bigram_of.get((tokens[i], tokens[i + 1]))
        if cid is not None:
            head_at, concept = i, cid
            break
    if concept < 0:
        for i, (token, noun, latin) in enumerate(words):
            if token in lex.modifiers or token in lex.containers or token in lex.brands:
                continue
            cid = lex.concept_of.get(token)
            if cid is not None:
                head_at, concept = i, cid
                break
            if noun and not latin and not any(ch.isdigit() for ch in token):
                head_at = i
                # "Взрослый самокат": a kind named later in the same stretch of words wins;
                # "Чехол для iPhone": not across a preposition
                for j in range(i + 1, len(words)):
                    if phrase[j] != phrase[i]:
                        break
                    cid = lex.concept_of.get(tokens[j])
                    if cid is not None and tokens[j] not in lex.brands:
                        head_at, concept = j, cid
                        break
                break
    if concept >= 0:
        head = lex.names[concept]
        ancestors = tuple(lex.names[a] for a in lex.ancestors(concept))
    elif head_at >= 0:
        head, ancestors = f"w:{tokens[head_at]}", ()
    else:
        head, ancestors = "", ()
    skip = lex.modifiers | lex.containers
    details = frozenset(
        t for i, t in enumerate(tokens) if i != head_at and t not in skip and len(t) > 1
    )
    if not head and details:
        # no noun to go by ("Вещь2 предмет", "X-200"): the same content words are the same kind
        head = "t:" + " ".join(sorted(details))
    if (
        concept >= 0
        and head_at + 1 < len(tokens)
        and (tokens[head_at], tokens[head_at + 1]) in (lex.bigram_of)
    ):
        details -= {tokens[head_at + 1]}
    every = set(tokens)
    for w in _WORD_RE.findall(description.lower()):
        got = _word(w)
        if got is not None:
            every.add(got[0])
    for token in list(every):
        every |= lex.implies.get(token, frozenset())
    if head:
        every.add(head)
    return Profile(head=head, ancestors=ancestors, details=details, tokens=frozenset(every))


def kind_match(want: Profile, offer: Profile) -> float:
    """1 for the same kind, ``HYPERNYM_KIND`` when one is the other's hypernym, else 0."""
    if not want.head or not offer.head:
        return 0.0
    if want.head == offer.head:
        return 1.0
    if want.head in offer.ancestors or offer.head in want.ancestors:
        return HYPERNYM_KIND
    return 0.0


def detail_match(want: Profile, offer: Profile) -> float:
    """Share of the want's details among the offer's tokens.

    A want without details: 1, unless the offer names a more general kind than the want asks
    for ("кукла" / "игрушка"), which then is no evidence at all (0).
    """
    if not want.details:
        return 0.0 if offer.head in want.ancestors else 1.0
    return len(want.details & offer.tokens) / len(want.details)


def profile_relevance(want: Profile, offer: Profile) -> float:
    """``KIND_WEIGHT * kind + DETAIL_WEIGHT * details``, rounded to 4 decimals."""
    kind = kind_match(want, offer)
    if kind == 0.0:
        return 0.0
    return round(KIND_WEIGHT * kind + DETAIL_WEIGHT * detail_match(want, offer), 4)


def relevance(want_name: str, offer_name: str, offer_description: str = "") -> float:
    """Relevance (0..1) of an offer's text to a want's name.

    >>> relevance("велик", "Велосипед горный Stels")
    1.0
    >>> relevance("Самокат", "Велосипед")
    0.0
    """
    return profile_relevance(profile(want_name), profile(offer_name, offer_description))
