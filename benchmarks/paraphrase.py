"""Item texts as people write them: the phrases of ``benchmarks/data/kinds_ru.txt`` with
inflections, transliteration, typos and filler words (seeded, deterministic).

Shared by the acceptance benchmark and the script that builds the labelled relevance pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pymorphy3

KINDS = Path(__file__).resolve().parent / "data" / "kinds_ru.txt"

_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p")
        + ("r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "_", "y", "_", "e", "yu", "ya"),
        strict=True,
    )
)
WRAPPERS = (
    "{}",
    "{}",
    "{}",
    "Отдам {}",
    "Ищу {}",
    "{}, в хорошем состоянии",
    "{} почти новый",
    "Нужен {}",
    "{} б/у",
    "Меняю {}",
)


@dataclass(frozen=True)
class Kind:
    category: str
    name: str
    phrases: tuple[str, ...]


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    """Every kind of ``kinds_ru.txt`` in file order."""
    out = []
    for line in KINDS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, name, phrases = (part.strip() for part in line.split("|"))
        out.append(Kind(category, name, tuple(p.strip() for p in phrases.split(";"))))
    return tuple(out)


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def to_latin(word: str) -> str:
    """Transliterate a Cyrillic word the way people type it ("велосипед" -> "velosiped")."""
    return "".join(_LATIN.get(ch, ch) for ch in word.lower()).replace("_", "")


def inflect(word: str, rng: np.random.Generator) -> str:
    """The word in another case or number (genitive, plural, instrumental), when it is a noun."""
    parse = _morph().parse(word)[0]
    if parse.tag.POS != "NOUN":
        return word
    grammemes = [{"gent"}, {"plur"}, {"ablt"}, {"accs"}][int(rng.integers(4))]
    form = parse.inflect(grammemes)
    if form is None:
        return word
    out = form.word
    return out.capitalize() if word[:1].isupper() else out


def typo(word: str, rng: np.random.Generator) -> str:
    """One slip of the finger in a long word: two letters swapped, one dropped or doubled."""
    if len(word) < 6:
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = int(rng.integers(3))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def write(phrase: str, rng: np.random.Generator, noise: float = 0.5) -> str:
    """A phrase as someone writes it: maybe inflected, transliterated or mistyped, wrapped."""
    words = phrase.split()
    if words and rng.random() < noise:
        j = int(rng.integers(len(words)))
        roll = rng.random()
        if roll < 0.45:
            words[j] = inflect(words[j], rng)
        elif roll < 0.7:
            if not words[j].isascii():
                words[j] = to_latin(words[j])
        else:
            words[j] = typo(words[j], rng)
    text = " ".join(words)
    wrapper = WRAPPERS[int(rng.integers(len(WRAPPERS)))]
    return wrapper.format(text)
