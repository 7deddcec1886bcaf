"""Answers "who can help with X?" from the resource directory and the partners. No Slack imports.

    answer = who_can_help(session, team_id, "who can help with food and a ride to get there?")
    for need in answer.needs: need.hits (ranked resources), need.partners (matching partner organizations)

How a need is ranked (bot.query turns the question into needs and modifiers first):
1. Candidates come from lookups that stop early, so the cost does not grow with the directory: the newest
   resources filed under the need's categories (resourcecategory index); those of the categories that offer
   every asked language, population and place (full-text index); and the best full-text matches on the need's
   distinctive words (SQLite FTS5 ranked by bm25 with per-column weights; PostgreSQL tsvector with a GIN index,
   ts_rank plus the share of words matched; name > organization/categories > description > place). Words most
   resources contain ("food" in a food directory) are left to the category.
2. Score = category fit (the need's first category counts most) + text relevance (scaled to the best text hit)
   + boosts: the asked language, population and place (any one of each); verified recently; mentioned often;
   "This helped" feedback; minus "Info is outdated" flags. Retired resources are never candidates. Resources
   filed under other needs come after the need's own, on their words alone.
3. A need without a recognized category must match all of its words, so an unanswerable question gets nothing
   rather than a wild guess; nothing found is recorded as an unmet need (redacted, normalized, counted).
   When results exist but none offers an asked language or population, that gap is recorded too
   (need_key "food|in Tagalog"), without a QuestionLog row of its own.

The question is redacted with bot.privacy.redact before anything else; only the redacted text is used, and it is
never logged. QuestionLog keeps one row per need (category or normalized phrase, result count, surface).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select
from sqlmodel.sql.sqltypes import UTCDateTime

from bot import clock, vocabulary
from bot.partners import PartnerMatch, matching_partners
from bot.privacy import Redaction, redact
from bot.query import Modifiers, Need, ParsedQuery, parse_query
from models.directory import Resource
from models.search import QuestionLog, ResourceFeedback, UnmetNeed

__all__ = [
    "MAX_QUESTION_LENGTH",
    "NeedAnswer",
    "ResourceHit",
    "SearchAnswer",
    "record_feedback",
    "redact_query",
    "who_can_help",
]

MAX_QUESTION_LENGTH = 500  # a question, not an essay; longer text is refused with a message
# Candidate lookups stop at these sizes, so a question costs about the same at 1,000 or 1,000,000 resources.
CATEGORY_POOL = 250  # newest resources of each of the need's categories
MODIFIER_POOL = 150  # resources of the categories offering every asked language, population and place
TEXT_POOL = 40  # best full-text matches
COMMON_WORD_DOCUMENTS = 300  # words in more resources than this are too common to rank by

# Score parts. Category fit dominates so that a food question shows food resources first; text relevance orders
# them; boosts decide between close matches.
FIRST_CATEGORY = 6.0
OTHER_CATEGORY = 3.0
TEXT_WEIGHT = 4.0
LANGUAGE_BOOST = 4.0
POPULATION_BOOST = 4.0
PLACE_BOOST = 4.0
NEARBY_ZIP_BOOST = 2.0
ASKED_IN_SPANISH_BOOST = 1.0
VERIFIED_90_DAYS = 0.5
VERIFIED_365_DAYS = 0.25
PER_MENTION = 0.03  # up to 10 mentions
PER_HELPED = 0.2  # up to 5 "This helped"
PER_OUTDATED = -0.4  # up to 3 "Info is outdated"

# FTS5 column weights, in the column order of migration 0002: name, organization, description, categories, city,
# postal_code, languages, populations, eligibility.
BM25_WEIGHTS = (10.0, 4.0, 1.5, 3.0, 2.0, 2.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class ResourceHit:
    resource_id: int
    name: str
    organization: str
    description: str
    phone: str
    website: str
    email: str
    address: str
    city: str
    state: str
    postal_code: str
    hours: str
    eligibility: str
    languages: str
    categories: str
    created_by: str
    verified_by: str | None
    verified_at: datetime | None
    helped_count: int
    outdated_count: int
    score: float
    reasons: tuple[str, ...]  # "why it matched", a few words each


@dataclass
class NeedAnswer:
    need: Need
    hits: list[ResourceHit] = field(default_factory=list)
    partners: list[PartnerMatch] = field(default_factory=list)
    has_more: bool = False
    unmet_modifiers: str = ""  # e.g. "in Tagalog" when no hit offers what was asked for

    @property
    def answered(self) -> bool:
        return bool(self.hits or self.partners)

    @property
    def result_count(self) -> int:
        return len(self.hits) + len(self.partners)


@dataclass
class SearchAnswer:
    query: str  # the redacted question; safe to echo (neutralize and escape it first in Slack)
    privacy_notice: str  # "Removed for privacy: ..." or ""
    modifiers: Modifiers
    needs: list[NeedAnswer]
    problem: str | None = None  # "empty" | "too_long" | "no_need": nothing was searched
    offset: int = 0

    @property
    def answered(self) -> bool:
        return any(need.answered for need in self.needs)


# ---------------------------------------------------------------------------------------------------------------
# Redaction


def redact_query(query_text: str) -> Redaction:
    return redact(query_text)


# ---------------------------------------------------------------------------------------------------------------
# SQL


def _boost_sql(modifiers: Modifiers, params: dict) -> str:
    """A SQL expression of every boost that does not depend on the text match; shared by both lookups."""
    parts = []
    # Any one of the asked languages (or populations) is what was asked for; two do not count double.
    if modifiers.languages:
        conditions = []
        for index, language in enumerate(modifiers.languages):
            params[f"lang{index}"] = f"%{language.lower()}%"
            conditions.append(f"lower(r.languages) LIKE :lang{index}")
        parts.append(f"CASE WHEN {' OR '.join(conditions)} THEN {LANGUAGE_BOOST} ELSE 0 END")
    if modifiers.asked_in_spanish and "Spanish" not in modifiers.languages:
        parts.append(
            f"CASE WHEN lower(r.languages) LIKE '%spanish%' THEN {ASKED_IN_SPANISH_BOOST} ELSE 0 END"
        )
    if modifiers.populations:
        conditions = []
        for index, population in enumerate(modifiers.populations):
            params[f"pop{index}"] = f"%{population}%"
            conditions.append(f"lower(r.populations) LIKE :pop{index}")
        parts.append(f"CASE WHEN {' OR '.join(conditions)} THEN {POPULATION_BOOST} ELSE 0 END")
    if modifiers.place:
        params["city"] = vocabulary.normalize(modifiers.place)
        parts.append(f"CASE WHEN r.normalized_city = :city THEN {PLACE_BOOST} ELSE 0 END")
    if modifiers.zip_code:
        params["zip"] = modifiers.zip_code
        params["zip3"] = modifiers.zip_code[:3]
        parts.append(
            f"CASE WHEN substr(r.postal_code, 1, 5) = :zip THEN {PLACE_BOOST} "
            f"WHEN substr(r.postal_code, 1, 3) = :zip3 THEN {NEARBY_ZIP_BOOST} ELSE 0 END"
        )
    parts.append(
        f"CASE WHEN r.verified_at >= :recent THEN {VERIFIED_90_DAYS} "
        f"WHEN r.verified_at >= :year_ago THEN {VERIFIED_365_DAYS} ELSE 0 END"
    )
    parts.append(f"(CASE WHEN r.mention_count > 10 THEN 10 ELSE r.mention_count END) * {PER_MENTION}")
    parts.append(f"(CASE WHEN r.helped_count > 5 THEN 5 ELSE r.helped_count END) * {PER_HELPED}")
    parts.append(f"(CASE WHEN r.outdated_count > 3 THEN 3 ELSE r.outdated_count END) * {PER_OUTDATED}")
    return " + ".join(parts)


def _time_params(now: datetime) -> list:
    return [
        bindparam("recent", now - timedelta(days=90), type_=UTCDateTime()),
        bindparam("year_ago", now - timedelta(days=365), type_=UTCDateTime()),
    ]


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _category_members(session: Session, team_id: str, categories: tuple[str, ...], pool: int) -> list[int]:
    """The newest `pool` resources filed under each category (SQLite): an index range read that stops early, so
    its cost does not grow with the directory."""
    found: list[int] = []
    for category in categories[:4]:
        rows = session.execute(
            text("SELECT resource_id FROM resourcecategory WHERE team_id = :team AND category = :category "
                 "ORDER BY rowid DESC LIMIT :pool"),
            {"team": team_id, "category": category, "pool": pool},
        )  # fmt: skip
        found.extend(row[0] for row in rows)
    return found


def _fts5_phrase(value: str) -> str:
    words = vocabulary.tokens(value)
    return '"' + " ".join(words) + '"' if words else ""


def _postgres_modifier_query(need: Need, modifiers: Modifiers, params: dict) -> str | None:
    """One tsquery for "filed under the need's categories and offering everything asked", so the GIN index
    answers the whole condition at once; None without modifiers."""
    if not need.categories or modifiers.is_empty:
        return None
    queries = []
    groups = {
        "mc": [vocabulary.normalize(c) for c in need.categories[:4]],
        "ml": [vocabulary.normalize(language) for language in modifiers.languages],
        "mp": [vocabulary.normalize(population) for population in modifiers.populations],
    }
    for key, values in groups.items():
        values = [v for v in values if v]
        if values:
            params[key] = " | ".join("(" + " <-> ".join(v.split()) + ")" for v in values)
            queries.append(f"to_tsquery('english', :{key})")
    place = vocabulary.normalize(modifiers.place or "") or modifiers.zip_code
    if place:
        params["mplace"] = " <-> ".join(place.split())
        queries.append("to_tsquery('simple', :mplace)")
    return "(" + " && ".join(queries) + ")"


def _modifier_members(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, pool: int
) -> list[int]:
    """Resources of the need's categories that offer everything asked (language, population, place), found
    through the full-text index, so they are candidates however large the category is. (SQLite; PostgreSQL
    does the same inside _postgres_scores.)"""
    if not need.categories or modifiers.is_empty:
        return []
    parts = ["{categories} : (" + " OR ".join(_fts5_phrase(c) for c in need.categories[:4]) + ")"]
    if modifiers.languages:
        parts.append(
            "{languages} : (" + " OR ".join(_fts5_phrase(lang) for lang in modifiers.languages) + ")"
        )
    if modifiers.populations:
        parts.append("{populations} : (" + " OR ".join(_fts5_phrase(p) for p in modifiers.populations) + ")")
    if modifiers.place and _fts5_phrase(modifiers.place):
        parts.append("{city} : " + _fts5_phrase(modifiers.place))
    elif modifiers.zip_code:
        parts.append('{postal_code} : "' + modifiers.zip_code + '"')
    statement = text(
        "SELECT r.id FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
        "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL "
        "ORDER BY fts_resource.rowid DESC LIMIT :pool"
    )
    return [row[0] for row in session.execute(statement, {"query": " AND ".join(parts), "team": team_id,
                                                          "pool": pool})]  # fmt: skip


def _text_words(need: Need, modifiers: Modifiers) -> tuple[list[str], bool]:
    """The words to search for, and whether all of them must match (needs without a category)."""
    if need.categories:
        words = list(dict.fromkeys([*need.term_words, *need.extra_words, *modifiers.population_words]))
        return [w for w in words if len(w) > 1 and w not in vocabulary.STOPWORDS], False
    words = need.phrase.split() or list(need.extra_words)
    return [w for w in dict.fromkeys(words) if len(w) > 1 and w not in vocabulary.STOPWORDS], True


def _as_prefix(word: str) -> bool:
    # Short words also find their longer forms ("rent" -> "rental"). Longer words rely on stemming alone: a
    # stemmed prefix is too broad ("medication" stems to "medic", and "medic*" would find Medicaid).
    return 4 <= len(word) <= 5


def _fts5_query(words: list[str], require_all: bool) -> str:
    # Words are [a-z0-9] only (vocabulary.normalize), quoted anyway so no word is read as FTS5 syntax.
    terms = [f'"{word}"*' if _as_prefix(word) else f'"{word}"' for word in words]
    return (" AND " if require_all else " OR ").join(terms)


def _tsquery(words: list[str], require_all: bool) -> str:
    terms = [f"{word}:*" if _as_prefix(word) else word for word in words]
    return (" & " if require_all else " | ").join(terms)


_COMMON_LEXEMES_TTL = timedelta(minutes=10)
_common_lexemes: dict[str, tuple[datetime, frozenset[str]]] = {}
_lexemes: dict[str, str] = {}  # word -> its PostgreSQL 'english' lexeme; stemming never changes


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


def _common_words(session: Session, words: list[str]) -> set[str]:
    """The words more than COMMON_WORD_DOCUMENTS resources contain."""
    if not words:
        return set()
    if _is_postgres(session):
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
        return {word for word in words if _lexemes.get(word) in common}
    # FTS5: count matches, stopping at the limit, so "food" costs the same in a directory of any size.
    statement = text(
        "SELECT count(*) FROM (SELECT 1 FROM fts_resource WHERE fts_resource MATCH :query LIMIT :cap)"
    )
    return {
        word
        for word in words
        if session.execute(
            statement, {"query": _fts5_query([word], False), "cap": COMMON_WORD_DOCUMENTS + 1}
        ).scalar_one()
        > COMMON_WORD_DOCUMENTS
    }


def _text_candidates(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, pool: int
) -> dict[int, float]:
    """resource id -> text relevance, for resources whose text matches the need's words."""
    words, require_all = _text_words(need, modifiers)
    if need.categories:
        # Words most resources contain ("food" in a food directory) say nothing the category does not already
        # say, and ranking them would read a large part of the index: leave them out.
        common = _common_words(session, words[:8])
        words = [word for word in words[:8] if word not in common]
    if not words:
        return {}
    params: dict = {"team": team_id, "pool": pool}
    if _is_postgres(session):
        params["query"] = _tsquery(words, require_all)
        # ts_rank has no inverse document frequency, so a common word in a name outweighs a rare word in a
        # description; adding the share of the question's words a resource contains restores that balance.
        coverage = []
        for index, word in enumerate(words):
            params[f"w{index}"] = _tsquery([word], False)
            coverage.append(
                f"CASE WHEN r.search_vector @@ to_tsquery('english', :w{index}) THEN 1 ELSE 0 END"
            )
        statement = text(
            f"SELECT r.id, ts_rank(r.search_vector, q) + 3.0 * ({' + '.join(coverage)}) / {len(coverage)} "
            "AS relevance FROM resource r, to_tsquery('english', :query) q "
            "WHERE r.search_vector @@ q AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY relevance DESC, r.id LIMIT :pool"
        )
    else:
        params["query"] = _fts5_query(words, require_all)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        statement = text(
            f"SELECT r.id, -bm25(fts_resource, {weights}) AS relevance "
            "FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
            "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY relevance DESC, r.id LIMIT :pool"
        )
    return {row[0]: float(row[1]) for row in session.execute(statement, params)}


def _scores(
    session: Session, team_id: str, ids: list[int], modifiers: Modifiers, now: datetime
) -> dict[int, tuple[str, float]]:
    """resource id -> (categories, boost) for the candidates that are in this workspace and not retired."""
    params: dict = {"team": team_id, "ids": ids}
    boost = _boost_sql(modifiers, params)
    statement = text(
        f"SELECT r.id, r.categories, {boost} AS boost FROM resource r "
        "WHERE r.id IN :ids AND r.team_id = :team AND r.retired_at IS NULL"
    ).bindparams(bindparam("ids", expanding=True), *_time_params(now))
    return {row[0]: (row[1] or "", float(row[2])) for row in session.execute(statement, params)}


def _postgres_scores(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, now: datetime, text_ids: list[int]
) -> dict[int, tuple[str, float]]:
    """_scores for PostgreSQL with the category and modifier lookups inside the same statement: one round trip
    and one plan instead of one per lookup."""
    params: dict = {"team": team_id, "text_ids": text_ids, "categories": list(need.categories[:4]),
                    "pool": CATEGORY_POOL, "modifier_pool": MODIFIER_POOL}  # fmt: skip
    sources = ["SELECT unnest(CAST(:text_ids AS integer[]))"]
    if need.categories:
        sources.append(
            "SELECT m.resource_id FROM unnest(CAST(:categories AS text[])) AS c(category), LATERAL ("
            "SELECT resource_id FROM resourcecategory WHERE team_id = :team AND category = c.category "
            "ORDER BY resource_id DESC LIMIT :pool) AS m"
        )
        modifier_query = _postgres_modifier_query(need, modifiers, params)
        if modifier_query:
            # No ORDER BY: the first matches the index yields are as good as any; sorting would read them all.
            sources.append(
                f"(SELECT m.id FROM resource m WHERE m.search_vector @@ {modifier_query} AND m.team_id = :team "
                "AND m.retired_at IS NULL LIMIT :modifier_pool)"
            )
    boost = _boost_sql(modifiers, params)
    # "= ANY(ARRAY(...))" makes the candidate ids one array, read through the primary key: a join would tempt
    # the planner into scanning the whole table when it is small.
    statement = text(
        f"SELECT r.id, r.categories, {boost} AS boost FROM resource r WHERE r.id = ANY(ARRAY("
        + " UNION ".join(sources)
        + ")) AND r.team_id = :team AND r.retired_at IS NULL"
    ).bindparams(*_time_params(now))
    return {row[0]: (row[1] or "", float(row[2])) for row in session.execute(statement, params)}


def _rank(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, now: datetime, wanted: int
) -> tuple[list[tuple[int, float]], int]:
    """Best (resource id, score) pairs for a need, and how many candidates there were.

    The work is bounded whatever the directory's size: candidates come from three lookups that stop early (the
    newest CATEGORY_POOL resources of each category, those of the categories offering every asked modifier,
    the TEXT_POOL best full-text matches on the need's distinctive words), then only those are scored."""
    text_pool = max(TEXT_POOL, wanted + 10)
    by_text = _text_candidates(session, team_id, need, modifiers, text_pool)
    if _is_postgres(session):
        scored = _postgres_scores(session, team_id, need, modifiers, now, sorted(by_text))
    else:
        candidates = set(by_text)
        if need.categories:
            candidates.update(_category_members(session, team_id, need.categories, CATEGORY_POOL))
            candidates.update(_modifier_members(session, team_id, need, modifiers, MODIFIER_POOL))
        scored = _scores(session, team_id, sorted(candidates), modifiers, now) if candidates else {}
    if not scored:
        return [], 0
    best_text = max(by_text.values(), default=0.0)
    # Resources beyond the text pool are not scored on text at all; measuring from the weakest one in a full pool
    # keeps them level with it, and a word every resource contains (all scores equal) then counts for nothing.
    floor_text = min(by_text.values()) if len(by_text) >= text_pool else 0.0
    weights = {category: FIRST_CATEGORY if index == 0 else OTHER_CATEGORY
               for index, category in enumerate(need.categories[:4])}  # fmt: skip
    scores: dict[int, float] = {}
    for resource_id, (categories, boost) in scored.items():
        filed_under = set(categories.split(";"))
        category_score = sum(weight for category, weight in weights.items() if category in filed_under)
        relevance = by_text.get(resource_id, floor_text)
        text_score = (
            TEXT_WEIGHT * (relevance - floor_text) / (best_text - floor_text)
            if best_text > floor_text
            else 0.0
        )
        if category_score or not need.categories:
            scores[resource_id] = category_score + text_score + boost
        elif resource_id in by_text:
            # Filed under another need: shown only after the need's own resources, on its words alone.
            scores[resource_id] = text_score
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return ranked, len(ranked)


def _reasons(resource: Resource, need: Need, modifiers: Modifiers, now: datetime) -> tuple[str, ...]:
    reasons: list[str] = []
    filed_under = set(filter(None, (resource.categories or "").split(";")))
    for category_id in need.categories:
        if category_id in filed_under:
            category = vocabulary.get(category_id)
            reasons.append(category.display_name if category else category_id)
    searchable = vocabulary.normalize(" ".join([resource.name, resource.organization, resource.description,
                                                resource.eligibility]))  # fmt: skip
    searchable_words = set(searchable.split())
    named = {vocabulary.normalize(reason) for reason in reasons}  # the category already says "Food"
    for word in [*need.term_words, *need.extra_words]:
        if len(word) < 3 or word in vocabulary.STOPWORDS or f'"{word}"' in reasons or word in named:
            continue
        if word in searchable_words or (len(word) >= 4 and any(w.startswith(word) for w in searchable_words)):
            reasons.append(f'"{word}"')
    languages = (resource.languages or "").lower()
    for language in modifiers.languages:
        if language.lower() in languages:
            reasons.append(f"speaks {language}")
    populations = (resource.populations or "").lower()
    for population in modifiers.populations:
        if population in populations:
            reasons.append(f"serves {population}")
    if modifiers.place and resource.normalized_city == vocabulary.normalize(modifiers.place):
        reasons.append(f"in {resource.city}")
    if modifiers.zip_code and (resource.postal_code or "")[:5] == modifiers.zip_code:
        reasons.append(f"in {modifiers.zip_code}")
    elif modifiers.zip_code and (resource.postal_code or "")[:3] == modifiers.zip_code[:3]:
        reasons.append("nearby ZIP")
    verified_at = _aware(resource.verified_at)
    if verified_at and verified_at >= now - timedelta(days=90):
        reasons.append("verified recently")
    if resource.helped_count:
        reasons.append(f"helped {resource.helped_count}×")
    return tuple(reasons[:6])


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.utcnow().tzinfo)


def _hit(resource: Resource, score: float, reasons: tuple[str, ...]) -> ResourceHit:
    return ResourceHit(
        resource_id=resource.id,
        name=resource.name,
        organization=resource.organization,
        description=resource.description,
        phone=resource.phone,
        website=resource.website,
        email=resource.email,
        address=resource.address,
        city=resource.city,
        state=resource.state,
        postal_code=resource.postal_code,
        hours=resource.hours,
        eligibility=resource.eligibility,
        languages=resource.languages,
        categories=resource.categories,
        created_by=resource.created_by,
        verified_by=resource.verified_by,
        verified_at=_aware(resource.verified_at),
        helped_count=resource.helped_count,
        outdated_count=resource.outdated_count,
        score=round(score, 3),
        reasons=reasons,
    )


def _unmet_modifiers(hits: list[ResourceHit], modifiers: Modifiers) -> str:
    """The asked language or population no shown resource offers ("in Tagalog"), or ""."""
    missing = []
    for language in modifiers.languages:
        if not any(language.lower() in (hit.languages or "").lower() for hit in hits):
            missing.append(f"in {language}")
    for population in modifiers.populations:
        if not any(f"serves {population}" in hit.reasons for hit in hits):
            missing.append(f"for {population}")
    return " ".join(missing)


def _partners_for(session: Session, team_id: str, categories: tuple[str, ...]) -> list:
    if not categories:
        return []
    return list(matching_partners(session, team_id, list(categories)))


# ---------------------------------------------------------------------------------------------------------------
# Recording


def need_key(need: Need) -> str:
    """The stable key of a need in QuestionLog and UnmetNeed: its category id, or its normalized phrase."""
    return (need.category or need.phrase or "unrecognized")[:200]


def _record_unmet(session: Session, team_id: str, key: str, category: str | None, phrase: str, now: datetime):
    values = {
        "team_id": team_id,
        "need_key": key,
        "category": category,
        "phrase": phrase[:200],
        "ask_count": 1,
        "first_asked_at": now,
        "last_asked_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(UnmetNeed).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "need_key"],
        set_={"ask_count": UnmetNeed.ask_count + 1, "last_asked_at": now},
    )
    session.execute(statement)


def _unmet_phrase(need: Need, modifiers: Modifiers, with_modifiers: str = "") -> str:
    label = need.label if need.category else need.phrase
    return f"{label} {with_modifiers}".strip()


# ---------------------------------------------------------------------------------------------------------------
# The question


def who_can_help(
    session: Session,
    team_id: str,
    query_text: str,
    *,
    limit: int = 5,
    offset: int = 0,
    surface: str = "slash",
    record: bool = True,
    now: datetime | None = None,
) -> SearchAnswer:
    """Ranked answers for each need in a question. Redacts first; records demand and unmet needs if `record`."""
    now = now or clock.utcnow()
    raw = (query_text or "").strip()
    if not raw:
        return SearchAnswer("", "", Modifiers(), [], problem="empty")
    if len(raw) > MAX_QUESTION_LENGTH:
        return SearchAnswer("", "", Modifiers(), [], problem="too_long")
    redaction = redact_query(raw)
    parsed: ParsedQuery = parse_query(redaction.text)
    answer = SearchAnswer(redaction.text, redaction.summary(), parsed.modifiers, [], offset=offset)
    if parsed.is_empty:
        answer.problem = "no_need"
        return answer

    for need in parsed.needs:
        ranked, total = _rank(session, team_id, need, parsed.modifiers, now, offset + limit)
        page = ranked[offset : offset + limit]
        rows = {r.id: r for r in session.exec(select(Resource).where(Resource.id.in_([i for i, _ in page])))}
        hits = [
            _hit(rows[resource_id], score, _reasons(rows[resource_id], need, parsed.modifiers, now))
            for resource_id, score in page
            if resource_id in rows
        ]
        partners = _partners_for(session, team_id, need.categories) if offset == 0 else []
        need_answer = NeedAnswer(need, hits, partners, has_more=total > offset + limit)
        if hits:
            need_answer.unmet_modifiers = _unmet_modifiers(hits, parsed.modifiers)
        answer.needs.append(need_answer)

    if record and offset == 0:
        for need_answer in answer.needs:
            need = need_answer.need
            key = need_key(need)
            session.add(QuestionLog(team_id=team_id, asked_at=now, need_key=key, category=need.category,
                                    result_count=need_answer.result_count, surface=surface))  # fmt: skip
            if not need_answer.answered:
                _record_unmet(
                    session, team_id, key, need.category, _unmet_phrase(need, parsed.modifiers), now
                )
            elif need_answer.unmet_modifiers:
                # Shown, but not what was asked for: "Food in Tagalog" is still a gap worth knowing about.
                _record_unmet(session, team_id, f"{key}|{need_answer.unmet_modifiers}"[:200], need.category,
                              _unmet_phrase(need, parsed.modifiers, need_answer.unmet_modifiers), now)  # fmt: skip
        session.flush()
    return answer


# ---------------------------------------------------------------------------------------------------------------
# Feedback


FEEDBACK_REPEAT_WINDOW = timedelta(hours=24)


def record_feedback(
    session: Session, team_id: str, resource_id: int, user_id: str, kind: str, *, now: datetime | None = None
) -> tuple[str, str]:
    """Records "helped" or "outdated" for a resource. Returns (outcome, resource name); outcome is "recorded",
    "repeat" (same person, same kind within a day: counted once) or "missing" (not in this workspace)."""
    if kind not in ("helped", "outdated"):
        raise ValueError(f"unknown feedback kind {kind!r}")
    now = now or clock.utcnow()
    resource = session.exec(
        select(Resource).where(Resource.id == resource_id, Resource.team_id == team_id)
    ).first()
    if resource is None:
        return "missing", ""
    recent = session.exec(
        select(ResourceFeedback).where(
            ResourceFeedback.team_id == team_id,
            ResourceFeedback.resource_id == resource_id,
            ResourceFeedback.user_id == user_id,
            ResourceFeedback.kind == kind,
            ResourceFeedback.at >= now - FEEDBACK_REPEAT_WINDOW,
        )
    ).first()
    if recent is not None:
        return "repeat", resource.name
    session.add(
        ResourceFeedback(team_id=team_id, resource_id=resource_id, user_id=user_id, kind=kind, at=now)
    )
    column = Resource.helped_count if kind == "helped" else Resource.outdated_count
    # An UPDATE with an increment, so two replicas recording at once both count.
    session.execute(
        Resource.__table__.update().where(Resource.id == resource_id).values({column.key: column + 1})
    )
    session.flush()
    return "recorded", resource.name
