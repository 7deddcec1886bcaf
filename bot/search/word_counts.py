"""Full-text queries in the syntax of each database (FTS5, tsquery), and which words too many resources say to rank
by."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from bot.platform import clock
from bot.platform.db import is_postgres

COMMON_WORD_DOCUMENTS = 300  # words in more resources than this are too common to rank by


def _as_prefix(word: str) -> bool:
    # Short words also find their longer forms ("rent" -> "rental"). Longer words rely on stemming alone: a
    # stemmed prefix is too broad ("medication" stems to "medic", and "medic*" would find Medicaid).
    return 4 <= len(word) <= 5


def fts5_query(words: list[str], require_all: bool, prefixes: bool = True) -> str:
    # Words are [a-z0-9] only (vocabulary.normalize), quoted anyway so no word is read as FTS5 syntax.
    terms = [f'"{word}"*' if prefixes and _as_prefix(word) else f'"{word}"' for word in words]
    return (" AND " if require_all else " OR ").join(terms)


def tsquery(words: list[str], require_all: bool, prefixes: bool = True) -> str:
    # A word with spaces is a phrase ("child care"), matched as one.
    terms = [f"{word}:*" if prefixes and _as_prefix(word) else "(" + " <-> ".join(word.split()) + ")"
             for word in words]
    return (" & " if require_all else " | ").join(terms)


_COMMON_LEXEMES_TTL = timedelta(minutes=10)
_common_lexemes: dict[str, tuple[datetime, frozenset[str]]] = {}
_lexemes: dict[str, str] = {}  # word -> its PostgreSQL 'english' lexeme; stemming never changes


def forget_common_words() -> None:
    _common_lexemes.clear()


def _postgres_common_lexemes(session: Session) -> frozenset[str]:
    """Lexemes in more than COMMON_WORD_DOCUMENTS resources, from the planner's statistics on search_vector
    (kept by ANALYZE / autovacuum), cached for a few minutes: knowing which words are common costs nothing."""
    url = str(session.get_bind().engine.url)
    now = clock.utcnow()
    cached = _common_lexemes.get(url)
    if cached and cached[0] > now:
        return cached[1]
    row = session.execute(
        text(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples FROM pg_stats s "
            "JOIN pg_class c ON c.relname = s.tablename JOIN pg_namespace n ON n.oid = c.relnamespace "
            "AND n.nspname = s.schemaname WHERE s.schemaname = current_schema() AND s.tablename = 'resource' "
            "AND s.attname = 'search_vector'"
        )
    ).first()
    common: frozenset[str] = frozenset()
    if row and row[0] and row[1]:
        documents = max(float(row[2] or 0), 0.0)
        common = frozenset(lexeme for lexeme, share in zip(row[0], row[1], strict=False)
                           if share * documents > COMMON_WORD_DOCUMENTS)  # fmt: skip
    _common_lexemes[url] = (now + _COMMON_LEXEMES_TTL, common)
    return common


def common_words(session: Session, words: list[str]) -> set[str]:
    """The words more than COMMON_WORD_DOCUMENTS resources contain."""
    if not words:
        return set()
    if is_postgres(session):
        common = _postgres_common_lexemes(session)
        if not common:
            return set()
        missing = [word for word in words if word not in _lexemes]
        if missing:
            if len(_lexemes) > 20_000:
                _lexemes.clear()
            _lexemes.update(session.execute(
                text("SELECT w, array_to_string(tsvector_to_array(to_tsvector('english', w)), ' ') "
                     "FROM unnest(CAST(:words AS text[])) AS w"),
                {"words": missing},
            ).all())  # fmt: skip
        # A phrase of common words ("child care") is taken as common: statistics know words, not phrases.
        return {word for word in words if _lexemes.get(word) and set(_lexemes[word].split()) <= common}
    # FTS5: count matches, stopping at the limit, so "food" costs the same in a directory of any size.
    statement = text(
        "SELECT count(*) FROM (SELECT 1 FROM fts_resource WHERE fts_resource MATCH :query LIMIT :cap)"
    )
    return {
        word
        for word in words
        if session.execute(
            statement, {"query": fts5_query([word], False), "cap": COMMON_WORD_DOCUMENTS + 1}
        ).scalar_one()
        > COMMON_WORD_DOCUMENTS
    }
