"""Answers "who can help with X?" from the resource directory and the partners. No Slack imports.

    answer = who_can_help(session, team_id, "who can help with food and a ride to get there?")
    for need in answer.needs: need.hits (ranked resources), need.partners (matching partner organizations)

How a need is ranked (bot/search/query.py turns the question into needs and modifiers first):
1. Candidates come from lookups that stop early, so the cost does not grow with the directory: the newest
   resources filed under the need's categories (resourcecategory index); those of the categories that offer
   every asked language, population and place (full-text index); and the best full-text matches on the need's
   distinctive words (SQLite FTS5 ranked by bm25 with per-column weights; PostgreSQL tsvector with a GIN index,
   ts_rank plus the share of words matched; name > organization/categories > description > place). Words most
   resources contain ("food" in a food directory) are left to the category.
2. Score = category fit (the need's first category counts most) + text relevance (scaled to the best text hit)
   + boosts: the asked language, population and place (any one of each); verified recently; mentioned often;
   "This helped" feedback; minus "Info is outdated" flags, and minus a little for a service only for another
   group than the one asked for. Retired resources are never candidates. A resource whose name or description
   names the program an abbreviation stands for ("SNAP") or the thing asked for ("formula") counts as filed under
   the need; others filed under other needs come after the need's own, on their words alone. A need that is a
   matter of paying (rent, a bill) gives its last place to the best emergency fund that speaks of it, unless a
   money resource holds it.
3. A need without a recognized category must match all of its words, so an unanswerable question gets nothing
   rather than a wild guess; nothing found is recorded as an unmet need (redacted, normalized, counted).
   When results exist but none offers an asked language or population, that gap is recorded too
   (need_key "food|in Tagalog"), without a QuestionLog row of its own.

The question is redacted (bot.platform.privacy) before anything else; only the redacted text is used, and it is
never logged. QuestionLog keeps one row per need (category or normalized phrase, result count, surface).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.partners.matching import PartnerMatch, matching_partners
from bot.platform import clock, vocabulary
from bot.platform.privacy import Redaction, redact
from bot.platform.privacy.allowlist import keep_known_words
from bot.search.emergency import is_medical_emergency
from bot.search.gaps import closest_place, known_place, town_of_zip, uncovered_words
from bot.search.query import POPULATION_TEXT, Modifiers, Need, ParsedQuery, asks_to_pay, parse_query
from bot.search.ranking import _rank, best_money_help
from bot.search.spelling import directory_words_in, respelled
from bot.search.story import only_circumstances
from models.directory import Resource
from models.search import QuestionLog, ResourceFeedback, UnmetNeed

__all__ = [
    "MAX_QUESTION_LENGTH",
    "NeedAnswer",
    "ResourceHit",
    "SearchAnswer",
    "answer_parsed",
    "record_feedback",
    "redact_query",
    "who_can_help",
]

MAX_QUESTION_LENGTH = 500  # a question, not an essay; longer text is refused with a message
PER_NEED_WHEN_SEVERAL = 3


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
    uncovered: str = ""  # words of the need no resource mentions ("equine" therapy): nothing was guessed

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
    problem: str | None = None  # "empty" | "too_long" | "no_need" | "emergency": nothing was searched
    offset: int = 0
    parsed: ParsedQuery | None = None  # what was understood (no text), kept with a conversation's answer

    @property
    def answered(self) -> bool:
        return any(need.answered for need in self.needs)


# ---------------------------------------------------------------------------------------------------------------
# Redaction


def redact_query(query_text: str) -> Redaction:
    return redact(query_text)


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
        if " " in word:  # a phrase ("child care" for "childcare")
            if f" {word} " in f" {searchable} ":
                reasons.append(f'"{word}"')
        elif word in searchable_words or (len(word) >= 4 and any(w.startswith(word) for w in searchable_words)):
            reasons.append(f'"{word}"')
    languages = (resource.languages or "").lower()
    for language in modifiers.languages:
        if language.lower() in languages:
            reasons.append(f"speaks {language}")
    populations = (resource.populations or "").lower()
    # Whom its eligibility names first, as ranking reads it ("Anyone. Adults 60+ may apply by phone." is for anyone).
    said = " ".join([resource.name, resource.description, (resource.eligibility or "").split(". ", 1)[0]]).lower()
    for population in modifiers.populations:
        if population in populations or any(word in said for word in POPULATION_TEXT.get(population, ())):
            reasons.append(f"serves {population}")
    if modifiers.place and resource.normalized_city == vocabulary.normalize(modifiers.place):
        reasons.append(f"in {resource.city}")
    if modifiers.zip_code and (resource.postal_code or "")[:5] == modifiers.zip_code:
        reasons.append(f"in {modifiers.zip_code}")
    elif modifiers.zip_code and modifiers.zip_town and resource.normalized_city == vocabulary.normalize(
            modifiers.zip_town):
        reasons.append(f"in {resource.city}")
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
    # Any one of the asked populations is what was asked for ("kids" also reads as families).
    if modifiers.populations and not any(
        f"serves {population}" in hit.reasons for hit in hits for population in modifiers.populations
    ):
        missing.append("for " + " or ".join(modifiers.populations))
    return " ".join(missing)


def _partners_for(session: Session, team_id: str, categories: tuple[str, ...]) -> list:
    if not categories:
        return []
    return list(matching_partners(session, team_id, list(categories)))


# ---------------------------------------------------------------------------------------------------------------
# Recording


def need_key(need: Need) -> str:
    """The stable key of a need in QuestionLog and UnmetNeed: its category id, or its normalized phrase."""
    return (need.category or keep_known_words(need.phrase) or "unrecognized")[:200]


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
    # Only recognized words are kept: a category's name, or the dictionary words of the phrase.
    label = need.label if need.category else keep_known_words(need.phrase)
    return f"{label} {with_modifiers}".strip()


def _recognizable(need: Need) -> bool:
    """A need the bot can name: a category, or real words ("dog grooming"), not "asdkjhasd"."""
    return bool(need.categories) or bool(keep_known_words(need.phrase))


def _placed(session: Session, team_id: str, need: Need) -> Need | None:
    """The need as it is searched: a need the vocabulary cannot place but that names a program the directory
    names ("OSAR referral for residential tx") is searched by those names alone; None when nothing is there."""
    if need.categories:
        return need
    if only_circumstances(tuple(need.phrase.split())):
        return None  # "hospitalized for 3 weeks": the story of another need, not one of its own
    named = directory_words_in(session, team_id, need.extra_words)
    if named:
        return replace(need, phrase=" ".join(named), extra_words=tuple(named))
    return need if _recognizable(need) else None


HELP_PAYING = "help paying"  # why an emergency fund shows among a bill's answers


def _with_money_help(session: Session, ranked: list[tuple[int, float]], money: tuple[int, float],
                     limit: int) -> list[tuple[int, float]]:
    """Paying for it: the best emergency fund or benefits office that speaks of it takes the place of the last
    resource of the first page not filed under money (one that is, already answers the paying), and the resource
    it displaces opens the next page. Unchanged if every resource of the first page is filed under money."""
    first = ranked[:limit]
    statement = select(Resource.id, Resource.categories).where(Resource.id.in_([i for i, _ in first]))
    filed = {resource_id: (categories or "").split(";") for resource_id, categories in session.exec(statement)}
    for index in range(len(first) - 1, -1, -1):
        if "money" not in filed.get(first[index][0], ["money"]):
            rest = [pair for pair in ranked[limit:] if pair[0] != money[0]]
            return [*first[:index], *first[index + 1 :], money, first[index], *rest]
    return ranked


def _resolved(session: Session, team_id: str, modifiers: Modifiers) -> Modifiers:
    """A place no resource is in is named back as unknown rather than silently searched for."""
    if modifiers.place and not known_place(session, team_id, modifiers.place):
        corrected = closest_place(session, team_id, modifiers.place)
        if corrected:
            return replace(modifiers, place=corrected, zip_town=None)
        return replace(modifiers, place=None, unknown_place=modifiers.place, zip_town=None)
    # The ZIP's town is looked up afresh each time (a refined question may have dropped its ZIP).
    zip_town = town_of_zip(session, team_id, modifiers.zip_code) if modifiers.zip_code and not modifiers.place else None
    return replace(modifiers, zip_town=zip_town)


# ---------------------------------------------------------------------------------------------------------------
# The question


def who_can_help(
    session: Session,
    team_id: str,
    query_text: str,
    *,
    limit: int = 5,
    limit_when_several: int = PER_NEED_WHEN_SEVERAL,
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
    if is_medical_emergency(redaction.text):
        # 911, not a directory: nothing is searched, and nothing is counted as an unmet need.
        return SearchAnswer(redaction.text, redaction.summary(), Modifiers(), [], problem="emergency")
    parsed: ParsedQuery = parse_query(redaction.text)
    return answer_parsed(session, team_id, parsed, query=redaction.text, privacy_notice=redaction.summary(),
                         limit=limit, limit_when_several=limit_when_several, offset=offset, surface=surface,
                         record=record, now=now)  # fmt: skip


def answer_parsed(
    session: Session,
    team_id: str,
    parsed: ParsedQuery,
    *,
    query: str = "",
    privacy_notice: str = "",
    limit: int = 5,
    limit_when_several: int = PER_NEED_WHEN_SEVERAL,
    offset: int = 0,
    surface: str = "slash",
    record: bool = True,
    now: datetime | None = None,
) -> SearchAnswer:
    """Ranked answers for an already parsed (redacted) question: a thread reply refining an earlier answer
    comes here with the needs and modifiers kept from it."""
    now = now or clock.utcnow()
    modifiers = _resolved(session, team_id, parsed.modifiers)
    needs = tuple(need for need in (_placed(session, team_id, respelled(session, team_id, need))
                                    for need in parsed.needs) if need is not None)
    parsed = ParsedQuery(text="", needs=needs, modifiers=modifiers)
    answer = SearchAnswer(query, privacy_notice, modifiers, [], offset=offset, parsed=parsed)
    if not needs:
        answer.problem = "no_need"
        return answer

    # Several needs: the best few of each, so the reply's first screen answers every need (Show more continues).
    # A need of unplaced words ("and to start treatment this week") is answered by its words alone, if at all.
    limit = limit if sum(1 for need in needs if need.categories) <= 1 else min(limit, limit_when_several)
    for need in needs:
        uncovered = uncovered_words(session, team_id, need)
        if uncovered:
            answer.needs.append(NeedAnswer(need, uncovered=" ".join(uncovered)))
            continue
        # A place that also serves the other needs leads the first need's answers; the later needs' answers
        # rank on their own, so that the reply names more places rather than the same one twice.
        others = tuple(c for other in needs[1:] for c in other.categories[:1]) if need is needs[0] else ()
        ranked, total = _rank(session, team_id, need, modifiers, now, offset + limit + 1, others)
        money = None
        if limit > PER_NEED_WHEN_SEVERAL and len(ranked) >= limit and asks_to_pay(need):
            money = best_money_help(session, team_id, need, modifiers, {i for i, _ in ranked[:limit]})
        if money:
            ranked = _with_money_help(session, ranked, money, limit)
            total = len(ranked)
        page = ranked[offset : offset + limit]
        rows = {r.id: r for r in session.exec(select(Resource).where(Resource.id.in_([i for i, _ in page])))}
        hits = [
            _hit(rows[resource_id], score, (*((HELP_PAYING,) if money and resource_id == money[0] else ()),
                                            *_reasons(rows[resource_id], need, modifiers, now)))
            for resource_id, score in page
            if resource_id in rows
        ]
        partners = _partners_for(session, team_id, need.categories) if offset == 0 else []
        need_answer = NeedAnswer(need, hits, partners, has_more=total > offset + limit)
        if hits:
            need_answer.unmet_modifiers = _unmet_modifiers(hits, modifiers)
        answer.needs.append(need_answer)

    if record and offset == 0:
        for need_answer in answer.needs:
            need = need_answer.need
            key = need_key(need)
            session.add(QuestionLog(team_id=team_id, asked_at=now, need_key=key, category=need.category,
                                    result_count=need_answer.result_count, surface=surface))  # fmt: skip
            if not need_answer.answered:
                phrase = _unmet_phrase(need, modifiers)
                if phrase:
                    _record_unmet(session, team_id, key, need.category, phrase, now)
            elif need_answer.unmet_modifiers:
                # Shown, but not what was asked for: "Food in Tagalog" is still a gap worth knowing about.
                _record_unmet(session, team_id, f"{key}|{need_answer.unmet_modifiers}"[:200], need.category,
                              _unmet_phrase(need, modifiers, need_answer.unmet_modifiers), now)  # fmt: skip
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
