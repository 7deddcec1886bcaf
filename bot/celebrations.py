"""Celebrating shared successes: the people and partner organizations behind them get a warm post in the channel,
the team gets a record of what worked (redacted text only), and partners get a monthly recap.

Plain Python over the database and a slack_sdk WebClient; handlers/celebrations.py adapts it to bolt.
"""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import distinct, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot import outbox, scheduler, vocabulary
from bot.clock import utcnow
from bot.db import Database
from bot.partners import (
    at_local_time,
    echo,
    normalize_name,
    partner_names,
    partners_for_channel,
    similar_names,
)
from bot.privacy import Redaction, redact
from bot.slacktext import neutralize, safe
from models.partners import (
    CelebrationPrompt,
    Partner,
    PartnerChannel,
    Success,
    SuccessPartner,
    SuccessPerson,
)

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 1500
RECAP_LOCAL_TIME = time(9, 0)
HIGHLIGHTS_PER_PARTNER = 3
NOT_IN_CHANNEL_ERRORS = ("not_in_channel", "channel_not_found", "is_archived")


class CelebrationError(Exception):
    """The celebration cannot go ahead; str(error) is the kind, specific message to show its author."""


# --------------------------------------------------------------------------------------------------------------
# Reading `/celebrate @user [@user…] [with <Partner Org>] for <what>`
# --------------------------------------------------------------------------------------------------------------

_USER_TOKEN = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_TOKEN = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_MASS_TOKEN = re.compile(r"<!(?:subteam\^[A-Z0-9]+|channel|here|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
_LINK_TOKEN = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
_BETWEEN_PEOPLE = re.compile(r"(?:\s|,|&|\+|\band\b)*", re.IGNORECASE)
_BETWEEN_PARTNERS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*\+\s*)", re.IGNORECASE)
_MENTION_OR_CHANNEL = re.compile(r"(<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>)")


@dataclass(frozen=True)
class CelebrateRequest:
    user_ids: tuple[str, ...]
    partner_names: tuple[str, ...]  # registered names, as stored
    what: str  # plain text, mass mentions neutralized, mentions as <@U…>; not yet redacted
    # A user group was named among the people; only individuals are credited (and groups are never pinged).
    mentioned_groups: bool = False


def unescape_slack(text: str) -> str:
    """Slack escapes &, < and > in what people type; tokens such as <@U1> arrive unescaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_what(text: str) -> str:
    """What people typed, made safe to keep: mass mentions and user groups neutralized, links readable, mention
    labels dropped (they carry display names and are re-rendered by Slack from the id)."""
    text = _USER_TOKEN.sub(lambda m: f"<@{m[1]}>", text)
    text = _CHANNEL_TOKEN.sub(lambda m: f"<#{m[1]}>", text)
    text = _LINK_TOKEN.sub(lambda m: f"{m[2]} ({m[1]})" if m[2] and m[2] != m[1] else m[1], text)
    return " ".join(neutralize(text).split())


def _partner_pattern(name: str) -> re.Pattern:
    words = normalize_name(name).split()
    # Punctuation between and after the words is free: "Eastside Food Bank (demo)", "Acme, Inc."
    return re.compile(
        r"[^\w&]+".join(re.escape(word) for word in words) + r"(?![\w&])[)\]\"'”’.]*", re.IGNORECASE
    )


def _match_partner(text: str, pos: int, patterns: list[tuple[str, re.Pattern]]) -> tuple[str, int] | None:
    for name, pattern in patterns:
        match = pattern.match(text, pos)
        if match:
            return name, match.end()
    return None


def parse_celebrate(text: str, known_partners: list[str], *, suggest: bool = True) -> CelebrateRequest:
    """Reads the people (leading mentions), the partner organizations (after "with"; only registered names, the
    longest that fits, so "Center for Food Justice" survives the "for") and what is being celebrated.
    `suggest=False` leaves registered names out of error messages (for people from other organizations)."""
    text = unescape_slack(text).strip()
    people: list[str] = []
    groups = False
    pos = 0
    while True:
        gap = _BETWEEN_PEOPLE.match(text, pos).end()
        if match := _USER_TOKEN.match(text, gap):
            people.append(match[1])
        elif match := _MASS_TOKEN.match(text, gap):
            groups = True
        else:
            break
        pos = match.end()
    rest = text[pos:].lstrip(" ,:;-")

    partners: list[str] = []
    if with_clause := re.match(r"with\s+", rest, re.IGNORECASE):
        # Longest names first so a partner whose name contains another's wins.
        patterns = [
            (name, _partner_pattern(name))
            for name in sorted(known_partners, key=len, reverse=True)
            if normalize_name(name)
        ]
        pos = with_clause.end()
        while found := _match_partner(rest, pos, patterns):
            partners.append(found[0])
            pos = found[1]
            separator = _BETWEEN_PARTNERS.match(rest, pos)
            if not separator or not _match_partner(rest, separator.end(), patterns):
                break
            pos = separator.end()
        if not partners:
            typed = re.split(r"\s+for\s+", rest[with_clause.end() :], maxsplit=1, flags=re.IGNORECASE)[0]
            typed = typed.strip(" .,;:") or rest[with_clause.end() :]
            hints = similar_names(known_partners, typed) if suggest else []
            hint = (
                f" Did you mean {' or '.join(f'*{safe(h)}*' for h in hints)}?"
                if hints
                else " Add it first with `/partner add <name>`, or leave out the `with …` part."
            )
            raise CelebrationError(f"I don't know a partner called “{echo(typed)}”.{hint}")
        rest = rest[pos:]

    rest = re.sub(r"^[\s,:;-]*(?:for\b)?", "", rest, flags=re.IGNORECASE)
    return CelebrateRequest(
        tuple(dict.fromkeys(people)), tuple(dict.fromkeys(partners)), plain_what(rest), groups
    )


def redact_what(what: str) -> tuple[str, str]:
    """Redacts the celebrated text piece by piece around mentions (so ids are never mistaken for numbers);
    returns (redacted text, "Removed for privacy: …" or "")."""
    removed: dict[str, int] = defaultdict(int)
    pieces = []
    for piece in _MENTION_OR_CHANNEL.split(what):
        if _MENTION_OR_CHANNEL.fullmatch(piece) or not piece.strip():
            pieces.append(piece)
            continue
        result = redact(piece)
        pieces.append(result.text)
        for kind, count in result.removed.items():
            removed[kind] += count
    return "".join(pieces), privacy_summary(removed)


def privacy_summary(removed: dict[str, int]) -> str:
    return Redaction("", dict(removed)).summary()


# --------------------------------------------------------------------------------------------------------------
# Celebrating
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditGroup:
    """People credited under one organization: our own team (partner_id None, is_home True), a registered
    partner, or another organization we have not registered."""

    organization: str
    user_ids: tuple[str, ...]
    partner_id: int | None = None
    is_home: bool = False


@dataclass(frozen=True)
class CelebrationPost:
    author_user_id: str
    groups: tuple[CreditGroup, ...]
    text: str  # redacted plain text with <@U…> mentions
    category_label: str | None
    celebrated_on: date

    @property
    def user_ids(self) -> list[str]:
        return [user for group in self.groups for user in group.user_ids]

    @property
    def organizations(self) -> list[str]:
        return [group.organization for group in self.groups if not group.is_home]


@dataclass(frozen=True)
class CelebrationResult:
    success_id: int
    channel_id: str
    message_ts: str
    removed_summary: str
    post: CelebrationPost


@dataclass(frozen=True)
class Person:
    user_id: str
    team_id: str
    timezone: str | None
    is_bot: bool = False


def look_up_person(client: WebClient, user_id: str, fallback_team: str) -> Person:
    """Who someone is as far as crediting goes: their own Slack team (Slack Connect people keep theirs)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        log.warning("users.info failed for a credited person: %s", error.response.get("error"))
        return Person(user_id, fallback_team, None)
    return Person(user_id, user.get("team_id") or fallback_team, user.get("tz"), bool(user.get("is_bot")))


def successes_today(session: Session, team_id: str, author_user_id: str, since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(Success)
        .where(
            Success.team_id == team_id,
            Success.author_user_id == author_user_id,
            Success.celebrated_at >= since,
        )
    ).one()


def start_of_local_day(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def _is_conversation(channel_id: str | None) -> bool:
    return bool(channel_id) and channel_id[0] in "CG"


def _slack_says_shared(client: WebClient, channel_id: str) -> bool:
    try:
        return bool(client.conversations_info(channel=channel_id)["channel"].get("is_ext_shared"))
    except SlackApiError as error:
        log.info("conversations.info failed: %s", error.response.get("error"))
        return True  # unknown: assume another organization may read it


def _partner_channel_for(session: Session, team_id: str, partner_ids: list[int]) -> str | None:
    """Where to post when the author asked from a DM: a channel linked to a credited partner. A shared (Slack
    Connect) channel qualifies only if every credited partner is linked to it, so one partner never reads
    about another's work in their channel."""
    if not partner_ids:
        return None
    links = session.exec(
        select(PartnerChannel)
        .where(PartnerChannel.team_id == team_id, PartnerChannel.partner_id.in_(partner_ids))
        .order_by(PartnerChannel.id)
    ).all()
    partners_by_channel: dict[str, set[int]] = defaultdict(set)
    shared: dict[str, bool] = {}
    for link in links:
        partners_by_channel[link.channel_id].add(link.partner_id)
        shared[link.channel_id] = shared.get(link.channel_id, False) or link.is_shared
    for channel_id in partners_by_channel:
        if not shared[channel_id]:
            return channel_id
    for channel_id, linked in partners_by_channel.items():
        if linked >= set(partner_ids):
            return channel_id
    return None


def check_request(*, author_user_id: str, user_ids: list[str], partner_ids: list[int], what: str) -> None:
    """The checks that need no Slack call or database: someone to thank, something to say, not only yourself."""
    if not what.strip():
        raise CelebrationError(
            "What are we celebrating? Add a few words after `for`, e.g. "
            "`/celebrate @ana with Eastside Food Bank for getting a family's groceries delivered`"
        )
    if len(what) > MAX_TEXT_LENGTH:
        raise CelebrationError(
            f"That's a lot to celebrate! Please keep it under {MAX_TEXT_LENGTH:,} characters."
        )
    if not user_ids and not partner_ids:
        raise CelebrationError(
            "Who should we celebrate? Mention the people (and `with` the partner organization)."
        )
    if user_ids == [author_user_id] and not partner_ids:
        raise CelebrationError(
            "You clearly did something great! :sparkles: Celebrations here are for shared wins, though: mention "
            "the teammates or the partner organization who made it happen with you."
        )


def check_daily_limit(
    session: Session, *, team_id: str, author_user_id: str, timezone: str, limit: int, now: datetime
) -> None:
    if successes_today(session, team_id, author_user_id, start_of_local_day(now, timezone)) >= limit:
        raise CelebrationError(
            f"You've shared {limit} celebrations today, which is the daily limit (it keeps partner "
            "channels readable). Nothing was posted; you can celebrate again tomorrow. :hourglass_flowing_sand:"
        )


def celebrate(
    db: Database,
    client: WebClient,
    *,
    team_id: str,
    author_user_id: str,
    author_team_id: str | None,
    channel_id: str | None,
    user_ids: list[str],
    partner_ids: list[int],
    what: str,
    daily_limit: int,
    default_timezone: str,
    emoji: str,
    now: datetime | None = None,
) -> CelebrationResult:
    """Posts the celebration, adds the reaction and records the success. Raises CelebrationError (nothing posted,
    nothing saved) when it cannot go ahead."""
    from bot.views.celebrations import celebration_blocks

    now = now or utcnow()
    user_ids = list(dict.fromkeys(user_ids))
    partner_ids = list(dict.fromkeys(partner_ids))
    check_request(author_user_id=author_user_id, user_ids=user_ids, partner_ids=partner_ids, what=what)

    author = look_up_person(client, author_user_id, author_team_id or team_id)
    author_team_id = author_team_id or author.team_id
    people = [look_up_person(client, user_id, team_id) for user_id in user_ids]
    if any(person.is_bot for person in people):
        raise CelebrationError("Bots don't need the credit :robot_face: Mention the people who did the work.")

    with db.session() as session:
        check_daily_limit(
            session,
            team_id=team_id,
            author_user_id=author_user_id,
            timezone=author.timezone or default_timezone,
            limit=daily_limit,
            now=now,
        )
        partners = {
            p.id: p
            for p in session.exec(
                select(Partner).where(Partner.team_id == team_id, Partner.id.in_(partner_ids or [-1]))
            )
        }
        if len(partners) != len(partner_ids):
            raise CelebrationError("One of those partners no longer exists. Pick them again, please.")
        groups = _credit_groups(session, team_id, people, [partners[i] for i in partner_ids])
        credited_ids = partner_ids + [
            g.partner_id for g in groups if g.partner_id and g.partner_id not in partner_ids
        ]
        target = channel_id if _is_conversation(channel_id) else None
        fallback = _partner_channel_for(session, team_id, credited_ids)
        outsiders, registry_says_shared = [], False
        if target is not None:
            linked_here = set(partner_channel_ids(session, team_id, target))
            names = {g.partner_id: g.organization for g in groups if g.partner_id}
            outsiders = [names[i] for i in credited_ids if i not in linked_here]
            registry_says_shared = is_shared_channel(session, team_id, target)
    if target is not None and outsiders and (registry_says_shared or _slack_says_shared(client, target)):
        # A Slack Connect channel is read by another organization: it must not learn about other partners.
        raise CelebrationError(
            f"<#{target}> is shared with another organization, so I won't post about "
            f"{', '.join(f'*{safe(name)}*' for name in outsiders)} there. "
            "Run `/celebrate` in an internal channel, or in a DM with me to use the partner's own channel."
        )
    if target is None and fallback is None:
        raise CelebrationError(
            "Where should I post it? Run `/celebrate` in the channel you share with the team, or link a channel "
            "to the partner with `/partner edit <name>`."
        )

    text, removed_summary = redact_what(what)
    categories = vocabulary.detect_categories(text)
    category = categories[0] if categories else None
    category_entry = vocabulary.get(category) if category else None
    local_day = now.astimezone(ZoneInfo(author.timezone or default_timezone)).date()
    post = CelebrationPost(
        author_user_id,
        tuple(groups),
        text,
        category_entry.display_name if category_entry else None,
        local_day,
    )
    fallback_text, blocks = celebration_blocks(post)

    posted_channel, message_ts = None, None
    for candidate in dict.fromkeys(c for c in (target, fallback) if c):
        try:
            response = client.chat_postMessage(
                channel=candidate, text=fallback_text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as error:
            if error.response.get("error") in NOT_IN_CHANNEL_ERRORS:
                continue
            raise
        posted_channel, message_ts = response["channel"], response["ts"]
        break
    if posted_channel is None:
        where = target or fallback
        raise CelebrationError(
            f"I can't post in <#{where}> yet. Invite me with `/invite @partnerbot` and try again; nothing was saved."
        )
    try:
        client.reactions_add(channel=posted_channel, timestamp=message_ts, name=emoji)
    except SlackApiError as error:  # the post is what matters; a missing reaction is not worth failing over
        log.warning("could not add the celebration reaction: %s", error.response.get("error"))

    with db.session() as session:
        success = Success(
            team_id=team_id,
            channel_id=posted_channel,
            message_ts=message_ts,
            author_user_id=author_user_id,
            author_team_id=author_team_id,
            text=text,
            category=category,
            celebrated_at=now,
        )
        session.add(success)
        session.flush()
        team_of = {person.user_id: person.team_id for person in people}
        session.add_all(
            SuccessPerson(
                success_id=success.id, user_id=user_id, user_team_id=team_of[user_id], team_id=team_id
            )
            for user_id in user_ids
        )
        credited = dict.fromkeys([*partner_ids, *(g.partner_id for g in groups if g.partner_id)])
        session.add_all(
            SuccessPartner(success_id=success.id, partner_id=partner_id, team_id=team_id)
            for partner_id in credited
        )
        success_id = success.id
    return CelebrationResult(success_id, posted_channel, message_ts, removed_summary, post)


def _credit_groups(
    session: Session, team_id: str, people: list[Person], partners: list[Partner]
) -> list[CreditGroup]:
    """Our people first, then each partner with its own people (Slack Connect users whose team is the partner's),
    then anyone from an organization we have not registered."""
    home = [p.user_id for p in people if p.team_id == team_id]
    by_partner: dict[int, list[str]] = defaultdict(list)
    others: dict[str, list[str]] = defaultdict(list)
    ordered = list(partners)
    for person in people:
        if person.team_id == team_id:
            continue
        partner = next((p for p in ordered if p.slack_team_id == person.team_id), None)
        if partner is None:
            partner = session.exec(
                select(Partner)
                .where(Partner.team_id == team_id, Partner.slack_team_id == person.team_id)
                .order_by(Partner.id)
            ).first()
            if partner is not None:
                ordered.append(partner)
        if partner is not None:
            by_partner[partner.id].append(person.user_id)
        else:
            others[person.team_id].append(person.user_id)
    groups = [CreditGroup("Our team", tuple(home), is_home=True)] if home else []
    groups += [CreditGroup(p.name, tuple(by_partner[p.id]), partner_id=p.id) for p in ordered]
    groups += [CreditGroup("Partner organization", tuple(users)) for users in others.values()]
    return groups


def resolve_partner_names(session: Session, team_id: str, names: tuple[str, ...]) -> list[int]:
    ids = []
    for name in names:
        partner = session.exec(
            select(Partner).where(Partner.team_id == team_id, Partner.normalized_name == normalize_name(name))
        ).first()
        if partner is None:
            raise CelebrationError(f"I don't know a partner called “{echo(name)}”.")
        ids.append(partner.id)
    return ids


def known_partner_names(session: Session, team_id: str) -> list[str]:
    return partner_names(session, team_id)


# --------------------------------------------------------------------------------------------------------------
# The reaction flow: the celebration emoji on a message in a partner channel
# --------------------------------------------------------------------------------------------------------------


def claim_prompt(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    reactor_user_id: str,
    message_user_id: str | None,
    now: datetime,
) -> bool:
    """True the first time anyone reacts to this message; the UNIQUE key makes it once per message, even with
    several replicas receiving reactions at the same moment."""
    table = CelebrationPrompt.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(
        team_id=team_id,
        channel_id=channel_id,
        message_ts=message_ts,
        reactor_user_id=reactor_user_id,
        message_user_id=message_user_id,
        prompted_at=now,
    )
    statement = statement.on_conflict_do_nothing(index_elements=["team_id", "channel_id", "message_ts"])
    # RETURNING rather than rowcount: with psycopg, rowcount of this insert reads -1 even when a row was added.
    return session.execute(statement.returning(table.c.id)).first() is not None


def prompted_message_author(session: Session, team_id: str, channel_id: str, message_ts: str) -> str | None:
    return session.exec(
        select(CelebrationPrompt.message_user_id).where(
            CelebrationPrompt.team_id == team_id,
            CelebrationPrompt.channel_id == channel_id,
            CelebrationPrompt.message_ts == message_ts,
        )
    ).first()


def is_celebration_reaction(reaction: str, emoji: str) -> bool:
    return reaction.split("::", 1)[0] == emoji  # "tada::skin-tone-3" is still tada


# --------------------------------------------------------------------------------------------------------------
# Recaps: successes by partner for a month
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecapHighlight:
    success_id: int
    text: str
    user_ids: tuple[str, ...]
    celebrated_at: datetime
    channel_id: str


@dataclass(frozen=True)
class RecapGroup:
    partner_id: int | None
    partner_name: str  # "" for successes without a partner organization
    success_count: int
    people_count: int
    highlights: tuple[RecapHighlight, ...]


@dataclass(frozen=True)
class Recap:
    year: int
    month: int
    groups: tuple[RecapGroup, ...]
    total_successes: int
    total_people: int
    channel_only: str | None = None  # set when only successes shared in this channel are included
    timezone: str = "UTC"  # for showing dates

    @property
    def label(self) -> str:
        return f"{date(self.year, self.month, 1):%B %Y}"


def parse_month(text: str, today: date) -> tuple[int, int]:
    """ "", "this month", "last month", "march", "march 2026", "2026-03" -> (year, month). A month name alone
    means the most recent one (this month or earlier)."""
    from bot.partners import _MONTHS

    raw = " ".join(text.lower().replace(",", " ").split())
    if raw in ("", "this month", "current"):
        return today.year, today.month
    if raw in ("last month", "previous month"):
        first = today.replace(day=1) - timedelta(days=1)
        return first.year, first.month
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
        year, month = int(m[1]), int(m[2])
    elif (m := re.fullmatch(r"([a-z]+)\.?(?: (\d{4}))?", raw)) and m[1] in _MONTHS:
        month = _MONTHS[m[1]]
        year = int(m[2]) if m[2] else (today.year if month <= today.month else today.year - 1)
    else:
        raise CelebrationError(
            f"I couldn't read “{echo(text)}” as a month. Try `/celebrate recap march` or "
            "`/celebrate recap 2026-03`."
        )
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CelebrationError("That month doesn't exist. Try `/celebrate recap 2026-03`.")
    return year, month


def month_bounds(year: int, month: int, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in `timezone`, as aware UTC instants."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return at_local_time(date(year, month, 1), time(0), timezone), at_local_time(nxt, time(0), timezone)


def build_recap(
    session: Session,
    team_id: str,
    year: int,
    month: int,
    timezone: str,
    *,
    partner_ids: list[int] | None = None,
    channel_id: str | None = None,
    highlights_per_partner: int = HIGHLIGHTS_PER_PARTNER,
) -> Recap:
    """Successes by partner in one month, in three aggregate queries whatever the number of successes.
    `partner_ids` limits it to those partners; `channel_id` to successes posted in that channel (used for shared
    channels, so a partner only sees what was already shared with them)."""
    start, end = month_bounds(year, month, timezone)
    conditions = [Success.team_id == team_id, Success.celebrated_at >= start, Success.celebrated_at < end]
    if channel_id:
        conditions.append(Success.channel_id == channel_id)
    partner_col = SuccessPartner.partner_id
    base = (
        select(Success.id)
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
    )
    if partner_ids is not None:
        conditions.append(partner_col.in_(partner_ids or [-1]))

    counts = session.exec(
        select(partner_col, func.count(distinct(Success.id)), func.count(distinct(SuccessPerson.user_id)))
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
        .outerjoin(SuccessPerson, SuccessPerson.success_id == Success.id)
        .where(*conditions)
        .group_by(partner_col)
    ).all()
    if not counts:
        return Recap(year, month, (), 0, 0, channel_id, timezone)
    totals = session.exec(
        select(func.count(distinct(Success.id)), func.count(distinct(SuccessPerson.user_id)))
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
        .outerjoin(SuccessPerson, SuccessPerson.success_id == Success.id)
        .where(*conditions)
    ).one()

    rank = func.row_number().over(
        partition_by=partner_col, order_by=(Success.celebrated_at.desc(), Success.id.desc())
    )
    ranked = (
        base.add_columns(
            partner_col.label("partner_id"),
            Success.text,
            Success.celebrated_at,
            Success.channel_id,
            rank.label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    top = session.execute(sa_select(ranked).where(ranked.c.rank <= highlights_per_partner)).all()
    success_ids = {row.id for row in top}
    people: dict[int, list[str]] = defaultdict(list)
    if success_ids:
        for success_id, user_id in session.exec(
            select(SuccessPerson.success_id, SuccessPerson.user_id)
            .where(SuccessPerson.success_id.in_(success_ids))
            .order_by(SuccessPerson.user_id)
        ):
            people[success_id].append(user_id)
    highlights: dict[int | None, list[RecapHighlight]] = defaultdict(list)
    for row in sorted(top, key=lambda r: r.rank):
        highlights[row.partner_id].append(
            RecapHighlight(row.id, row.text, tuple(people[row.id]), row.celebrated_at, row.channel_id)
        )
    names = dict(
        session.exec(
            select(Partner.id, Partner.name).where(
                Partner.id.in_([pid for pid, _, _ in counts if pid is not None] or [-1])
            )
        ).all()
    )
    groups = [
        RecapGroup(
            pid, names.get(pid, "") if pid is not None else "", n_successes, n_people, tuple(highlights[pid])
        )
        for pid, n_successes, n_people in counts
    ]
    # Partners by number of successes; successes without a partner last.
    groups.sort(key=lambda g: (g.partner_id is None, -g.success_count, g.partner_name.lower()))
    return Recap(year, month, tuple(groups), totals[0], totals[1], channel_id, timezone)


def set_monthly_recap(session: Session, team_id: str, channel_id: str, enabled: bool) -> int:
    links = session.exec(
        select(PartnerChannel).where(
            PartnerChannel.team_id == team_id, PartnerChannel.channel_id == channel_id
        )
    ).all()
    for link in links:
        link.monthly_recap = enabled
        session.add(link)
    return len(links)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5:  # Saturday, Sunday
        day += timedelta(days=1)
    return day


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def recap_key(channel_id: str, year: int, month: int) -> str:
    return f"recap:{channel_id}:{year:04d}-{month:02d}"


@dataclass
class _RecapChannel:
    team_id: str
    channel_id: str
    timezone: str
    owner_user_id: str
    partner_ids: list[int] = field(default_factory=list)


def _recap_channels(session: Session, team_id: str | None = None) -> list[_RecapChannel]:
    query = (
        select(PartnerChannel, Partner)
        .join(Partner, Partner.id == PartnerChannel.partner_id)
        .where(PartnerChannel.monthly_recap.is_(True))
        .order_by(PartnerChannel.id)
    )
    if team_id:
        query = query.where(PartnerChannel.team_id == team_id)
    channels: dict[tuple[str, str], _RecapChannel] = {}
    for link, partner in session.exec(query):
        entry = channels.setdefault(
            (link.team_id, link.channel_id),
            _RecapChannel(link.team_id, link.channel_id, partner.timezone, partner.owner_user_id),
        )
        entry.partner_ids.append(partner.id)
    return list(channels.values())


@scheduler.periodic("celebration_recaps", 3600)
def plan_monthly_recaps(db: Database, now: datetime) -> None:
    """Plans each partner channel's recap of the previous month, due at 9:00 local time on the first working day
    of this month (and already next month's, so a restart around the 1st loses nothing). The outbox key makes it
    exactly once per channel and month."""
    with db.session() as session:
        for channel in _recap_channels(session):
            today = now.astimezone(ZoneInfo(channel.timezone)).date()
            next_month = (today.year + (today.month == 12), today.month % 12 + 1)
            for year, month in ((today.year, today.month), next_month):
                due_at = at_local_time(first_working_day(year, month), RECAP_LOCAL_TIME, channel.timezone)
                if due_at < now - timedelta(hours=1):
                    continue  # this month's recap is past; never post a stale one
                recap_year, recap_month = _previous_month(year, month)
                outbox.enqueue(
                    session,
                    team_id=channel.team_id,
                    key=recap_key(channel.channel_id, recap_year, recap_month),
                    kind="celebration_recap",
                    due_at=due_at,
                    payload={
                        "channel": channel.channel_id,
                        "year": recap_year,
                        "month": recap_month,
                        "owner_user_id": channel.owner_user_id,
                        "description": f"the {date(recap_year, recap_month, 1):%B} recap of shared successes",
                    },
                )


def recap_for_channel(session: Session, team_id: str, channel_id: str, year: int, month: int) -> Recap | None:
    """The recap a partner channel gets: its partners' successes; in a shared channel only those celebrated there.
    None when the channel is no longer linked or its recap was turned off."""
    links = session.exec(
        select(PartnerChannel, Partner)
        .join(Partner, Partner.id == PartnerChannel.partner_id)
        .where(PartnerChannel.team_id == team_id, PartnerChannel.channel_id == channel_id)
    ).all()
    if not links or not all(link.monthly_recap for link, _ in links):
        return None
    shared = any(link.is_shared for link, _ in links)
    return build_recap(
        session,
        team_id,
        year,
        month,
        links[0][1].timezone,
        partner_ids=[partner.id for _, partner in links],
        channel_id=channel_id if shared else None,
    )


@outbox.sender("celebration_recap")
def send_monthly_recap(delivery: outbox.Delivery) -> None:
    from bot.views.celebrations import recap_blocks

    payload = delivery.payload
    with delivery.db.session() as session:
        recap = recap_for_channel(
            session, delivery.team_id, payload["channel"], payload["year"], payload["month"]
        )
    if recap is None or recap.total_successes == 0:
        return  # unlinked, turned off, or a quiet month: nothing to post
    text, blocks = recap_blocks(recap, monthly=True, late=delivery.late)
    delivery.client.chat_postMessage(channel=payload["channel"], text=text, blocks=blocks, unfurl_links=False)


def partner_channel_ids(session: Session, team_id: str, channel_id: str) -> list[int]:
    return [p.id for p in partners_for_channel(session, team_id, channel_id)]


def is_shared_channel(session: Session, team_id: str, channel_id: str) -> bool:
    return bool(
        session.exec(
            select(PartnerChannel.id).where(
                PartnerChannel.team_id == team_id,
                PartnerChannel.channel_id == channel_id,
                PartnerChannel.is_shared.is_(True),
            )
        ).first()
    )
