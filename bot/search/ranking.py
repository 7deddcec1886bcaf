"""Ranking for "who can help": candidates from categories, modifiers and full text (FTS5 or tsvector), then one score."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.platform import vocabulary
from bot.platform.db import is_postgres
from bot.search.hours import HOURS_PATTERNS
from bot.search.naming import named_and_said
from bot.search.populations import restricted_groups
from bot.search.query import POPULATION_TEXT, Modifiers, Need
from bot.search.word_counts import common_words, fts5_query, tsquery

# Candidate lookups stop at these sizes, so a question costs about the same at 1,000 or 1,000,000 resources.
CATEGORY_POOL = 250  # newest resources of each of the need's categories
MODIFIER_POOL = 150  # resources of the categories offering every asked language, population and place
TEXT_POOL = 40  # best full-text matches
MONEY_TEXT_POOL = 200  # text matches read to find a money resource among them: the need's own words are common

# Score parts. Category fit dominates so that a food question shows food resources first; text relevance orders
# them; boosts decide between close matches.
FIRST_CATEGORY = 6.0
OTHER_CATEGORY = 4.0
TEXT_WEIGHT = 4.0
LANGUAGE_BOOST = 5.0  # above TEXT_WEIGHT: a service in the asked language comes before a better worded one in English
POPULATION_BOOST = 4.0
PLACE_BOOST = 5.0  # above TEXT_WEIGHT: in the asked town comes before a better worded one elsewhere
ALSO_SERVES_BOOST = 3.0  # filed under another need of the same question
NAMES_THE_SERVICE = 1.0  # its text names the program an abbreviation stands for ("SNAP", "LIHEAP")
SAYS_THE_NEED = 5.0  # filed elsewhere, its name or description says the need ("Publicly Funded Child Care")
EXTRA_CATEGORY = 1.0  # each further category of the need a resource is filed under
MAIN_SERVICE = 1.0  # the need is the first category the resource is filed under
NEARBY_ZIP_BOOST = 1.0  # a ZIP sharing the first three digits: the same region, though often a wide one
PLACE_MENTION_BOOST = 2.0  # elsewhere, but its description or eligibility names the asked place
COUNTYWIDE_BOOST = 1.5  # elsewhere, but its text says it serves the whole county ("Riverbend County residents")
OPEN_WHEN_BOOST = 3.0  # the hours mention the asked day, evenings, or round-the-clock service
ASKED_IN_SPANISH_BOOST = 1.0
VERIFIED_90_DAYS = 0.5
VERIFIED_365_DAYS = 0.25
PER_MENTION = 0.03  # up to 10 mentions
PER_HELPED = 0.2  # up to 5 "This helped"
PER_OUTDATED = -0.4  # up to 3 "Info is outdated"
FOR_ANOTHER_GROUP = -1.0  # asked for one group (veterans), it serves only another (women): after general services
FOR_ANOTHER_AGE = -3.0  # asked for adults (a veteran, a senior), it serves only the young, or the other way round

# FTS5 column weights, in the column order of migration 0002: name, organization, description, categories, city,
# postal_code, languages, populations, eligibility.
BM25_WEIGHTS = (10.0, 4.0, 1.5, 3.0, 2.0, 2.0, 1.0, 1.0, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# SQL


# A service that travels to people (a mobile pantry, a van that brings groceries): "food and a ride to get there"
# is answered by it alone. Home delivery is left out: it is mostly for the homebound only.
_COMES_TO_YOU = ("mobile", "brings", "comes to", "to your door", "to your neighborhood")
# A service that reaches people anywhere in the county (rides, mobile pantries, phone lines) serves the asked town
# too, though its address is elsewhere.
_COUNTYWIDE = "lower(coalesce(r.description, '') || ' ' || coalesce(r.eligibility, '')) LIKE '%county%'"


def _any_of(expression: str, fragments: list[str], key: str, params: dict, postgres: bool) -> str:
    """`expression` contains one of `fragments` (lower-case): one regular expression on PostgreSQL, which reads
    the expression once per row instead of once per fragment; LIKEs on SQLite, which has no regular expressions."""
    if postgres:
        params[key] = "|".join(re.escape(fragment) for fragment in fragments)
        return f"{expression} ~ :{key}"
    conditions = []
    for index, fragment in enumerate(fragments):
        params[f"{key}_{index}"] = f"%{fragment}%"
        conditions.append(f"{expression} LIKE :{key}_{index}")
    return "(" + " OR ".join(conditions) + ")"


def _boost_sql(modifiers: Modifiers, params: dict, postgres: bool = False, coming: bool = False) -> str:
    """A SQL expression of every boost that does not depend on the text match; shared by both lookups. `coming`:
    a ride is asked with this need, and a service that comes to the person needs none."""
    parts = []
    if coming:
        comes = _any_of("lower(r.name || ' ' || coalesce(r.description, ''))", list(_COMES_TO_YOU), "comes", params,
                        postgres)  # fmt: skip
        parts.append(f"CASE WHEN {comes} THEN {ALSO_SERVES_BOOST} ELSE 0 END")
    # Any one of the asked languages (or populations) is what was asked for; two do not count double.
    if modifiers.languages:
        spoken = _any_of("lower(r.languages)", [language.lower() for language in modifiers.languages], "lang", params,
                         postgres)  # fmt: skip
        parts.append(f"CASE WHEN {spoken} THEN {LANGUAGE_BOOST} ELSE 0 END")
    if modifiers.asked_in_spanish and "Spanish" not in modifiers.languages:
        parts.append(
            f"CASE WHEN lower(r.languages) LIKE '%spanish%' THEN {ASKED_IN_SPANISH_BOOST} ELSE 0 END"
        )
    if modifiers.populations:
        # Whom its eligibility names first: "Anyone in the county. Adults 60+ may apply by phone." is for anyone.
        eligibility = "coalesce(r.eligibility, '')"
        first_sentence = (f"split_part({eligibility}, '. ', 1)" if postgres
                          else f"substr({eligibility}, 1, instr({eligibility} || '. ', '. '))")  # fmt: skip
        said = f"lower(coalesce(r.name, '') || ' ' || coalesce(r.description, '') || ' ' || {first_sentence})"
        listed = _any_of("lower(r.populations)", list(modifiers.populations), "pop", params, postgres)
        # Or its own text says so ("rides for adults 60+"), when the directory has no populations column.
        words = [word for population in modifiers.populations for word in POPULATION_TEXT.get(population, ())]
        text_says = f" OR {_any_of(said, words, 'popword', params, postgres)}" if words else ""
        parts.append(f"CASE WHEN {listed}{text_says} THEN {POPULATION_BOOST} ELSE 0 END")
    # Its description, eligibility or hours name the place: a mobile pantry's stops, a service area.
    mentioned = ("lower(coalesce(r.description, '') || ' ' || coalesce(r.eligibility, '') || ' ' || "
                 "coalesce(r.hours, '')) LIKE :city_like")  # fmt: skip
    if modifiers.place:
        # Located there, or a mobile, delivery or phone service whose text says it reaches the place.
        params["city"] = vocabulary.normalize(modifiers.place)
        params["city_like"] = f"%{modifiers.place.lower()}%"
        parts.append(f"CASE WHEN r.normalized_city = :city THEN {PLACE_BOOST} WHEN {mentioned} "
                     f"THEN {PLACE_MENTION_BOOST} WHEN {_COUNTYWIDE} THEN {COUNTYWIDE_BOOST} ELSE 0 END")  # fmt: skip

    if modifiers.zip_code:
        params["zip"] = modifiers.zip_code
        params["zip3"] = modifiers.zip_code[:3]
        # The ZIP's town, as the directory files it: another ZIP of the same town is in it, and a mobile or phone
        # service whose text names the town reaches it ("near 55109" is "near Oak Hollow").
        town = ""
        if modifiers.zip_town:
            params["zip_city"] = vocabulary.normalize(modifiers.zip_town)
            params["zip_city_like"] = f"%{modifiers.zip_town.lower()}%"
            zip_mentioned = mentioned.replace(":city_like", ":zip_city_like")
            town = (f"WHEN r.normalized_city = :zip_city THEN {PLACE_BOOST} "
                    f"WHEN {zip_mentioned} THEN {PLACE_MENTION_BOOST} ")  # fmt: skip
        parts.append(
            f"CASE WHEN substr(r.postal_code, 1, 5) = :zip THEN {PLACE_BOOST} {town}"
            f"WHEN {_COUNTYWIDE} THEN {COUNTYWIDE_BOOST} "
            f"WHEN substr(r.postal_code, 1, 3) = :zip3 THEN {NEARBY_ZIP_BOOST} ELSE 0 END"
        )
    conditions = []
    for key in modifiers.open_when:
        for index, pattern in enumerate(HOURS_PATTERNS.get(key, (f"%{key}%",))):
            params[f"open_{key}_{index}"] = pattern
            conditions.append(f"lower(r.hours) LIKE :open_{key}_{index}")
    if conditions:
        parts.append(f"CASE WHEN {' OR '.join(conditions)} THEN {OPEN_WHEN_BOOST} ELSE 0 END")
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
        # Asked groups of people are matched by the population boost (column or text), not ranked as need words.
        words = list(dict.fromkeys([*need.term_words, *need.extra_words]))
        return [w for w in words if len(w) > 1 and w not in vocabulary.STOPWORDS], False
    words = need.phrase.split() or list(need.extra_words)
    return [w for w in dict.fromkeys(words) if len(w) > 1 and w not in vocabulary.STOPWORDS], True


def _text_candidates(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, pool: int
) -> dict[int, float]:
    """resource id -> text relevance, for resources whose text matches the need's words."""
    words, require_all = _text_words(need, modifiers)
    if need.categories:
        # Words most resources contain ("food" in a food directory) say nothing the category does not already
        # say, and ranking them would read a large part of the index: leave them out.
        common = common_words(session, words[:8])
        words = [word for word in words[:8] if word not in common]
    if not words:
        return {}
    params: dict = {"team": team_id, "pool": pool}
    if is_postgres(session):
        params["query"] = tsquery(words, require_all)
        # ts_rank has no inverse document frequency, so a common word in a name outweighs a rare word in a
        # description; adding the share of the question's words a resource contains restores that balance. Its
        # rank is divided by 1 + log(length), as bm25 normalizes length on SQLite: a long description that says
        # a word in passing ranks below a short one about it.
        coverage = []
        for index, word in enumerate(words):
            params[f"w{index}"] = tsquery([word], False)
            coverage.append(
                f"CASE WHEN r.search_vector @@ to_tsquery('english', :w{index}) THEN 1 ELSE 0 END"
            )
        statement = text(
            f"SELECT r.id, ts_rank(r.search_vector, q, 1) + 3.0 * ({' + '.join(coverage)}) / {len(coverage)} "
            "AS relevance FROM resource r, to_tsquery('english', :query) q "
            "WHERE r.search_vector @@ q AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY relevance DESC, r.id LIMIT :pool"
        )
    else:
        params["query"] = fts5_query(words, require_all)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        statement = text(
            f"SELECT r.id, -bm25(fts_resource, {weights}) AS relevance "
            "FROM fts_resource JOIN resource r ON r.id = fts_resource.rowid "
            "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL "
            "ORDER BY relevance DESC, r.id LIMIT :pool"
        )
    return {row[0]: float(row[1]) for row in session.execute(statement, params)}


# A family may be children, teens or an expecting mother; a woman may be expecting.
_GROUPS_WITHIN = {"families": {"children", "youth", "pregnant"}, "women": {"pregnant"}}


def _group_columns(modifiers: Modifiers) -> str:
    # Whom a resource serves is read only when the question names a group: its texts are long to fetch.
    return "r.name, r.eligibility" if modifiers.populations or modifiers.grown else "NULL, NULL"


def _with_group_fit(rows, modifiers: Modifiers) -> dict[int, tuple[str, float]]:
    """(id, categories, boost, name, eligibility) rows as id -> (categories, boost), less FOR_ANOTHER_GROUP when
    the question asks for a group of people and the resource serves only other groups."""
    asked = set(modifiers.populations)
    for group, within in _GROUPS_WITHIN.items():
        if group in asked:
            asked |= within
    scored = {}
    for resource_id, categories, boost, name, eligibility in rows:
        groups = restricted_groups(name or "", eligibility or "") if asked or modifiers.grown else frozenset()
        penalty = 0.0
        # A grown person: a program only for the young is for another age, unless the question names that age
        # itself ("a mother and her two kids" may use a children's program, not a youth shelter).
        if modifiers.grown and groups and groups <= _YOUNG and not groups & set(modifiers.populations):
            penalty = FOR_ANOTHER_AGE
        elif groups and asked and groups - asked == groups:
            # A family is of any age: only a group said as such is an age.
            penalty = FOR_ANOTHER_AGE if _other_age(set(modifiers.populations), groups) else FOR_ANOTHER_GROUP
        scored[resource_id] = (categories or "", float(boost) + penalty)
    return scored


_YOUNG, _GROWN = frozenset({"children", "youth"}), frozenset({"seniors", "veterans"})


def _other_age(asked: set[str], groups: frozenset[str]) -> bool:
    """A youth shelter for a homeless veteran, a senior center for a teenager: no one is both ages at once."""
    return any(asked & side and groups & other and not groups & side
               for side, other in ((_GROWN, _YOUNG), (_YOUNG, _GROWN)))


def _scores(
    session: Session, team_id: str, ids: list[int], modifiers: Modifiers, now: datetime, coming: bool = False
) -> dict[int, tuple[str, float]]:
    """resource id -> (categories, boost) for the candidates that are in this workspace and not retired."""
    params: dict = {"team": team_id, "ids": ids}
    boost = _boost_sql(modifiers, params, coming=coming)
    statement = text(
        f"SELECT r.id, r.categories, {boost} AS boost, {_group_columns(modifiers)} FROM resource r "
        "WHERE r.id IN :ids AND r.team_id = :team AND r.retired_at IS NULL"
    ).bindparams(bindparam("ids", expanding=True), *_time_params(now))
    return _with_group_fit(session.execute(statement, params), modifiers)


_PLANNER = text("SELECT set_config('enable_seqscan', :on, true), set_config('enable_indexscan', :on, true)")


@contextmanager
def through_the_index(session: Session) -> Iterator[None]:
    """PostgreSQL, for a LIMITed text lookup: expecting matches spread evenly, the planner would rather read the
    table in order, testing each row's text until enough match (12 ms at 100,000 resources when they cluster, the
    whole table when nothing matches), than ask the GIN index (3 ms); inside this block it asks the index."""
    session.execute(_PLANNER, {"on": "off"})
    try:
        yield
    finally:
        session.execute(_PLANNER, {"on": "on"})


def _postgres_modifier_members(session: Session, modifier_query: str, params: dict) -> list[int]:
    """The first MODIFIER_POOL resources the GIN index finds for the need's categories and every asked modifier."""
    with through_the_index(session):
        statement = text(f"SELECT m.id FROM resource m WHERE m.search_vector @@ {modifier_query} "
                         "AND m.team_id = :team AND m.retired_at IS NULL LIMIT :modifier_pool")  # fmt: skip
        return [row[0] for row in session.execute(statement, params)]


def _postgres_scores(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, now: datetime, text_ids: list[int],
    coming: bool = False,
) -> dict[int, tuple[str, float]]:
    """_scores for PostgreSQL with the category lookup inside the same statement: one round trip and one plan
    instead of one per lookup (the modifier lookup goes first, on its own, see _postgres_modifier_members)."""
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
            params["modifier_ids"] = _postgres_modifier_members(session, modifier_query, params)
            sources.append("SELECT unnest(CAST(:modifier_ids AS integer[]))")
    boost = _boost_sql(modifiers, params, postgres=True, coming=coming)
    # "= ANY(ARRAY(...))" makes the candidate ids one array, read through the primary key: a join would tempt
    # the planner into scanning the whole table when it is small.
    statement = text(
        f"SELECT r.id, r.categories, {boost} AS boost, {_group_columns(modifiers)} FROM resource r "
        "WHERE r.id = ANY(ARRAY("
        + " UNION ".join(sources)
        + ")) AND r.team_id = :team AND r.retired_at IS NULL"
    ).bindparams(*_time_params(now))
    return _with_group_fit(session.execute(statement, params), modifiers)


_WHOM_IT_SERVES = frozenset({"veterans"})  # categories that name a group of people rather than a service


def _main_service(categories: str) -> str:
    """The first category a resource is filed under that is a service; "veterans" names whom it serves: the
    veterans' legal clinic filed under veterans, then legal, is legal help."""
    filed = categories.split(";")
    return next((category for category in filed if category not in _WHOM_IT_SERVES), filed[0])


def _rank(
    session: Session, team_id: str, need: Need, modifiers: Modifiers, now: datetime, wanted: int,
    companions: tuple[str, ...] = (),
) -> tuple[list[tuple[int, float]], int]:
    """Best (resource id, score) pairs for a need, and how many candidates there were.

    The work is bounded whatever the directory's size: candidates come from three lookups that stop early (the
    newest CATEGORY_POOL resources of each category, those of the categories offering every asked modifier,
    the TEXT_POOL best full-text matches on the need's distinctive words), then only those are scored."""
    text_pool = max(TEXT_POOL, wanted + 10)
    by_text = _text_candidates(session, team_id, need, modifiers, text_pool)
    # Said in so many words by a resource filed elsewhere: after the need's own resources, before mere mentions.
    naming, saying = named_and_said(session, team_id, need)
    coming = "transportation" in companions and "transportation" not in need.categories
    if is_postgres(session):
        scored = _postgres_scores(session, team_id, need, modifiers, now, sorted(set(by_text) | naming | saying),
                                  coming)  # fmt: skip
    else:
        candidates = set(by_text) | naming | saying
        if need.categories:
            candidates.update(_category_members(session, team_id, need.categories, CATEGORY_POOL))
            candidates.update(_modifier_members(session, team_id, need, modifiers, MODIFIER_POOL))
        scored = _scores(session, team_id, sorted(candidates), modifiers, now, coming) if candidates else {}
    if not scored:
        return [], 0
    best_text = max(by_text.values(), default=0.0)
    # Resources beyond the text pool are not scored on text at all; measuring from the weakest one in a full pool
    # keeps them level with it, and a word every resource contains (all scores equal) then counts for nothing.
    floor_text = min(by_text.values()) if len(by_text) >= text_pool else 0.0
    weights = {category: FIRST_CATEGORY if index == 0 else OTHER_CATEGORY
               for index, category in enumerate(need.categories[:4])}  # fmt: skip
    scores: dict[int, float] = {}
    covers_all: set[int] = set()
    for resource_id, (categories, boost) in scored.items():
        filed_under = set(categories.split(";"))
        matched = sorted((weight for category, weight in weights.items() if category in filed_under), reverse=True)
        # The need's categories are alternatives ("diapers": childcare or goods); being filed under more of them
        # is only a little more evidence.
        category_score = (matched[0] + EXTRA_CATEGORY * (len(matched) - 1)) if matched else 0.0
        if matched and _main_service(categories) in weights:
            # Filed under it first: the resource's main service (logging and imports keep the best category first).
            category_score += MAIN_SERVICE
        if resource_id in naming:
            # It names the program or thing asked for: as good as filed under the need, wherever it is filed.
            category_score = max(category_score, FIRST_CATEGORY) + NAMES_THE_SERVICE
        if not category_score and resource_id in saying:
            category_score = SAYS_THE_NEED
        relevance = by_text.get(resource_id, floor_text)
        text_score = (
            TEXT_WEIGHT * (relevance - floor_text) / (best_text - floor_text)
            if best_text > floor_text
            else 0.0
        )
        if category_score and companions and filed_under.intersection(companions):
            # Asked with other needs ("food and a ride to get there"): one place that covers them too comes first.
            if filed_under.issuperset(companions):
                covers_all.add(resource_id)  # filed under this need and every other one
            category_score += ALSO_SERVES_BOOST
        if category_score or not need.categories:
            scores[resource_id] = category_score + text_score + boost
        elif resource_id in by_text:
            # Filed under another need: shown only after the need's own resources, on its words alone.
            scores[resource_id] = text_score
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if covers_all:
        # The best place filed under every need asked leads, however it is worded: it is the one referral that
        # answers the whole question.
        first = next(index for index, (resource_id, _) in enumerate(ranked) if resource_id in covers_all)
        ranked.insert(0, ranked.pop(first))
    return ranked, len(ranked)


def best_money_help(session: Session, team_id: str, need: Need, modifiers: Modifiers,
                    shown: set[int]) -> tuple[int, float] | None:
    """The best resource whose main service is money (an emergency fund, a benefits office) and whose text speaks
    of what the need asks to pay for, not among `shown`; None if there is none. Paying rent or a bill is a money
    need too, and a county's one-time emergency fund is filed under money, not under every bill it pays."""
    words = [*need.term_words, *need.extra_words,
             *(word for category in need.categories for word in vocabulary.tokens(vocabulary.label(category)))]
    money = Need(categories=("money",), term_words=tuple(dict.fromkeys(words)), extra_words=(), matched_terms=(),
                 phrase="")  # fmt: skip
    said = {resource_id: relevance for resource_id, relevance in
            _text_candidates(session, team_id, money, modifiers, MONEY_TEXT_POOL).items() if resource_id not in shown}
    if not said:
        return None
    # Money must be its main service: a foreclosure desk filed under housing, then money, is housing help.
    statement = text("SELECT id FROM resource WHERE id IN :ids AND (categories = 'money' OR categories LIKE "
                     "'money;%')").bindparams(bindparam("ids", expanding=True))  # fmt: skip
    funds = [row[0] for row in session.execute(statement, {"ids": list(said)})]
    best = max(funds, key=lambda resource_id: (said[resource_id], -resource_id), default=None)
    return (best, said[best]) if best is not None else None
