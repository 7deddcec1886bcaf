"""Honest gaps for "who can help": the towns and ZIPs the directory knows (to name an unknown place back), and the
kinds of need nobody in the directory offers ("equine therapy", "car insurance")."""

from __future__ import annotations

from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import text
from sqlmodel import Session
from wordfreq import zipf_frequency

from bot.platform import clock, vocabulary
from bot.platform.db import is_postgres
from bot.search import ranking, word_counts
from bot.search.exclusions import only_denied
from bot.search.query import Need
from bot.search.spelling import forget_directory_words, is_dictionary_word

SPECIFIC_WORD_ZIPF = 4.5  # rarer words (under ~30 per million) said right before a need can name a kind of it
# Words that say how good, how costly or how soon, not what kind: "decent dentist" is still a dentist.
_QUALITIES = frozenset({
    "affordable", "inexpensive", "discounted", "reputable", "trustworthy", "reliable", "decent", "compassionate",
    "gentle", "qualified", "licensed", "certified", "accessible", "confidential", "anonymous", "temporary",
    "overnight", "virtual", "bilingual", "secondhand", "walkin",
})  # fmt: skip
# Whether there is any, and how much it costs: never what kind it is.
_HOW_MUCH = frozenset({"no", "sin", "without", "any", "some", "more", "new", "better", "cheap", "cheaper", "free",
                       "low", "lowcost", "good", "own", "enough", "full", "basic", "gratis"})  # fmt: skip
# Words that say where, when, how soon or how good, said before a need: never what kind it is.
_NOT_A_KIND = _HOW_MUCH | _QUALITIES | frozenset({
    "local", "nearby", "nearest", "closest", "other", "another", "different", "same", "regular", "normal", "usual",
    "real", "general", "simple", "quick", "fast", "urgent", "small", "big", "large", "little", "nice", "best", "right",
    "proper", "immediate", "ongoing", "short", "long", "longterm", "daily", "weekly", "monthly", "weekend", "night",
    "day", "morning", "evening", "permanent", "emergency", "crisis", "extra", "additional", "trusted", "certain",
    "specific", "special", "private", "public", "online", "person", "personal", "professional", "volunteer",
    "community", "county", "city", "state", "federal",
    "neighborhood", "area", "town", "downtown", "rural", "urban", "regional", "walk", "drop",
    # verbs said before what they act on: "afford therapy", "locate shelter"
    "afford", "locate", "find", "get", "need", "want", "apply", "obtain", "request", "arrange", "schedule", "book",
    "seek", "pay", "cover", "access", "receive", "keep", "start", "stop", "quit", "manage", "handle", "recommend",
    "suggest", "refer", "renew", "replace", "enroll", "join", "attend", "visit", "see", "call", "contact", "reach",
})  # fmt: skip
# Needs named by the form of help alone, which a word before them can make a kind nobody offers ("art therapy").
_BROAD_HEADS = frozenset(tuple(vocabulary.fold(word) for word in head.split()) for head in (
    "therapy", "therapist", "lawyer", "attorney", "rehab", "rehabilitation", "treatment", "counseling",
    "counselling", "counselor", "doctor", "clinic", "specialist", "class", "classes", "lesson", "lessons",
    "program", "group", "service", "care", "pantry", "shelter", "food pantry", "food bank", "food shelf",
))  # fmt: skip
# Said after a need, the form its help takes.
_SERVICE_FORMS = frozenset(vocabulary.fold(word) for word in (
    "hotline", "helpline", "waitlist", "navigator", "referral", "counselor", "screening", "consult", "consultation",
    "voucher", "kit", "clinic", "hearing", "pickup", "workshop", "shuttle", "coordinator", "advocate", "appointment",
    "intake", "provider", "closet", "evaluation", "assessment", "visit", "box", "boxes", "desk", "worker", "course",
    "meeting", "session", "lesson", "class", "classes", "training", "program", "service", "line", "office", "group",
))  # fmt: skip

_TOWNS_TTL = timedelta(minutes=10)
# (database, team) -> (until, {normalized town: town as written}, {ZIP: its town})
_towns: dict[tuple[str, str], tuple[datetime, dict[str, str], dict[str, str]]] = {}


def _directory_places(session: Session, team_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The workspace's towns (normalized -> as written) and the town each ZIP is filed under most, read at most
    every few minutes: reading them costs a scan of the directory, and towns change rarely."""
    key = (str(session.get_bind().engine.url), team_id)
    now = clock.utcnow()
    cached = _towns.get(key)
    if cached and cached[0] > now:
        return cached[1], cached[2]
    rows = session.execute(
        text("SELECT city, substr(postal_code, 1, 5) AS zip, count(*) AS n FROM resource "
             "WHERE team_id = :team AND city != '' GROUP BY city, substr(postal_code, 1, 5) LIMIT 5000"),
        {"team": team_id},
    ).all()  # fmt: skip
    towns = {vocabulary.normalize(row[0]): row[0] for row in rows}
    zip_towns: dict[str, str] = {}
    for city, zip_code, _ in sorted(rows, key=lambda row: row[2]):  # the most resources last, so they win
        if zip_code and len(zip_code) == 5 and zip_code.isdigit():
            zip_towns[zip_code] = city
    if len(_towns) > 1000:
        _towns.clear()
    _towns[key] = (now + _TOWNS_TTL, towns, zip_towns)
    return towns, zip_towns


def forget_cached_directory_facts() -> None:
    """Drops the cached towns, ZIPs and common words (tests empty the database between cases)."""
    _towns.clear()
    word_counts.forget_common_words()
    forget_directory_words()


def _directory_towns(session: Session, team_id: str) -> dict[str, str]:
    return _directory_places(session, team_id)[0]


def town_of_zip(session: Session, team_id: str, zip_code: str) -> str | None:
    """The town the directory files most of a ZIP's resources under, or None."""
    return _directory_places(session, team_id)[1].get(zip_code)


def closest_place(session: Session, team_id: str, place: str) -> str | None:
    """The directory's town a misspelled place stands for ("Eastpot" -> Eastport), or None."""
    towns = _directory_towns(session, team_id)
    best = process.extractOne(vocabulary.normalize(place), list(towns), scorer=fuzz.ratio, score_cutoff=85)
    return towns[best[0]] if best else None


def known_place(session: Session, team_id: str, place: str) -> bool:
    """Whether any resource of the workspace is in this town (an index lookup)."""
    statement = text("SELECT 1 FROM resource WHERE team_id = :team AND normalized_city = :city LIMIT 1")
    return session.execute(statement, {"team": team_id, "city": vocabulary.normalize(place)}).first() is not None


def _mentioned(session: Session, team_id: str, words: list[str], categories: tuple[str, ...] = (),
               prefixes: bool = True, every: bool = True) -> bool:
    """Whether some resource (filed under one of `categories`, when given) contains every one of `words` (or, with
    `every` false, any one), its word forms included (and, with `prefixes`, the longer words a short one begins)."""
    if is_postgres(session):
        query = word_counts.tsquery(words, every, prefixes)
        if categories:
            filed = " | ".join("(" + " <-> ".join(vocabulary.normalize(c).split()) + ")" for c in categories[:4])
            query = f"({filed}) & ({query})"
        statement = text("SELECT r.name, r.description, r.eligibility FROM resource r "
                         "WHERE r.search_vector @@ to_tsquery('english', :query) "
                         "AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool")  # fmt: skip
        # A word nobody mentions is the usual answer: read through the index, not row by row until one matches.
        with ranking.through_the_index(session):
            return _offered(session.execute(statement, {"query": query, "team": team_id, "pool": _READ}), words)
    query = word_counts.fts5_query(words, every, prefixes)
    if categories:
        filed = " OR ".join('"' + " ".join(vocabulary.tokens(c)) + '"' for c in categories[:4])
        query = "{categories} : (" + filed + ") AND (" + query + ")"
    statement = text("SELECT r.name, r.description, r.eligibility FROM fts_resource "
                     "JOIN resource r ON r.id = fts_resource.rowid "
                     "WHERE fts_resource MATCH :query AND r.team_id = :team AND r.retired_at IS NULL LIMIT :pool")  # fmt: skip
    return _offered(session.execute(statement, {"query": query, "team": team_id, "pool": _READ}), words)


_READ = 20  # resources read to find one that offers what it mentions; past that many, some surely does


def _offered(rows, words: list[str]) -> bool:
    """Whether one of the resources that mention `words` offers it, rather than saying it does not ("No dental")."""
    rows = rows.all()
    if len(rows) >= _READ:
        return True
    return any(not only_denied(". ".join(part or "" for part in row), words) for row in rows)


def _unoffered_kind(session: Session, team_id: str, need: Need) -> list[str]:
    """ "art therapy", "criminal defense lawyer", "cardiac rehab": words said right before the need that no
    resource of its kind mentions name a kind of it nobody offers. Empty when every such word is mentioned."""
    head = vocabulary.tokens(need.matched_terms[0]) if need.matched_terms else []
    if tuple(vocabulary.fold(word) for word in head) not in _BROAD_HEADS or not need.phrase.startswith(need.qualifiers[0]):
        return []  # a specific service ("attic insulation") or a sentence ("can't afford daycare")
    kinds = [word for word in need.qualifiers if len(word) >= 3 and word not in _NOT_A_KIND
             and not word.endswith(("ing", "ed")) and word not in vocabulary.STOPWORDS and is_dictionary_word(word)]  # fmt: skip
    if not kinds:
        return []
    if all(_mentioned(session, team_id, [word], need.categories) for word in kinds):
        return []
    return [*need.qualifiers, *vocabulary.tokens(need.matched_terms[0])]


# Words whose kind is set by the word before them: health insurance is coverage, car insurance is not.
_KIND_TAKEN_FROM_QUALIFIER = frozenset({"insurance", "repair", "repairs"})


def _unserved_service(session: Session, team_id: str, need: Need) -> list[str]:
    """ "hospice", "hearing aids", "free dental care": a service of its own within the need's category that no
    resource filed where it would be names (a ride to the dentist is no dentist), as the words that asked for it.
    Empty when some resource names it, or when the need is the category's broad one."""
    if need.categories and not need.matched_terms:
        return []
    said = [*need.matched_terms, *(vocabulary.gloss(term) for term in need.matched_terms)]
    # A need the vocabulary cannot place may still name a service by its phrase ("foster her dog").
    service = vocabulary.specific_service(need.categories[0] if need.categories else None, said, need.phrase)
    if service is None:
        return []
    # One lookup for any of its words; whole words and their forms only: "camps" is not "campus".
    if _mentioned(session, team_id, list(service.words), service.filed_under, prefixes=False, every=False):
        return []
    if not service.named_by_terms:
        return vocabulary.tokens(service.name)  # "car repair", not the "car" the vocabulary saw
    # The terms that asked for it ("bed bugs"), not the need's others ("apartment").
    asking = [term for term in need.matched_terms if vocabulary.normalize(term) in service.words] or need.matched_terms
    return [word for term in asking for word in vocabulary.tokens(term)]


def uncovered_words(session: Session, team_id: str, need: Need) -> list[str]:
    """The words that make a need a different one from its category's, when no resource mentions them: "equine
    therapy" is not therapy in general; nor is hospice the care of older adults in general. Empty otherwise."""
    if need.categories and need.qualifiers:
        unoffered = _unoffered_kind(session, team_id, need)
        if unoffered:
            return unoffered
    unserved = _unserved_service(session, team_id, need)
    if unserved:
        return unserved
    phrase = need.phrase.split()
    if not need.categories or len(phrase) != 2:
        return []  # a sentence is not the name of a kind of service
    qualifier, term = phrase
    if qualifier in _NOT_A_KIND or qualifier in vocabulary.STOPWORDS:
        return []  # "no insurance", "cheap insurance", "afford therapy": insurance, therapy
    terms = {vocabulary.fold(word) for word in need.term_words}

    def is_term(word: str) -> bool:
        # As written, or the term a typo of it was read as ("helth insurance" is health insurance).
        return vocabulary.fold(word) in terms or (need.fuzzy and any(
            OSA.distance(word, known, score_cutoff=2) <= (1 if len(word) < 8 else 2) for known in terms))  # fmt: skip

    if term in _KIND_TAKEN_FROM_QUALIFIER and (not is_term(qualifier) or len(need.categories) > 1):
        # "car insurance", "life insurance", "phone repair": the first word says what kind it is, not the need
        # the second names ("dental insurance" and "roof repair" are that need's), unless some resource says so.
        return [] if _mentioned(session, team_id, [f"{qualifier} {term}"]) else phrase
    # An uncommon word the vocabulary does not know, said right beside a need term, names a kind of it or a thing
    # done with it ("equine therapy", "teeth whitening"); an everyday word ("reverse an overdose") does not.
    leading = not is_term(qualifier)
    if not leading:
        if vocabulary.fold(term) in _SERVICE_FORMS:
            return []  # "IPV hotline", "ESL lessons": how the need is served, not another need
        qualifier, term = term, qualifier
    if (not is_term(term) or is_term(qualifier) or qualifier not in need.extra_words
            or need.said_apart or len(qualifier) < 4 or qualifier in _QUALITIES or not is_dictionary_word(qualifier)
            or max(zipf_frequency(qualifier, "en"), zipf_frequency(qualifier, "es")) >= SPECIFIC_WORD_ZIPF):  # fmt: skip
        return []  # a word no dictionary knows may be a typo ("childcare subsidey")
    if leading and qualifier.endswith(("ing", "ed")):
        return []  # a verb acting on the need ("mixing oxy"), not a kind of it
    if leading and zipf_frequency(qualifier, "es") > zipf_frequency(qualifier, "en"):
        return []  # Spanish names the kind after the need ("terapia de arte"): a word before it is a verb ("busco")
    if leading and (vocabulary.fold(term),) not in _BROAD_HEADS and _mentioned(session, team_id, [term],
                                                                               need.categories):  # fmt: skip
        return []  # "attic insulation": the service itself is offered, the word before it is a detail
    return [] if _mentioned(session, team_id, [qualifier]) else phrase
