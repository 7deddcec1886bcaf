"""Celebrating shared successes: the people and partner organizations behind them get a warm post in the channel,
the team gets a record of what worked (redacted text only), and partners get a monthly recap.

Plain Python over a sqlmodel Session the handler opens; functions take the session and the `Actor` and raise
FeatureError. What needs Slack comes in as `SlackFacts` (each credited person's workspace, whether the channel is
read by another organization), and posting is the handler's: `prepare` returns what to post and where, `record`
saves it once Slack has it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.celebrations.commands import GROUPS_NOT_CREDITED, MAX_TEXT_LENGTH, MENTION_OR_CHANNEL, Celebrate
from bot.celebrations.recap import Recap, build_recap
from bot.partners import service as registry
from bot.partners.commands import MEMBERS_ONLY
from bot.partners.details import (
    find_partner,
    partner_choices,
    partner_names,
    partners_for_channel,
    require_partner,
    unknown_partner_message,
)
from bot.partners.names import clean_name, lookup
from bot.platform import vocabulary
from bot.platform.actor import Actor
from bot.platform.clock import local_today, start_of_local_day
from bot.platform.errors import FeatureError
from bot.platform.privacy import Redaction, redact
from bot.platform.slacktext import safe
from models.celebrations import CelebrationPrompt, Success, SuccessPartner, SuccessPerson
from models.partners import Partner, PartnerChannel


def redact_what(what: str) -> tuple[str, dict[str, int]]:
    """Redacts the celebrated text piece by piece around mentions (so ids are never mistaken for numbers);
    returns the redacted text and how many identifiers of each kind were removed."""
    removed: dict[str, int] = defaultdict(int)
    pieces = []
    for piece in MENTION_OR_CHANNEL.split(what):
        if MENTION_OR_CHANNEL.fullmatch(piece) or not piece.strip():
            pieces.append(piece)
            continue
        result = redact(piece)
        pieces.append(result.text)
        for kind, count in result.removed.items():
            removed[kind] += count
    return "".join(pieces), dict(removed)


def privacy_summary(removed: Mapping[str, int]) -> str:
    """ "Removed for privacy: 1 name, 1 date of birth", or "" when nothing was removed."""
    return Redaction("", dict(removed)).summary()


# --------------------------------------------------------------------------------------------------------------
# What a celebration is made of
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
class Person:
    """Someone credited, as Slack knows them: their own workspace (Slack Connect people keep theirs)."""

    user_id: str
    team_id: str
    is_bot: bool = False


@dataclass(frozen=True)
class SlackFacts:
    """What the handler asked Slack before celebrating."""

    people: tuple[Person, ...]
    channel_maybe_shared: bool = (
        False  # Slack says another organization reads the target channel (or can't say)
    )


@dataclass(frozen=True)
class CelebrationPlan:
    post: CelebrationPost
    channels: tuple[str, ...]  # where to post, in order: the channel asked from, then a partner's channel
    people: tuple[Person, ...]
    partner_ids: tuple[int, ...]  # every partner credited
    category: str | None
    removed: dict[str, int]
    registered: tuple[str, ...]  # partners registered on the way, by the person's choice
    mentioned_groups: bool
    celebrated_at: datetime

    @property
    def removed_summary(self) -> str:
        return privacy_summary(self.removed)


@dataclass(frozen=True)
class CelebrationResult:
    success_id: int
    channel_id: str
    message_ts: str
    plan: CelebrationPlan


# --------------------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------------------


def check_request(actor: Actor, command: Celebrate, *, partners: int) -> None:
    """The checks that need no Slack call or database: someone to thank, something to say, not only yourself."""
    try:
        if not command.what.strip():
            raise FeatureError(
                "What are we celebrating? Add a few words after `for`, e.g. "
                "`/celebrate @ana with Eastside Food Bank for getting a family's groceries delivered`"
            )
        if len(command.what) > MAX_TEXT_LENGTH:
            raise FeatureError(
                f"That's a lot to celebrate! Please keep it under {MAX_TEXT_LENGTH:,} characters."
            )
        if not command.user_ids and not partners:
            raise FeatureError(
                "Who should we celebrate? Mention the people (and `with` the partner organization)."
            )
        if command.user_ids == (actor.user_id,) and not partners:
            raise FeatureError(
                "You clearly did something great! :sparkles: Celebrations here are for shared wins, though: "
                "mention the teammates or the partner organization who made it happen with you."
            )
    except FeatureError as error:
        if command.mentioned_groups and not command.user_ids:
            raise FeatureError(f"{error.message}\n{GROUPS_NOT_CREDITED}") from None
        raise


def check_daily_limit(session: Session, actor: Actor, *, limit: int, timezone: str, now: datetime) -> None:
    since = start_of_local_day(now, timezone)
    count = session.exec(
        select(func.count())
        .select_from(Success)
        .where(
            Success.team_id == actor.team_id,
            Success.author_user_id == actor.user_id,
            Success.celebrated_at >= since,
        )
    ).one()
    if count >= limit:
        raise FeatureError(
            f"You've shared {limit} celebrations today, which is the daily limit (it keeps partner "
            "channels readable). Nothing was posted; you can celebrate again tomorrow. :hourglass_flowing_sand:"
        )


# --------------------------------------------------------------------------------------------------------------
# Partners nobody registered: the choice offered before celebrating
# --------------------------------------------------------------------------------------------------------------


def known_partner_names(session: Session, actor: Actor) -> list[str]:
    return partner_names(session, actor.team_id)


@dataclass(frozen=True)
class UnknownPartner:
    typed: str  # as typed; quote it with `echo`
    suggestions: tuple[str, ...]  # registered names close to it (members only)
    can_register: bool  # reads as an organization's name and the person may register it


@dataclass(frozen=True)
class PartnerOffer:
    """`/celebrate … with X` where X is not registered: register it and celebrate, or celebrate without it."""

    unknown: tuple[UnknownPartner, ...]
    draft: Celebrate  # the celebration with its text redacted, its registered partners as ids
    removed: dict[str, int]
    can_skip: bool  # without the unknown partners someone is still thanked

    @property
    def can_register(self) -> bool:
        return any(partner.can_register for partner in self.unknown)

    @property
    def removed_summary(self) -> str:
        return privacy_summary(self.removed)


def _registrable(actor: Actor, typed: str) -> bool:
    if actor.is_external:
        return False
    try:
        registry.redacted_name(clean_name(typed))
    except FeatureError:
        return False
    return True


def offer_partners(session: Session, actor: Actor, command: Celebrate) -> PartnerOffer:
    """What to ask when partners after `with` are not registered. Nothing is posted or saved."""
    check_request(actor, command, partners=len(command.partner_names) + len(command.unknown_partners))
    names = partner_names(session, actor.team_id)
    unknown = tuple(
        UnknownPartner(
            typed, lookup(names, typed, suggest=not actor.is_external).suggestions, _registrable(actor, typed)
        )
        for typed in command.unknown_partners
    )
    partner_ids = tuple(_require_ids(session, actor, command.partner_names))
    text, removed = redact_what(command.what)
    draft = replace(
        command,
        what=text,
        partner_names=(),
        partner_ids=partner_ids,
        unknown_partners=tuple(clean_name(u.typed) for u in unknown if u.can_register),
    )
    try:
        check_request(actor, replace(draft, unknown_partners=()), partners=len(partner_ids))
        can_skip = True
    except FeatureError:
        can_skip = False
    return PartnerOffer(unknown, draft, removed, can_skip)


def _require_ids(session: Session, actor: Actor, names: tuple[str, ...]) -> list[int]:
    return [require_partner(session, actor.team_id, name).id for name in names]


def _register(session: Session, actor: Actor, names: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """Registers the partners the person chose to add (owned by them); ids of all, and the names added."""
    if actor.is_external:
        raise FeatureError(MEMBERS_ONLY)
    ids, added = [], []
    for typed in names:
        partner = find_partner(session, actor.team_id, clean_name(typed))
        if partner is None:
            partner = registry.create_partner(
                session,
                team_id=actor.team_id,
                owner_user_id=actor.user_id,
                name=typed,
                timezone=actor.timezone,
            )
            added.append(partner.name)
        ids.append(partner.id)
    return ids, added


# --------------------------------------------------------------------------------------------------------------
# Celebrating
# --------------------------------------------------------------------------------------------------------------


def _own_team(actor: Actor) -> str:
    """The author's own workspace: a partner's staff member celebrating in a shared channel keeps theirs."""
    if actor.user_team_id:
        return actor.user_team_id
    profile = actor.profile
    return (profile.team_id if profile else None) or actor.team_id


def prepare(
    session: Session, actor: Actor, command: Celebrate, facts: SlackFacts, *, daily_limit: int, now: datetime
) -> CelebrationPlan:
    """Checks a celebration and works out its post and where it goes. Raises FeatureError (nothing posted, nothing
    saved) when it cannot go ahead. Partners the person chose to register are registered here."""
    if command.unknown_partners and not command.register_unknown:
        raise FeatureError(unknown_partner_message(command.unknown_partners[0], ()))
    partner_ids = [*command.partner_ids, *_require_ids(session, actor, command.partner_names)]
    check_request(actor, command, partners=len(partner_ids) + len(command.unknown_partners))
    people = tuple(facts.people)
    if any(person.is_bot for person in people):
        raise FeatureError("Bots don't need the credit :robot_face: Mention the people who did the work.")
    check_daily_limit(session, actor, limit=daily_limit, timezone=actor.timezone, now=now)
    registered: list[str] = []
    if command.register_unknown:
        new_ids, registered = _register(session, actor, command.unknown_partners)
        partner_ids += new_ids
    partner_ids = list(dict.fromkeys(partner_ids))
    partners = {
        p.id: p
        for p in session.exec(
            select(Partner).where(Partner.team_id == actor.team_id, Partner.id.in_(partner_ids or [-1]))
        )
    }
    if len(partners) != len(partner_ids):
        raise FeatureError("One of those partners no longer exists. Pick them again, please.")
    groups = _credit_groups(session, actor.team_id, people, [partners[i] for i in partner_ids])
    credited = list(dict.fromkeys([*partner_ids, *(g.partner_id for g in groups if g.partner_id)]))
    channels = _where_to_post(session, actor.team_id, command.channel_id, groups, credited, facts)

    text, removed = redact_what(command.what)
    for kind, count in command.removed:
        removed[kind] = removed.get(kind, 0) + count
    categories = vocabulary.detect_categories(text)
    category = categories[0] if categories else None
    entry = vocabulary.get(category) if category else None
    post = CelebrationPost(
        actor.user_id,
        tuple(groups),
        text,
        entry.display_name if entry else None,
        local_today(now, actor.timezone),
    )
    return CelebrationPlan(
        post,
        channels,
        people,
        tuple(credited),
        category,
        removed,
        tuple(registered),
        command.mentioned_groups,
        now,
    )


def _where_to_post(
    session: Session,
    team_id: str,
    channel_id: str | None,
    groups: list[CreditGroup],
    credited: list[int],
    facts: SlackFacts,
) -> tuple[str, ...]:
    target = channel_id if channel_id and channel_id[0] in "CG" else None
    fallback = _partner_channel_for(session, team_id, credited)
    if target is not None:
        linked_here = {p.id for p in partners_for_channel(session, team_id, target)}
        names = {g.partner_id: g.organization for g in groups if g.partner_id}
        outsiders = [names[i] for i in credited if i not in linked_here]
        if outsiders and (is_shared_channel(session, team_id, target) or facts.channel_maybe_shared):
            # A Slack Connect channel is read by another organization: it must not learn about other partners.
            raise FeatureError(
                f"<#{target}> is shared with another organization, so I won't post about "
                f"{', '.join(f'*{safe(name)}*' for name in outsiders)} there. "
                "Run `/celebrate` in an internal channel, or in a DM with me to use the partner's own channel."
            )
    if target is None and fallback is None:
        raise FeatureError(
            "Where should I post it? Run `/celebrate` in the channel you share with the team, or link a channel "
            "to the partner with `/partner edit NAME`."
        )
    return tuple(dict.fromkeys(c for c in (target, fallback) if c))


def record(
    session: Session, actor: Actor, plan: CelebrationPlan, channel_id: str, message_ts: str
) -> CelebrationResult:
    """Saves a celebration Slack has posted: the redacted text, who and which partners it credits."""
    success = Success(
        team_id=actor.team_id,
        channel_id=channel_id,
        message_ts=message_ts,
        author_user_id=actor.user_id,
        author_team_id=_own_team(actor),
        text=plan.post.text,
        category=plan.category,
        celebrated_at=plan.celebrated_at,
    )
    session.add(success)
    session.flush()
    session.add_all(
        SuccessPerson(
            success_id=success.id, user_id=person.user_id, user_team_id=person.team_id, team_id=actor.team_id
        )
        for person in plan.people
    )
    session.add_all(
        SuccessPartner(success_id=success.id, partner_id=partner_id, team_id=actor.team_id)
        for partner_id in plan.partner_ids
    )
    session.flush()
    return CelebrationResult(success.id, channel_id, message_ts, plan)


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


def _credit_groups(
    session: Session, team_id: str, people: tuple[Person, ...], partners: list[Partner]
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


# --------------------------------------------------------------------------------------------------------------
# The form, the reaction flow and recap settings
# --------------------------------------------------------------------------------------------------------------


def form_choices(
    session: Session, actor: Actor, channel_id: str | None
) -> tuple[list[tuple[int, str]], list[int]]:
    """The partners the form offers, and those preselected (the channel's). Someone from another organization
    sees only the partners of the channel they are in."""
    channel_partners = partners_for_channel(session, actor.team_id, channel_id) if channel_id else []
    if actor.is_external:
        choices = [(p.id, p.name) for p in channel_partners]
    else:
        choices = partner_choices(session, actor.team_id)
    return choices, [p.id for p in channel_partners]


def claim_prompt(
    session: Session,
    actor: Actor,
    *,
    channel_id: str,
    message_ts: str,
    message_user_id: str | None,
    now: datetime,
) -> bool:
    """True the first time anyone reacts to this message in a partner channel; the UNIQUE key makes it once per
    message, even with several replicas receiving reactions at the same moment."""
    if not partners_for_channel(session, actor.team_id, channel_id):
        return False
    table = CelebrationPrompt.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(
            team_id=actor.team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            reactor_user_id=actor.user_id,
            message_user_id=message_user_id,
            prompted_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "message_ts"])
    )
    # RETURNING rather than rowcount: with psycopg, rowcount of this insert reads -1 even when a row was added.
    return session.execute(statement.returning(table.c.id)).first() is not None


def prompted_message_author(session: Session, actor: Actor, channel_id: str, message_ts: str) -> str | None:
    return session.exec(
        select(CelebrationPrompt.message_user_id).where(
            CelebrationPrompt.team_id == actor.team_id,
            CelebrationPrompt.channel_id == channel_id,
            CelebrationPrompt.message_ts == message_ts,
        )
    ).first()


def is_celebration_reaction(reaction: str, emoji: str) -> bool:
    return reaction.split("::", 1)[0] == emoji  # "tada::skin-tone-3" is still tada


def recap(session: Session, actor: Actor, year: int, month: int, channel_id: str | None) -> Recap:
    """`/celebrate recap`: successes by partner. People from other organizations only see what was already
    shared in the channel they ask from."""
    return build_recap(
        session,
        actor.team_id,
        year,
        month,
        actor.default_timezone,
        channel_id=(channel_id or "") if actor.is_external else None,
    )


def set_monthly_recap(session: Session, actor: Actor, channel_id: str, enabled: bool) -> int:
    """Turns a partner channel's monthly recap on or off; how many partner links the channel has."""
    if actor.is_external:
        raise FeatureError(MEMBERS_ONLY)
    links = session.exec(
        select(PartnerChannel).where(
            PartnerChannel.team_id == actor.team_id, PartnerChannel.channel_id == channel_id
        )
    ).all()
    for link in links:
        link.monthly_recap = enabled
        session.add(link)
    return len(links)


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
