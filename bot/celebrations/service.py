"""Celebrating shared successes: the people and partner organizations behind them get a warm post in the channel,
the team gets a record of what worked (redacted text only), and partners get a monthly recap.

Plain Python over the database and a slack_sdk WebClient; handlers/celebrations.py adapts it to bolt.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.celebrations.commands import _MENTION_OR_CHANNEL, MAX_TEXT_LENGTH, CelebrationError
from bot.celebrations.views import celebration_blocks
from bot.partners.commands import echo, normalize_name
from bot.partners.service import partner_names, partners_for_channel
from bot.platform import vocabulary
from bot.platform.clock import start_of_local_day, utcnow
from bot.platform.db import Database
from bot.platform.privacy import Redaction, redact
from bot.platform.slacktext import safe
from models.celebrations import CelebrationPrompt, Success, SuccessPartner, SuccessPerson
from models.partners import Partner, PartnerChannel

log = logging.getLogger(__name__)
NOT_IN_CHANNEL_ERRORS = ("not_in_channel", "channel_not_found", "is_archived")


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
