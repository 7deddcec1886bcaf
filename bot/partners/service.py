"""The partner registry: organizations a care team works with, what they offer, how much room they have, who to
reach, where the team talks with them, and the agreements that need renewing.

Plain Python over a sqlmodel Session the handler opens. Functions take the session and the `Actor`, return
dataclasses and raise FeatureError; what needs Slack (whether a channel is shared, a contact's workspace) comes in
as data. Anyone in the workspace adds and reads partners; changing one (its fields, owner, channel links,
agreements, name) or removing it is for its owner, stewards and admins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.directory import access
from bot.partners.commands import (
    MEMBERS_ONLY,
    AddPartner,
    EditPartner,
    PartnerChanges,
    RemovePartner,
    RenamePartner,
    SetRenewal,
    ShowPartner,
)
from bot.partners.details import PartnerDetails, details_for, find_partner, require_partner
from bot.partners.jobs import plan_agreement_reminders
from bot.partners.names import clean_name, normalize_name
from bot.platform import outbox, pending
from bot.platform.actor import Actor
from bot.platform.audit import record as audit
from bot.platform.channels import ChannelFacts
from bot.platform.clock import local_today, utcnow
from bot.platform.errors import FeatureError
from bot.platform.privacy import NAME_DOUBT, Redaction, redact
from bot.platform.review import SAVE, Review, review_of
from bot.platform.slacktext import safe
from models.partners import (
    Agreement,
    Partner,
    PartnerChannel,
    PartnerContact,
    PartnerService,
)

# --------------------------------------------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------------------------------------------


NOTES_SURFACE = "partner_notes"


def require_member(actor: Actor) -> None:
    """People from other organizations (Slack Connect guests) never read or change the registry."""
    if actor.is_external:
        raise FeatureError(MEMBERS_ONLY)


def can_manage(session: Session, actor: Actor, partner: Partner) -> bool:
    """The partner's owner, stewards (the directory decides who they are) and admins."""
    return (
        partner.owner_user_id == actor.user_id
        or actor.is_admin
        or access.is_steward(session, actor)
    )


def _audit(
    session: Session, team_id: str, user_id: str, partner_id: int, action: str, fields: list[str]
) -> None:
    """Who changed which fields of which partner, and when; never the values."""
    audit(
        session,
        team_id=team_id,
        actor_user_id=user_id,
        entity="partner",
        entity_id=partner_id,
        action=action,
        fields=fields,
    )


def _details(session: Session, partner: Partner) -> PartnerDetails:
    return details_for(session, [partner])[0]


def _managed_partner(session: Session, actor: Actor, partner_id: int) -> Partner:
    """The partner behind a button or form, in the actor's workspace, when the actor may change it."""
    require_member(actor)
    partner = session.get(Partner, partner_id)
    if partner is None or partner.team_id != actor.team_id:
        raise FeatureError("That partner no longer exists.")
    if not can_manage(session, actor, partner):
        raise FeatureError(
            f"Only the owner of *{safe(partner.name)}* (<@{partner.owner_user_id}>), stewards and admins can "
            "change it. Ask them, or an admin can make you a steward."
        )
    return partner


# --------------------------------------------------------------------------------------------------------------
# Adding, reading
# --------------------------------------------------------------------------------------------------------------


def redacted_name(name: str) -> str:
    """Organization names are public, but whatever people type is checked; a name that loses words is refused
    rather than stored mangled."""
    if redact(name).changed:
        raise FeatureError(
            "That name looks like it contains a person's details, so I didn't save it. "
            "Use the organization's public name."
        )
    return name


def create_partner(
    session: Session,
    *,
    team_id: str,
    owner_user_id: str,
    name: str,
    kind: str | None = None,
    timezone: str = "America/New_York",
    channels: Mapping[str, bool] | None = None,
    source: str = "slack",
) -> Partner:
    """Stores a new partner (channel id -> shared with another organization); FeatureError on a bad or taken
    name."""
    name = redacted_name(clean_name(name))
    if find_partner(session, team_id, name) is not None:
        raise FeatureError(f"*{safe(name)}* is already registered. `/partner info {safe(name)}` shows it.")
    now = utcnow()
    partner = Partner(
        team_id=team_id,
        name=name,
        normalized_name=normalize_name(name),
        kind=kind,
        owner_user_id=owner_user_id,
        timezone=timezone,
        source=source,
        created_at=now,
        updated_at=now,
    )
    session.add(partner)
    session.flush()
    for channel_id, is_shared in (channels or {}).items():
        link_channel(session, partner, channel_id, is_shared=is_shared)
    _audit(
        session,
        team_id,
        owner_user_id,
        partner.id,
        "create",
        ["name", "kind", "channels"] if channels else ["name", "kind"],
    )
    return partner


@dataclass(frozen=True)
class Added:
    partner: PartnerDetails
    missing_channels: tuple[str, ...]  # linked channels the bot is not in yet
    unrecognized_type: str | None


def add_partner(
    session: Session, actor: Actor, command: AddPartner, channels: Mapping[str, ChannelFacts] | None = None
) -> Added:
    """Registers a partner owned by the actor. A Slack Connect channel shared with exactly one other
    organization tells us who the partner is on Slack."""
    require_member(actor)
    facts = {channel_id: (channels or {}).get(channel_id) for channel_id in command.channel_ids}
    partner = create_partner(
        session,
        team_id=actor.team_id,
        owner_user_id=actor.user_id,
        name=command.name,
        kind=command.kind,
        timezone=actor.timezone,
        channels={c: bool(f and f.is_shared) for c, f in facts.items()},
    )
    other_teams = {team for f in facts.values() if f for team in f.other_teams}
    if len(other_teams) == 1:
        partner.slack_team_id = other_teams.pop()
        session.add(partner)
    missing = tuple(c for c, f in facts.items() if f is not None and not f.bot_is_member)
    return Added(_details(session, partner), missing, command.unrecognized_type)


def link_channel(session: Session, partner: Partner, channel_id: str, *, is_shared: bool) -> PartnerChannel:
    existing = session.exec(
        select(PartnerChannel).where(
            PartnerChannel.partner_id == partner.id, PartnerChannel.channel_id == channel_id
        )
    ).first()
    if existing:
        existing.is_shared = is_shared
        return existing
    link = PartnerChannel(
        partner_id=partner.id, team_id=partner.team_id, channel_id=channel_id, is_shared=is_shared
    )
    session.add(link)
    session.flush()
    return link


def list_partners(session: Session, actor: Actor) -> list[PartnerDetails]:
    require_member(actor)
    partners = session.exec(
        select(Partner).where(Partner.team_id == actor.team_id).order_by(Partner.normalized_name)
    ).all()
    return details_for(session, list(partners))


def show_partner(session: Session, actor: Actor, command: ShowPartner) -> PartnerDetails:
    require_member(actor)
    return _details(session, require_partner(session, actor.team_id, command.name))


# --------------------------------------------------------------------------------------------------------------
# Changing: the form, renewals, renaming and removing
# --------------------------------------------------------------------------------------------------------------


def open_edit(session: Session, actor: Actor, target: EditPartner | int) -> PartnerDetails:
    """The partner to show in the edit form, by typed name or by id (a button), when the actor may edit it."""
    require_member(actor)
    partner_id = (
        target if isinstance(target, int) else require_partner(session, actor.team_id, target.name).id
    )
    return _details(session, _managed_partner(session, actor, partner_id))


def check_can_edit(session: Session, actor: Actor, partner_id: int) -> None:
    _managed_partner(session, actor, partner_id)


@dataclass(frozen=True)
class EditResult:
    partner: PartnerDetails
    changed_fields: tuple[str, ...]
    removed_summary: str  # what redaction removed from the free text ("" if nothing)
    review: tuple[Review, str] | None = None  # notes saved without words like a name: the question, its token


def update_partner(
    session: Session,
    actor: Actor,
    partner_id: int,
    changes: PartnerChanges,
    *,
    contact_teams: Mapping[str, str | None],
    shared_channels: Collection[str],
    now: datetime,
) -> EditResult:
    """Saves the form. `contact_teams` gives each Slack contact's own workspace (Slack Connect people keep theirs);
    `shared_channels` the linked channels another organization reads. Free text is redacted first."""
    partner = _managed_partner(session, actor, partner_id)
    changed: list[str] = []
    removed: dict[str, int] = defaultdict(int)

    def clean(text: str, *, staff_contact: bool = False) -> str:
        result = redact(text.strip(), staff_contact=staff_contact)
        for kind, count in result.removed.items():
            removed[kind] += count
        return result.text

    typed_notes = clean(changes.eligibility_notes)
    # Notes that still hold a word like a person's name are saved without it, and the person is asked.
    checked = redact(typed_notes)
    notes = review_of(replace(checked, doubtful=tuple(d for d in checked.doubtful if d.reason == NAME_DOUBT)))
    for name, value in (
        ("kind", changes.kind),
        ("capacity_per_month", changes.capacity_per_month),
        ("current_load", changes.current_load),
        ("eligibility_notes", notes.trimmed if notes else typed_notes),
        ("slack_team_id", changes.slack_team_id or None),
        ("owner_user_id", changes.owner_user_id or actor.user_id),
    ):
        if getattr(partner, name) != value:
            setattr(partner, name, value)
            changed.append(name)

    old_services = set(
        session.exec(select(PartnerService.category).where(PartnerService.partner_id == partner_id))
    )
    if old_services != set(changes.services):
        session.exec(delete(PartnerService).where(PartnerService.partner_id == partner_id))
        session.add_all(
            PartnerService(partner_id=partner_id, category=c, team_id=partner.team_id)
            for c in dict.fromkeys(changes.services)
        )
        changed.append("services")

    new_contacts = [
        (user_id, contact_teams.get(user_id) or partner.team_id, "", "") for user_id in changes.contacts
    ]
    for line in changes.external_contacts:
        name, _, details = (part.strip() for part in clean(line, staff_contact=True).partition("·"))
        if name or details:
            new_contacts.append((None, None, name[:200], details[:300]))
    old_contacts = [
        (c.user_id, c.user_team_id, c.name, c.details)
        for c in session.exec(
            select(PartnerContact).where(PartnerContact.partner_id == partner_id).order_by(PartnerContact.id)
        )
    ]
    if old_contacts != new_contacts:
        session.exec(delete(PartnerContact).where(PartnerContact.partner_id == partner_id))
        session.add_all(
            PartnerContact(
                partner_id=partner_id, team_id=partner.team_id, user_id=u, user_team_id=t, name=n, details=d
            )
            for u, t, n, d in new_contacts
        )
        changed.append("contacts")

    wanted = {channel_id: channel_id in shared_channels for channel_id in changes.channels}
    existing = {
        c.channel_id: c
        for c in session.exec(select(PartnerChannel).where(PartnerChannel.partner_id == partner_id))
    }
    if set(existing) != set(wanted) or any(
        existing[c].is_shared != s for c, s in wanted.items() if c in existing
    ):
        for channel_id, link in existing.items():
            if channel_id not in wanted:
                session.delete(link)
        for channel_id, is_shared in wanted.items():
            link_channel(session, partner, channel_id, is_shared=is_shared)
        changed.append("channels")

    for kind, start, review, renewal in changes.agreements:
        if set_agreement(session, partner, kind, start=start, review=review, renewal=renewal, now=now):
            changed.append(f"agreement_{kind}")

    if changed:
        partner.updated_at = now
        session.add(partner)
        _audit(session, partner.team_id, actor.user_id, partner_id, "update", changed)
    asked = None
    if notes is not None:
        asked = notes, pending.hold(session, team_id=actor.team_id, user_id=actor.user_id, surface=NOTES_SURFACE,
                                    review=notes, context={"partner_id": partner_id}, now=now)  # fmt: skip
    return EditResult(_details(session, partner), tuple(changed), Redaction("", dict(removed)).summary(), asked)


def answer_notes_review(session: Session, actor: Actor, token: str, choice: str, *, now: datetime
                        ) -> PartnerDetails:  # fmt: skip
    """Save as shown puts the marked words back into the partner's notes (redacted again); Remove marked words
    leaves them out; Edit returns the partner for the form."""
    row = pending.take(session, team_id=actor.team_id, user_id=actor.user_id, surface=NOTES_SURFACE, token=token,
                       now=now)  # fmt: skip
    partner = _managed_partner(session, actor, int(row.context.get("partner_id") or 0))
    if choice == SAVE:
        partner.eligibility_notes = redact(row.text).text
        partner.updated_at = now
        session.add(partner)
        _audit(session, partner.team_id, actor.user_id, partner.id, "update", ["eligibility_notes"])
    return _details(session, partner)


def set_agreement(
    session: Session,
    partner: Partner,
    kind: str,
    *,
    start: date | None,
    review: date | None,
    renewal: date | None,
    now: datetime,
) -> bool:
    """Creates, updates or (all dates empty) removes the partner's agreement of `kind`; True if anything changed.
    A changed renewal date replaces the planned reminders."""
    agreement = session.exec(
        select(Agreement).where(Agreement.partner_id == partner.id, Agreement.kind == kind)
    ).first()
    if agreement is None:
        if not (start or review or renewal):
            return False
        agreement = Agreement(partner_id=partner.id, team_id=partner.team_id, kind=kind, updated_at=now)
    elif (agreement.start_date, agreement.review_date, agreement.renewal_date) == (start, review, renewal):
        return False
    renewal_changed = agreement.renewal_date != renewal
    if agreement.id is not None and not (start or review or renewal):
        outbox.cancel_pending(session, partner.team_id, f"renewal:{agreement.id}:")
        session.delete(agreement)
        return True
    agreement.start_date, agreement.review_date, agreement.renewal_date = start, review, renewal
    agreement.updated_at = now
    if renewal_changed and agreement.id is not None:
        outbox.cancel_pending(session, partner.team_id, f"renewal:{agreement.id}:")
        agreement.revision += 1
    session.add(agreement)
    session.flush()
    plan_agreement_reminders(session, agreement, partner, now)
    return True


@dataclass(frozen=True)
class RenewalSaved:
    partner_name: str
    renewal: date
    days_left: int


def set_renewal(session: Session, actor: Actor, command: SetRenewal, *, now: datetime) -> RenewalSaved:
    """`/partner mou NAME renews DATE`: the MOU's renewal date, with reminders 90 and 30 days before."""
    require_member(actor)
    partner = _managed_partner(session, actor, require_partner(session, actor.team_id, command.name).id)
    today = local_today(now, partner.timezone)
    if command.renewal < today:
        raise FeatureError(
            f"{command.renewal:%B %-d, %Y} has already passed. Which date does the MOU renew on?"
        )
    current = session.exec(
        select(Agreement).where(Agreement.partner_id == partner.id, Agreement.kind == "mou")
    ).first()
    set_agreement(
        session,
        partner,
        "mou",
        start=current.start_date if current else None,
        review=current.review_date if current else None,
        renewal=command.renewal,
        now=now,
    )
    _audit(session, partner.team_id, actor.user_id, partner.id, "update", ["agreement_mou"])
    return RenewalSaved(partner.name, command.renewal, (command.renewal - today).days)


def confirm_remove(session: Session, actor: Actor, command: RemovePartner) -> PartnerDetails:
    """What `/partner remove NAME` would remove, when the actor may; nothing changes until they confirm."""
    require_member(actor)
    partner = require_partner(session, actor.team_id, command.name)
    return _details(session, _managed_partner(session, actor, partner.id))


def remove_partner(session: Session, actor: Actor, partner_id: int) -> str:
    """Removes a partner with its services, contacts, channel links, agreements and pending renewal reminders.
    Past celebrations stay; they no longer credit it. Returns the removed name."""
    partner = _managed_partner(session, actor, partner_id)
    for agreement_id in session.exec(select(Agreement.id).where(Agreement.partner_id == partner_id)):
        outbox.cancel_pending(session, partner.team_id, f"renewal:{agreement_id}:")
    name = partner.name
    session.delete(partner)  # the rows that hang off it go with it (ON DELETE CASCADE)
    session.flush()
    _audit(session, actor.team_id, actor.user_id, partner_id, "delete", ["partner"])
    return name


@dataclass(frozen=True)
class Rename:
    partner_id: int
    old_name: str
    new_name: str


def _rename_target(session: Session, actor: Actor, command: RenamePartner) -> tuple[Partner, str]:
    for current, new in command.readings:  # a reading whose current name is registered as typed wins
        if (partner := find_partner(session, actor.team_id, current)) is not None:
            return partner, new
    current, new = command.readings[0]
    return require_partner(session, actor.team_id, current), new


def _check_new_name(session: Session, partner: Partner, new_name: str) -> str:
    new_name = redacted_name(clean_name(new_name))
    taken = find_partner(session, partner.team_id, new_name)
    if taken is not None and taken.id != partner.id:
        raise FeatureError(f"*{safe(taken.name)}* is already registered. Pick another name.")
    return new_name


def confirm_rename(session: Session, actor: Actor, command: RenamePartner) -> Rename:
    """The rename `/partner rename NAME to NEW NAME` asks to confirm, checked; nothing changes yet."""
    require_member(actor)
    partner, new_name = _rename_target(session, actor, command)
    partner = _managed_partner(session, actor, partner.id)
    new_name = _check_new_name(session, partner, new_name)
    if new_name == partner.name:
        raise FeatureError(f"*{safe(partner.name)}* already has that name.")
    return Rename(partner.id, partner.name, new_name)


def rename_partner(session: Session, actor: Actor, partner_id: int, new_name: str) -> Rename:
    partner = _managed_partner(session, actor, partner_id)
    new_name = _check_new_name(session, partner, new_name)
    old_name = partner.name
    partner.name, partner.normalized_name, partner.updated_at = new_name, normalize_name(new_name), utcnow()
    session.add(partner)
    session.flush()
    _audit(session, actor.team_id, actor.user_id, partner_id, "rename", ["name"])
    return Rename(partner_id, old_name, new_name)
