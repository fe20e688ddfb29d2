"""Listing search that scales: indexed full text on both databases, typo-tolerant, ranked.

PostgreSQL: a stored, generated `search_vector` column (Russian stems + `simple` tokens, so
"мечи" finds "меч" and Latin names like "Redline" or "AK-47" match as written) with a GIN
index, plus a trigram GIN index (pg_trgm) on `search_text` for substrings; a word found
neither way is matched by trigram word similarity (typos). Ranked by ts_rank + similarity.

SQLite (the embedded default): an FTS5 table over title and description, kept in sync by
triggers (so bulk inserts are indexed too). Query words are reduced to a stem and matched as
prefixes ("мечи" -> меч*); a word absent from the index is replaced by its nearest terms from
the FTS5 vocabulary (typos). Ranked by bm25.

Semantics on both: every word of the query must match (by stem, as a substring, or as a close
spelling); with a query, results are ordered by relevance. Details in docs/performance.md.
"""

from __future__ import annotations

import difflib
import re
import time

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
TYPO_CUTOFF = 0.75  # difflib ratio for a vocabulary term to count as a misspelling of a word
TRGM_MIN_LENGTH = 4  # shorter words: too few trigrams to tell a typo from another word

# --- PostgreSQL schema --------------------------------------------------------------------------
PG_VECTOR = (
    "setweight(to_tsvector('russian'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('russian'::regconfig, coalesce(description, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'C')"
)
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE market_listing ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED",
    "CREATE INDEX IF NOT EXISTS listing_search_vector ON market_listing USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS listing_search_trgm ON market_listing "
    "USING gin (search_text gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS listing_search_trgm",
    "DROP INDEX IF EXISTS listing_search_vector",
    "ALTER TABLE market_listing DROP COLUMN IF EXISTS search_vector",
]

# --- SQLite schema ------------------------------------------------------------------------------
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS market_listing_fts USING fts5("
    "title, description, content='market_listing', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS market_listing_fts_vocab "
    "USING fts5vocab(market_listing_fts, 'row')",
    "CREATE TRIGGER IF NOT EXISTS market_listing_fts_ai AFTER INSERT ON market_listing BEGIN "
    "INSERT INTO market_listing_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS market_listing_fts_ad AFTER DELETE ON market_listing BEGIN "
    "INSERT INTO market_listing_fts(market_listing_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS market_listing_fts_au AFTER UPDATE OF title, description "
    "ON market_listing BEGIN "
    "INSERT INTO market_listing_fts(market_listing_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO market_listing_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
]
SQLITE_TRIGGERS = ("market_listing_fts_ai", "market_listing_fts_ad", "market_listing_fts_au")
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS market_listing_fts_vocab",
    "DROP TABLE IF EXISTS market_listing_fts",
]


def ensure_search_schema(conn=None) -> None:
    """Create the search index if missing (idempotent); rebuild the SQLite index if its triggers
    were lost (SQLite drops a table's triggers when a migration remakes the table)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in PG_FORWARD:
                cursor.execute(sql)
        elif conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
                SQLITE_TRIGGERS,
            )
            intact = cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
            for sql in SQLITE_FORWARD:
                cursor.execute(sql)
            if not intact:
                cursor.execute(
                    "INSERT INTO market_listing_fts(market_listing_fts) VALUES ('rebuild')"
                )


def drop_search_schema(conn) -> None:
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(conn.vendor, [])
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- Queries --------------------------------------------------------------------------------------
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
# Russian endings, longest first: a light stemmer for prefix matching (SQLite has no Russian
# stemmer). "мечи" -> "меч", "аккаунтов" -> "аккаунт", "золота" -> "золот".
_ENDINGS = sorted(
    [
        "ами",
        "ями",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ых",
        "их",
        "ой",
        "ей",
        "ий",
        "ый",
        "ая",
        "яя",
        "ое",
        "ее",
        "ов",
        "ев",
        "ам",
        "ям",
        "ах",
        "ях",
        "ом",
        "ем",
        "ую",
        "юю",
        "ь",
        "ы",
        "и",
        "а",
        "я",
        "о",
        "е",
        "у",
        "ю",
    ],
    key=len,
    reverse=True,
)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))[:MAX_WORDS]


def stem(word: str) -> str:
    if not _CYRILLIC.search(word):
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def search(qs: QuerySet, text: str) -> QuerySet:
    """Filter `qs` (listings) to those matching `text`, annotated with `rank` (higher: better)."""
    if connection.vendor == "postgresql":
        return _search_postgres(qs, text)
    if connection.vendor == "sqlite":
        return _search_sqlite(qs, text)
    return _search_substring(qs, text)


def _substring(text: str) -> Q:
    condition = Q()
    for word in text.lower().split()[:MAX_WORDS]:  # search_text is lower-cased in Python
        condition &= Q(search_text__contains=word)
    return condition


def _search_substring(qs: QuerySet, text: str) -> QuerySet:
    return qs.filter(_substring(text)).annotate(rank=RawSQL("0", [], output_field=FloatField()))


def _search_postgres(qs: QuerySet, text: str) -> QuerySet:
    vector = RawSQL('"market_listing"."search_vector"', [], output_field=SearchVectorField())
    documented = qs.annotate(document=vector)
    match = Q()
    typos = False
    for word in words(text):
        # One word: its Russian stem or exact token (GIN on the vector) or a substring (trigram
        # GIN on search_text). Only a word found neither way is taken as a typo and matched by
        # trigram word similarity: at this table size the planner scans for that, so it is kept
        # for the words that need it (docs/performance.md).
        stems = SearchQuery(word, config="russian") | SearchQuery(word, config="simple")
        word_match = Q(document=stems) | Q(search_text__contains=word)
        if len(word) >= TRGM_MIN_LENGTH and not documented.filter(word_match).exists():
            word_match = Q(
                RawSQL('%s <%% "market_listing"."search_text"', [word], output_field=BooleanField())
            )
            typos = True
        match &= word_match
    if not match:
        return _nothing(qs)
    query = SearchQuery(text, config="russian", search_type="websearch") | SearchQuery(
        text, config="simple", search_type="websearch"
    )
    rank = SearchRank(vector, query)
    if typos:  # closer spellings first
        rank += RawSQL(
            'word_similarity(%s, "market_listing"."search_text")',
            [" ".join(words(text))],
            output_field=FloatField(),
        )
    return documented.filter(match).annotate(rank=rank)


# The FTS5 vocabulary, cached per process for a short while (terms change slowly).
_VOCAB_TTL = 60.0
_vocab_cache: dict[str, tuple[float, list[str]]] = {}


def _vocabulary(cursor) -> list[str]:
    key = connection.settings_dict["NAME"]
    cached = _vocab_cache.get(key)
    if cached and time.monotonic() - cached[0] < _VOCAB_TTL:
        return cached[1]
    cursor.execute("SELECT term FROM market_listing_fts_vocab")
    terms = [row[0] for row in cursor.fetchall()]
    _vocab_cache[key] = (time.monotonic(), terms)
    return terms


def _fts_term(cursor, word: str) -> str | None:
    """An FTS5 expression for one query word: its stem as a prefix, else its close spellings."""
    prefix = stem(word)
    cursor.execute(
        "SELECT 1 FROM market_listing_fts_vocab WHERE term >= %s AND term < %s LIMIT 1",
        [prefix, prefix + "\uffff"],
    )
    if cursor.fetchone():
        return f'"{prefix}"*'
    if len(word) < TRGM_MIN_LENGTH:
        return None
    close = difflib.get_close_matches(word, _vocabulary(cursor), n=3, cutoff=TYPO_CUTOFF)
    if not close:
        return None
    return "(" + " OR ".join(f'"{term}"' for term in close) + ")"


def _nothing(qs: QuerySet) -> QuerySet:
    return qs.annotate(rank=Value(0.0, output_field=FloatField())).none()


def _search_sqlite(qs: QuerySet, text: str) -> QuerySet:
    parts = []
    with connection.cursor() as cursor:
        for word in words(text):
            term = _fts_term(cursor, word)
            if term is None:
                return _nothing(qs)
            parts.append(term)
    if not parts:
        return _nothing(qs)
    expression = " AND ".join(parts)
    return qs.extra(  # noqa: S610 - joins the FTS5 table; the expression is a bound parameter
        tables=["market_listing_fts"],
        where=[
            "market_listing_fts.rowid = market_listing.id",
            "market_listing_fts MATCH %s",
            # The same match as a set of ids: lets SQLite drive the join from the FTS index
            # even without ANALYZE statistics (otherwise it may run MATCH once per row).
            "market_listing.id IN (SELECT rowid FROM market_listing_fts "
            "WHERE market_listing_fts MATCH %s)",
        ],
        params=[expression, expression],
        # bm25 is lower for better matches; title weighs 10x the description.
        select={"rank": "-bm25(market_listing_fts, 10.0, 1.0)"},
    )
