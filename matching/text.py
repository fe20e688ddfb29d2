"""Russian-aware text normalisation and similarity for the matching engine.

``lemmas`` turns free text into canonical tokens: lowercase words, Russian lemmas (pymorphy3),
Latin words mapped to Cyrillic (a small brand table, then rule-based transliteration, so
"iphone" and "айфон" give the same token), synonyms folded to one representative
("учебник" -> "книга") and stop words dropped. ``text_similarity`` compares two texts through
those tokens. Every per-word step is cached, so repeated vocabulary costs a dict lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3

__all__ = ["canonical", "lemma_set", "lemmas", "text_similarity", "transliterate"]

_WORD_RE = re.compile(r"[a-zа-яё0-9]+")

# Function words that carry no meaning for matching (after lemmatisation).
_STOP_TEXT = """
    и в во на по с со к ко о об обо от до для за из изо у без при под над про через или а но
    же ли бы не ни то это этот тот как так что чтобы весь всё все свой мой твой наш ваш его
    её их он она оно они я ты мы вы который какой такой очень есть быть нужно нужный надо
    хотеть куплю продам отдам обменяю обмен меняю ищу the a an and or of for to in on with
    """
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

# Grammatical classes dropped regardless of the word (prepositions, conjunctions, particles...).
_DROP_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})

# Latin words whose pronunciation rule-based transliteration would get wrong.
LATIN_TO_CYRILLIC: dict[str, str] = {
    "iphone": "айфон",
    "ipad": "айпад",
    "imac": "аймак",
    "macbook": "макбук",
    "airpods": "эйрподс",
    "apple": "эпл",
    "samsung": "самсунг",
    "xiaomi": "сяоми",
    "huawei": "хуавей",
    "playstation": "плейстейшн",
    "ps": "плейстейшн",
    "xbox": "иксбокс",
    "nintendo": "нинтендо",
    "switch": "свитч",
    "lego": "лего",
    "python": "питон",
    "java": "джава",
    "javascript": "джаваскрипт",
    "laptop": "лэптоп",
    "notebook": "ноутбук",
    "bike": "байк",
    "scooter": "самокат",
    "canon": "кэнон",
    "nikon": "никон",
    "sony": "сони",
    "bosch": "бош",
    "makita": "макита",
    "dewalt": "девольт",
    "gopro": "гопро",
    "kindle": "киндл",
    "nike": "найк",
    "adidas": "адидас",
    "google": "гугл",
    "pixel": "пиксель",
    "dyson": "дайсон",
    "philips": "филипс",
    "english": "английский",
}

# Synonym groups: every word maps to the first word of its group.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("книга", "учебник", "пособие", "литература", "самоучитель", "книжка"),
    ("самокат", "электросамокат"),
    ("велосипед", "велик", "байк", "электровелосипед"),
    ("ноутбук", "лэптоп", "нетбук"),
    ("дрель", "перфоратор", "шуруповёрт", "шуруповерт"),
    ("телефон", "смартфон", "мобильник"),
    ("телевизор", "тв", "телик"),
    ("фотоаппарат", "фотокамера", "камера", "зеркалка"),
    ("приставка", "консоль", "плейстейшн", "иксбокс"),
    ("наушники", "гарнитура", "эйрподс"),
    ("автомобиль", "машина", "авто"),
    ("кроссовки", "кеды"),
    ("куртка", "пуховик", "ветровка"),
    ("коляска", "прогулка"),
    ("палатка", "шатёр", "шатер"),
    ("пылесос", "роботпылесос"),
    ("репетитор", "репетиторство", "урок", "занятие"),
    ("квартира", "жильё", "жилье"),
    ("планшет", "айпад"),
)

_SYNONYM: dict[str, str] = {w: group[0] for group in SYNONYM_GROUPS for w in group}

# Rule-based Latin -> Cyrillic transliteration, longest patterns first.
_TRANSLIT_MULTI: tuple[tuple[str, str], ...] = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("tch", "ч"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ya", "я"),
    ("yu", "ю"),
    ("yo", "ё"),
    ("ye", "е"),
    ("ph", "ф"),
    ("th", "т"),
    ("ck", "к"),
    ("oo", "у"),
    ("ee", "и"),
    ("qu", "кв"),
    ("x", "кс"),
)
_TRANSLIT_SINGLE: dict[str, str] = dict(
    zip("abcdefghijklmnopqrstuvwyz", "абкдефгхийклмнопкрстуввыз", strict=True)
)


@lru_cache(maxsize=1)
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def transliterate(word: str) -> str:
    """Map a lowercase Latin word to Cyrillic: the brand table first, then the rules."""
    known = LATIN_TO_CYRILLIC.get(word)
    if known is not None:
        return known
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, cyr in _TRANSLIT_MULTI:
            if word.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(_TRANSLIT_SINGLE.get(word[i], word[i]))
            i += 1
    return "".join(out)


@lru_cache(maxsize=200_000)
def canonical(word: str) -> str | None:
    """Canonical token of one lowercase word, or None when it is a stop word.

    Digits stay as they are; Latin words are transliterated; Cyrillic words are lemmatised and
    folded through the synonym table.
    """
    if word.isdigit():
        return word
    word = word.replace("ё", "е")
    if word.isascii():
        word = transliterate(word)
    if word in STOP_WORDS:
        return None
    if word in _SYNONYM:
        return _SYNONYM[word]
    parse = _analyzer().parse(word)[0]
    if parse.tag.POS in _DROP_POS:
        return None
    lemma = parse.normal_form.replace("ё", "е")
    if lemma in STOP_WORDS or (len(lemma) < 2 and not lemma.isdigit()):
        return None
    return _SYNONYM.get(lemma, lemma)


def lemmas(text: str) -> list[str]:
    """Canonical tokens of ``text`` in order (duplicates kept, stop words dropped).

    >>> lemmas("Учебник по Python")
    ['книга', 'питон']
    """
    out: list[str] = []
    for word in _WORD_RE.findall(text.lower()):
        token = canonical(word)
        if token is not None:
            out.append(token)
    return out


@lru_cache(maxsize=200_000)
def lemma_set(text: str) -> frozenset[str]:
    """The set of canonical tokens of ``text`` (cached per distinct text)."""
    return frozenset(lemmas(text))


def set_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Similarity of two token sets: mean of the overlap coefficient and the Dice coefficient."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    overlap = common / min(len(a), len(b))
    dice = 2 * common / (len(a) + len(b))
    return (overlap + dice) / 2


def text_similarity(a: str, b: str) -> float:
    """Similarity of two texts in 0..1 on their canonical tokens.

    1.0 for the same words in any grammatical form ("велосипеда" / "велосипед"), for synonyms
    ("Учебник по Python" / "Книга по Python") and across scripts ("iphone" / "айфон"); 0.75 when
    one text's words are all in a three-word other; 0.0 with no word in common.
    """
    return set_similarity(lemma_set(a), lemma_set(b))
