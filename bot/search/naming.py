"""Resources whose own name or description says what is asked, wherever they are filed: in what a resource does
(its name and description), never in whom it serves ("households on SNAP" does not help with SNAP)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import Session

from bot.platform import vocabulary
from bot.search.query import Need

SAYING_POOL = 40  # resources read on SQLite, where the index reads only name and description
READ_ON_POSTGRES = 200  # resources the index finds anywhere in their text, then read for name and description
_PHRASE_WORDS = 4  # longer, it is a sentence rather than the name of a service


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _saying(session: Session, team_id: str, phrases: list[str]) -> set[int]:
    """Resources whose name or description contains one of `phrases` (normalized words), in any word form."""
    if not phrases:
        return set()
    params: dict = {"team": team_id}
    if _is_postgres(session):
        # The index finds the resources that say it anywhere (a bounded number); a regular expression then reads
        # their name and description in the same statement, cheaper than a second text vector for each.
        params["query"] = " | ".join("(" + " <-> ".join(phrase.split()) + ")" for phrase in phrases)
        params["pool"] = READ_ON_POSTGRES
        # Each word in any of its forms ("diaper" or "diapers"), as the index's stemming would take it.
        params["says_it"] = r"\m(" + "|".join(r"\W+".join(re.escape(w.rstrip("s")) + r"\w*" for w in p.split())
                                               for p in phrases) + ")"  # fmt: skip
        statement = text("SELECT c.id FROM (SELECT r.id, r.name, r.description FROM resource r "
                         "WHERE r.search_vector @@ to_tsquery('english', :query) "
                         "AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool) AS c "
                         "WHERE (c.name || ' ' || coalesce(c.description, '')) ~* :says_it")  # fmt: skip
        return {row[0] for row in session.execute(statement, params)}
    params["query"] = "{name description} : (" + " OR ".join(f'"{phrase}"' for phrase in phrases) + ")"
    params["pool"] = SAYING_POOL
    statement = text("SELECT r.id FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
                     "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool")
    return {row[0] for row in session.execute(statement, params)}


def naming_the_service(session: Session, team_id: str, need: Need) -> set[int]:
    """Resources that name the program an abbreviation in the question stands for ("SNAP", "SSI") or the thing
    asked for ("formula", "a walker"): a benefits office that helps with SNAP is filed under money, not food, and
    still answers "SNAP application"; a diaper bank with infant formula answers "formula"."""
    # The abbreviation itself, as programs are written ("SNAP", "SSI"); its expansion would also find every
    # resource that merely mentions the kind of service ("domestic violence").
    phrases = []
    for term in need.matched_terms:
        english = vocabulary.gloss(term)  # "pañales" -> "diapers"
        for named in (term, english):
            if named and (vocabulary.expansion(named) or vocabulary.is_item(named)):
                phrases.append(" ".join(vocabulary.tokens(named)))
    return _saying(session, team_id, phrases)


def saying_the_need(session: Session, team_id: str, need: Need) -> set[int]:
    """Resources that say the need in so many words ("child care", "rent assistance"), as a county benefits office
    filed under food and money says it runs "Publicly Funded Child Care": a phrase of two words or more is
    evidence of a service, where a single word ("rent") is often said in passing."""
    phrases = []
    # The terms as said and as glossed, and the need's own short phrase ("child care" of "child care assistance").
    for said in (*need.matched_terms, *map(vocabulary.gloss, need.matched_terms), need.phrase):
        words = vocabulary.tokens(said or "")
        if 2 <= len([word for word in words if word not in vocabulary.STOPWORDS]) <= _PHRASE_WORDS:
            phrases.append(" ".join(words))
    return _saying(session, team_id, list(dict.fromkeys(phrases)))
