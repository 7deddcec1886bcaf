"""Closed-loop referrals: sending one to a partner, the partner's one-click answer, the referrer's outcome, lists
and lookup by code.

Plain Python over a sqlmodel Session the handler opens. Functions take the session and the `Actor`, return
dataclasses and raise FeatureError; what needs Slack (posting the card, opening a DM) is the handler's, which tells
the service where the card went. No patient identifier is stored: the note is redacted first, and the person is
told what was removed. The owning workspace is always the installation's (`actor.team_id`).

Who may answer a referral: people of the partner's own workspace (its Slack Connect team) and its listed contacts;
for a partner with no workspace of its own, its contacts and the care team's stewards. People from another
organization see only their own partner's referrals.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.directory import access
from bot.partners.details import require_partner
from bot.platform import outbox, vocabulary
from bot.platform.actor import Actor
from bot.platform.audit import record as audit
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError
from bot.platform.privacy import redact
from bot.platform.slacktext import safe
from bot.referrals import jobs
from bot.referrals.commands import CODE_ALPHABET, Answer, ListReferrals, Outcome, SendReferral
from models.partners import Partner, PartnerChannel, PartnerContact, PartnerService
from models.referrals import DECLINE_REASONS, STATUSES, Referral

MAX_NOTE = 1000
OPEN_STATUSES = ("sent", "info_requested", "accepted")


# --------------------------------------------------------------------------------------------------------------
# What the views read
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInfo:
    id: int
    code: str
    partner_id: int
    partner_name: str
    need: str
    need_label: str
    urgency: str
    share_by: str
    note: str
    referrer_user_id: str
    status: str
    decline_reason: str | None
    answered_by_user_id: str | None
    outcome: str | None
    outcome_reason: str | None
    sent_at: datetime
    first_answer_at: datetime | None
    outcome_at: datetime | None
    card_channel_id: str | None
    card_ts: str | None
    contact_user_ids: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and self.outcome in (None, "working")


@dataclass(frozen=True)
class Capacity:
    """The partner's load this month against what it can take; `others` serve the same need and have room."""

    load: int
    per_month: int
    others: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """A referral ready to send: the note already redacted, where the card goes (None: no linked channel)."""

    partner_id: int
    partner_name: str
    need: str
    urgency: str
    share_by: str
    note: str
    removed_summary: str
    channel_id: str | None
    channel_shared: bool
    contact_user_ids: tuple[str, ...]
    capacity: Capacity | None

    def command(self) -> SendReferral:
        return SendReferral(self.partner_name, self.need, self.note, self.urgency, self.share_by)


@dataclass(frozen=True)
class Answered:
    referral: ReferralInfo
    kind: str  # accept | decline | info


def info_for(session: Session, referral: Referral, partner: Partner | None = None) -> ReferralInfo:
    partner = partner or session.get(Partner, referral.partner_id)
    return ReferralInfo(
        id=referral.id, code=referral.code, partner_id=referral.partner_id, partner_name=partner.name,
        need=referral.need, need_label=vocabulary.label(referral.need), urgency=referral.urgency,
        share_by=referral.share_by, note=referral.note, referrer_user_id=referral.referrer_user_id,
        status=referral.status, decline_reason=referral.decline_reason,
        answered_by_user_id=referral.answered_by_user_id, outcome=referral.outcome,
        outcome_reason=referral.outcome_reason, sent_at=referral.sent_at, first_answer_at=referral.first_answer_at,
        outcome_at=referral.outcome_at, card_channel_id=referral.card_channel_id, card_ts=referral.card_ts,
        contact_user_ids=contact_user_ids(session, partner.id),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------------------------------------------


def own_workspace(actor: Actor) -> str:
    """The workspace the person belongs to (another organization's for a Slack Connect guest)."""
    if actor.user_team_id:
        return actor.user_team_id
    profile = actor.profile
    return (profile.team_id if profile else None) or actor.team_id


def contact_user_ids(session: Session, partner_id: int) -> tuple[str, ...]:
    return tuple(
        user_id for user_id in session.exec(
            select(PartnerContact.user_id).where(PartnerContact.partner_id == partner_id,
                                                 PartnerContact.user_id.is_not(None)).order_by(PartnerContact.id))
    )  # fmt: skip


def speaks_for(session: Session, actor: Actor, partner: Partner) -> bool:
    """Whether the actor may answer for the partner (see the module's docstring)."""
    if actor.user_id in contact_user_ids(session, partner.id):
        return True
    if partner.slack_team_id:
        return own_workspace(actor) == partner.slack_team_id
    return not actor.is_external and access.is_steward(session, actor)


def visible_partner_ids(session: Session, actor: Actor) -> set[int] | None:
    """None: every partner (a member of the workspace); else the partners a guest's organization is."""
    if not actor.is_external:
        return None
    team = own_workspace(actor)
    own = session.exec(select(Partner.id).where(Partner.team_id == actor.team_id, Partner.slack_team_id == team))
    contact = session.exec(select(PartnerContact.partner_id).where(PartnerContact.team_id == actor.team_id,
                                                                   PartnerContact.user_id == actor.user_id))
    return set(own) | set(contact)


def _referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.team_id != actor.team_id:
        raise FeatureError("That referral no longer exists.")
    return referral


# --------------------------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------------------------


def monthly_load(session: Session, partner: Partner, now: datetime) -> int:
    """Accepted referrals this month, or the manual figure when someone set one."""
    if partner.current_load is not None:
        return partner.current_load
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return session.exec(
        select(func.count()).select_from(Referral).where(
            Referral.team_id == partner.team_id, Referral.partner_id == partner.id,
            Referral.accepted_at.is_not(None), Referral.accepted_at >= start)
    ).one()  # fmt: skip


def capacity_check(session: Session, partner: Partner, need: str, now: datetime) -> Capacity | None:
    """A warning when the partner is at capacity this month, with others serving the need who have room."""
    if partner.capacity_per_month is None:
        return None
    load = monthly_load(session, partner, now)
    if load < partner.capacity_per_month:
        return None
    others = session.exec(
        select(Partner).join(PartnerService, PartnerService.partner_id == Partner.id)
        .where(PartnerService.team_id == partner.team_id, PartnerService.category == need, Partner.id != partner.id)
        .order_by(Partner.name)
    ).all()  # fmt: skip
    with_room = tuple(
        p.name for p in others
        if p.capacity_per_month is None or monthly_load(session, p, now) < p.capacity_per_month
    )[:3]
    return Capacity(load, partner.capacity_per_month, with_room)


def _card_channel(session: Session, partner: Partner) -> tuple[str | None, bool]:
    """The partner's linked channel: a Slack Connect one first."""
    row = session.exec(
        select(PartnerChannel).where(PartnerChannel.partner_id == partner.id)
        .order_by(col(PartnerChannel.is_shared).desc(), PartnerChannel.id)
    ).first()  # fmt: skip
    return (row.channel_id, row.is_shared) if row else (None, False)


def prepare(session: Session, actor: Actor, command: SendReferral, *, now: datetime | None = None) -> Draft:
    """Everything a referral needs before it is sent; FeatureError for an unknown partner (with the closest
    names) or a guest from another organization."""
    if actor.is_external:
        raise FeatureError("Referrals are sent by the care team; you can answer the ones sent to you here.")
    partner = require_partner(session, actor.team_id, command.partner_name)
    redaction = redact(command.note[:MAX_NOTE])
    channel_id, shared = _card_channel(session, partner)
    return Draft(
        partner_id=partner.id, partner_name=partner.name, need=command.need, urgency=command.urgency,
        share_by=command.share_by, note=redaction.text, removed_summary=redaction.summary(), channel_id=channel_id,
        channel_shared=shared, contact_user_ids=contact_user_ids(session, partner.id),
        capacity=capacity_check(session, partner, command.need, now or utcnow()),
    )  # fmt: skip


def new_code(session: Session, team_id: str) -> str:
    """A short code, unique in the workspace (the UNIQUE constraint has the last word)."""
    while True:
        code = "R-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if session.exec(select(Referral.id).where(Referral.team_id == team_id, Referral.code == code)).first() is None:
            return code


def create(session: Session, actor: Actor, draft: Draft, *, rules: jobs.NudgeRules, now: datetime | None = None,
           channel_id: str | None = None) -> ReferralInfo:
    """Stores the referral (its card goes to `channel_id`, or the draft's channel) and plans the partner's
    nudge."""
    now = now or utcnow()
    partner = session.get(Partner, draft.partner_id)
    if partner is None or partner.team_id != actor.team_id:
        raise FeatureError("That partner no longer exists.")
    referral = Referral(
        team_id=actor.team_id, code=new_code(session, actor.team_id), partner_id=partner.id, need=draft.need,
        urgency=draft.urgency, share_by=draft.share_by, note=redact(draft.note).text,
        referrer_user_id=actor.user_id, status="sent", card_channel_id=channel_id or draft.channel_id,
        card_shared=draft.channel_shared if channel_id is None else False, sent_at=now,
    )  # fmt: skip
    session.add(referral)
    session.flush()
    audit(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="referral", entity_id=referral.id,
          action="create", fields=["partner", "need", "urgency", "note"])
    jobs.plan_answer_nudge(session, referral, partner, rules)
    return info_for(session, referral, partner)


def withdraw_unposted(session: Session, actor: Actor, referral_id: int) -> None:
    """A referral whose card could not be posted is not kept, and neither is its nudge."""
    referral = _referral(session, actor, referral_id)
    outbox.cancel_pending(session, actor.team_id, f"referral:{referral.id}:")
    session.delete(referral)


def card_posted(session: Session, actor: Actor, referral_id: int, channel_id: str, ts: str | None) -> None:
    referral = _referral(session, actor, referral_id)
    referral.card_channel_id, referral.card_ts = channel_id, ts
    session.add(referral)


# --------------------------------------------------------------------------------------------------------------
# The partner's answer and the outcome
# --------------------------------------------------------------------------------------------------------------


def answer(session: Session, actor: Actor, command: Answer, *, rules: jobs.NudgeRules,
           now: datetime | None = None) -> Answered:
    """The partner's answer. A referral is accepted or declined once; "need more info" may come before either."""
    now = now or utcnow()
    referral = _referral(session, actor, command.referral_id)
    partner = session.get(Partner, referral.partner_id)
    if not speaks_for(session, actor, partner):
        raise FeatureError(f"Only {safe(partner.name)}'s staff can answer this referral.")
    new_status = {"accept": "accepted", "decline": "declined", "info": "info_requested"}[command.kind]
    if referral.status in ("accepted", "declined") or referral.status == new_status:
        who = f" by <@{referral.answered_by_user_id}>" if referral.answered_by_user_id else ""
        raise FeatureError(f"{referral.code} was already answered{who}: {STATUSES[referral.status].lower()}.")
    referral.status, referral.answered_by_user_id = new_status, actor.user_id
    referral.decline_reason = command.reason if command.kind == "decline" else None
    if referral.first_answer_at is None:
        referral.first_answer_at = now
        referral.first_answer_seconds = int((now - referral.sent_at).total_seconds())
    if command.kind == "accept":
        referral.accepted_at = now
        jobs.plan_outcome_nudge(session, referral, rules)
    session.add(referral)
    audit(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="referral", entity_id=referral.id,
          action=f"answer_{command.kind}", fields=["status"])
    return Answered(info_for(session, referral, partner), command.kind)


def can_record_outcome(session: Session, actor: Actor, referral: Referral) -> bool:
    return not actor.is_external and (referral.referrer_user_id == actor.user_id or access.is_steward(session, actor))


def record_outcome(session: Session, actor: Actor, command: Outcome, *, now: datetime | None = None) -> ReferralInfo:
    """The referrer (or a steward) closes the loop: connected, not connected (with a reason), or still working."""
    referral = _referral(session, actor, command.referral_id)
    if not can_record_outcome(session, actor, referral):
        raise FeatureError(f"Only <@{referral.referrer_user_id}>, who sent {referral.code}, or a steward records "
                           "its outcome.")
    if referral.status == "declined" and command.outcome == "connected":
        raise FeatureError(f"{referral.code} was declined; refer again, or record it as not connected.")
    referral.outcome, referral.outcome_reason = command.outcome, command.reason
    referral.outcome_at = now or utcnow()
    session.add(referral)
    audit(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="referral", entity_id=referral.id,
          action="outcome", fields=["outcome"])
    return info_for(session, referral)


# --------------------------------------------------------------------------------------------------------------
# Lists and lookup
# --------------------------------------------------------------------------------------------------------------


def show(session: Session, actor: Actor, code: str) -> ReferralInfo:
    """A referral by its code, in this workspace and, for a guest, of their own organization."""
    referral = session.exec(select(Referral).where(Referral.team_id == actor.team_id, Referral.code == code)).first()
    visible = visible_partner_ids(session, actor)
    if referral is None or (visible is not None and referral.partner_id not in visible):
        raise FeatureError(f"There is no referral {code} in this workspace. `/refer list` shows the open ones.")
    return info_for(session, referral)


def list_referrals(session: Session, actor: Actor, command: ListReferrals, limit: int = 20) -> list[ReferralInfo]:
    query = select(Referral, Partner).join(Partner, Partner.id == Referral.partner_id).where(
        Referral.team_id == actor.team_id)
    visible = visible_partner_ids(session, actor)
    if visible is not None:
        query = query.where(col(Referral.partner_id).in_(visible or {-1}))
    if command.scope == "partner":
        partner = require_partner(session, actor.team_id, command.partner_name or "")
        query = query.where(Referral.partner_id == partner.id)
    else:
        query = query.where(col(Referral.status).in_(OPEN_STATUSES),
                            (Referral.outcome.is_(None)) | (Referral.outcome == "working"))
        if command.scope == "mine":
            query = query.where(Referral.referrer_user_id == actor.user_id)
    rows = session.exec(query.order_by(col(Referral.sent_at).desc()).limit(limit)).all()
    return [info_for(session, referral, partner) for referral, partner in rows]


def find_partner_id(session: Session, team_id: str, name: str) -> int | None:
    """The partner a typed name means, for preselecting it in the form; None when unclear."""
    try:
        return require_partner(session, team_id, name).id
    except FeatureError:
        return None


def open_for(session: Session, team_id: str, user_id: str, limit: int = 5) -> list[ReferralInfo]:
    """The person's open referrals (the App Home)."""
    actor = Actor(team_id=team_id, user_id=user_id, user_team_id=team_id)
    return list_referrals(session, actor, ListReferrals("mine"), limit)


def decline_label(reason: str | None) -> str:
    return DECLINE_REASONS.get(reason or "", "")

