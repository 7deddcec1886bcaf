"""Resources whose own name or description says what is asked, wherever they are filed: in what a resource does
(its name and description), never in whom it serves ("households on SNAP" does not help with SNAP)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import Session

from bot.platform import vocabulary
from bot.platform.db import is_postgres
from bot.search.query import Need

SAYING_POOL = 40  # resources read on SQLite, where the index reads only name and description
READ_ON_POSTGRES = 200  # resources the index finds anywhere in their text, then read for name and description
_PHRASE_WORDS = 4  # longer, it is a sentence rather than the name of a service


def _postgres_saying(key: str, phrases: list[str], params: dict) -> str:
    """A select of the resources whose name or description says one of `phrases`, tagged `key`."""
    # The index finds the resources that say it anywhere (a bounded number); a regular expression then reads their
    # name and description in the same statement, cheaper than a second text vector for each.
    params[f"{key}_query"] = " | ".join("(" + " <-> ".join(phrase.split()) + ")" for phrase in phrases)
    # Each word in any of its forms ("diaper" or "diapers"), as the index's stemming would take it.
    params[f"{key}_says_it"] = r"\m(" + "|".join(r"\W+".join(re.escape(w.rstrip("s")) + r"\w*" for w in p.split())
                                                 for p in phrases) + ")"  # fmt: skip
    return (f"SELECT '{key}' AS kind, c.id FROM (SELECT r.id, r.name, r.description FROM resource r "
            f"WHERE r.search_vector @@ to_tsquery('english', :{key}_query) "
            "AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool) AS c "
            f"WHERE (c.name || ' ' || coalesce(c.description, '')) ~* :{key}_says_it")  # fmt: skip


def _saying(session: Session, team_id: str, lookups: dict[str, list[str]]) -> dict[str, set[int]]:
    """For each key, the resources whose name or description contains one of its phrases (normalized words), in
    any word form. On PostgreSQL one statement answers every key: a round trip each would cost more than the
    lookups."""
    found: dict[str, set[int]] = {key: set() for key in lookups}
    asked = {key: phrases for key, phrases in lookups.items() if phrases}
    if not asked:
        return found
    params: dict = {"team": team_id}
    if is_postgres(session):
        params["pool"] = READ_ON_POSTGRES
        statement = " UNION ALL ".join(_postgres_saying(key, phrases, params) for key, phrases in asked.items())
        for key, resource_id in session.execute(text(statement), params):
            found[key].add(resource_id)
        return found
    params["pool"] = SAYING_POOL
    statement = text("SELECT r.id FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
                     "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool")
    for key, phrases in asked.items():
        params["query"] = "{name description} : (" + " OR ".join(f'"{phrase}"' for phrase in phrases) + ")"
        found[key] = {row[0] for row in session.execute(statement, params)}
    return found


def _naming_phrases(need: Need) -> list[str]:
    # The abbreviation itself, as programs are written ("SNAP", "SSI"); its expansion would also find every
    # resource that merely mentions the kind of service ("domestic violence").
    phrases = []
    for term in need.matched_terms:
        english = vocabulary.gloss(term)  # "pañales" -> "diapers"
        for named in (term, english):
            if named and (vocabulary.expansion(named) or vocabulary.is_item(named)):
                phrases.append(" ".join(vocabulary.tokens(named)))
    return phrases


def _saying_phrases(need: Need) -> list[str]:
    # The terms as said and as glossed, and the need's own short phrase ("child care" of "child care assistance").
    phrases = []
    for said in (*need.matched_terms, *map(vocabulary.gloss, need.matched_terms), need.phrase):
        words = vocabulary.tokens(said or "")
        if 2 <= len([word for word in words if word not in vocabulary.STOPWORDS]) <= _PHRASE_WORDS:
            phrases.append(" ".join(words))
    return list(dict.fromkeys(phrases))


def named_and_said(session: Session, team_id: str, need: Need) -> tuple[set[int], set[int]]:
    """(naming, saying): the resources that name the program an abbreviation in the question stands for ("SNAP",
    "SSI") or the thing asked for ("formula", "a walker"), and the others that say the need in so many words
    ("child care", "rent assistance"), the latter only for a need the vocabulary places.

    A benefits office that helps with SNAP is filed under money, not food, and still answers "SNAP application";
    a diaper bank with infant formula answers "formula". A county benefits office filed under food and money that
    says it runs "Publicly Funded Child Care" helps with child care: a phrase of two words or more is evidence of a
    service, where a single word ("rent") is often said in passing."""
    found = _saying(session, team_id, {"names": _naming_phrases(need),
                                       "says": _saying_phrases(need) if need.categories else []})  # fmt: skip
    return found["names"], found["says"] - found["names"]
