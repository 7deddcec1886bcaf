"""The partner registry: organizations a care team works with, what they offer, how much room they have, who to
reach, where the team talks with them, and the agreements that need renewing.

Everything here is plain Python over a sqlmodel Session; handlers/partners.py adapts it to Slack.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.partners.commands import (
    AGREEMENT_LABELS,
    KIND_LABELS,
    PartnerError,
    clean_name,
    echo,
    normalize_name,
)
from bot.partners.jobs import plan_agreement_reminders
from bot.platform import outbox, vocabulary
from bot.platform.audit import record as audit
from bot.platform.clock import local_today, utcnow
from bot.platform.privacy import Redaction, redact
from bot.platform.slacktext import safe
from models.partners import (
    AGREEMENT_KINDS,
    PARTNER_KINDS,
    Agreement,
    Partner,
    PartnerChannel,
    PartnerContact,
    PartnerService,
)

assert set(KIND_LABELS) == set(PARTNER_KINDS) and set(AGREEMENT_LABELS) == set(AGREEMENT_KINDS)


# --------------------------------------------------------------------------------------------------------------
# What the views and other features read
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementInfo:
    id: int
    kind: str
    label: str
    start_date: date | None
    review_date: date | None
    renewal_date: date | None


@dataclass(frozen=True)
class ContactInfo:
    user_id: str | None
    user_team_id: str | None
    name: str
    details: str


@dataclass(frozen=True)
class ChannelInfo:
    channel_id: str
    is_shared: bool
    monthly_recap: bool


@dataclass(frozen=True)
class PartnerDetails:
    id: int
    name: str
    kind: str | None
    kind_label: str
    services: tuple[str, ...]  # need category ids
    capacity_per_month: int | None
    current_load: int | None
    eligibility_notes: str
    owner_user_id: str
    slack_team_id: str | None
    contacts: tuple[ContactInfo, ...] = ()
    channels: tuple[ChannelInfo, ...] = ()
    agreements: tuple[AgreementInfo, ...] = ()
    is_demo: bool = False

    @property
    def capacity_text(self) -> str:
        return capacity_text(self.capacity_per_month, self.current_load)


def capacity_text(per_month: int | None, load: int | None) -> str:
    if per_month is None:
        return f"Serving {load} clients this month" if load is not None else ""
    text = f"Can take {per_month} client{'s' if per_month != 1 else ''} a month"
    if load is not None:
        room = per_month - load
        text += f" · {load} now" + (f" ({room} open)" if room > 0 else " (full)")
    return text


def _details_for(session: Session, partners: list[Partner]) -> list[PartnerDetails]:
    """Loads services, contacts, channels and agreements for many partners in four queries."""
    ids = [p.id for p in partners]
    if not ids:
        return []
    services, contacts, channels, agreements = (
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
    )
    for row in session.exec(select(PartnerService).where(PartnerService.partner_id.in_(ids))):
        services[row.partner_id].append(row.category)
    for row in session.exec(
        select(PartnerContact).where(PartnerContact.partner_id.in_(ids)).order_by(PartnerContact.id)
    ):
        contacts[row.partner_id].append(ContactInfo(row.user_id, row.user_team_id, row.name, row.details))
    for row in session.exec(
        select(PartnerChannel).where(PartnerChannel.partner_id.in_(ids)).order_by(PartnerChannel.id)
    ):
        channels[row.partner_id].append(ChannelInfo(row.channel_id, row.is_shared, row.monthly_recap))
    for row in session.exec(select(Agreement).where(Agreement.partner_id.in_(ids))):
        agreements[row.partner_id].append(
            AgreementInfo(
                row.id,
                row.kind,
                AGREEMENT_LABELS.get(row.kind, row.kind),
                row.start_date,
                row.review_date,
                row.renewal_date,
            )
        )
    order = {kind: i for i, kind in enumerate(AGREEMENT_KINDS)}
    return [
        PartnerDetails(
            id=p.id,
            name=p.name,
            kind=p.kind,
            kind_label=KIND_LABELS.get(p.kind or "", ""),
            services=tuple(sorted(services[p.id], key=_category_order)),
            capacity_per_month=p.capacity_per_month,
            current_load=p.current_load,
            eligibility_notes=p.eligibility_notes,
            owner_user_id=p.owner_user_id,
            slack_team_id=p.slack_team_id,
            contacts=tuple(contacts[p.id]),
            channels=tuple(channels[p.id]),
            agreements=tuple(sorted(agreements[p.id], key=lambda a: order.get(a.kind, 99))),
            is_demo=p.source == "demo",
        )
        for p in partners
    ]


def _category_order(category_id: str) -> int:
    ids = vocabulary.category_ids()
    return ids.index(category_id) if category_id in ids else len(ids)


# --------------------------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------------------------


def find_partner(session: Session, team_id: str, name: str) -> Partner | None:
    return session.exec(
        select(Partner).where(Partner.team_id == team_id, Partner.normalized_name == normalize_name(name))
    ).first()


def partner_names(session: Session, team_id: str) -> list[str]:
    return list(session.exec(select(Partner.name).where(Partner.team_id == team_id).order_by(Partner.name)))


def similar_names(names: list[str], wanted: str, limit: int = 3) -> list[str]:
    """Registered names close to what was typed, for "did you mean" hints."""
    from rapidfuzz import fuzz, process

    matches = process.extract(
        normalize_name(wanted),
        {n: normalize_name(n) for n in names},
        scorer=fuzz.WRatio,
        limit=limit,
        score_cutoff=60,
    )
    return [name for _, _, name in matches]


def unknown_partner_message(session: Session, team_id: str, name: str) -> str:
    hints = similar_names(partner_names(session, team_id), name)
    hint = (
        f" Did you mean {' or '.join(f'*{safe(h)}*' for h in hints)}?"
        if hints
        else " `/partner list` shows them all."
    )
    return f"I don't know a partner called “{echo(name)}”.{hint}"


def require_partner(session: Session, team_id: str, name: str) -> Partner:
    partner = find_partner(session, team_id, name)
    if partner is None:
        raise PartnerError(unknown_partner_message(session, team_id, name))
    return partner


def redacted_name(name: str) -> str:
    """Organization names are public, but whatever people type is checked; a name that loses words is refused
    rather than stored mangled."""
    result = redact(name)
    if result.changed:
        raise PartnerError(
            "That name looks like it contains a person's details, so I didn't save it. "
            "Use the organization's public name."
        )
    return name


def add_partner(
    session: Session,
    *,
    team_id: str,
    owner_user_id: str,
    name: str,
    kind: str | None = None,
    timezone: str = "America/New_York",
    channels: list[tuple[str, bool]] = (),
    source: str = "slack",
) -> Partner:
    name = redacted_name(clean_name(name))
    if find_partner(session, team_id, name) is not None:
        raise PartnerError(f"*{safe(name)}* is already registered. `/partner info {safe(name)}` shows it.")
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
    for channel_id, is_shared in channels:
        link_channel(session, partner, channel_id, is_shared=is_shared)
    audit(
        session,
        team_id=team_id,
        actor_user_id=owner_user_id,
        entity="partner",
        entity_id=partner.id,
        action="create",
        fields=["name", "kind", "channels"] if channels else ["name", "kind"],
    )
    return partner


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


def list_partners(session: Session, team_id: str) -> list[PartnerDetails]:
    partners = session.exec(
        select(Partner).where(Partner.team_id == team_id).order_by(Partner.normalized_name)
    ).all()
    return _details_for(session, list(partners))


def partner_details(session: Session, team_id: str, partner_id: int) -> PartnerDetails | None:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.team_id != team_id:
        return None
    return _details_for(session, [partner])[0]


def partner_choices(session: Session, team_id: str) -> list[tuple[int, str]]:
    """(id, name) of every partner, by name, for pickers."""
    return [
        (partner_id, name)
        for partner_id, name in session.exec(
            select(Partner.id, Partner.name)
            .where(Partner.team_id == team_id)
            .order_by(Partner.normalized_name)
        )
    ]


def partners_for_channel(session: Session, team_id: str, channel_id: str) -> list[Partner]:
    return list(
        session.exec(
            select(Partner)
            .join(PartnerChannel, PartnerChannel.partner_id == Partner.id)
            .where(PartnerChannel.team_id == team_id, PartnerChannel.channel_id == channel_id)
            .order_by(Partner.name)
        )
    )


def partner_for_slack_team(session: Session, team_id: str, slack_team_id: str) -> Partner | None:
    return session.exec(
        select(Partner)
        .where(Partner.team_id == team_id, Partner.slack_team_id == slack_team_id)
        .order_by(Partner.id)
    ).first()


@dataclass
class PartnerEdit:
    """What the edit form submits. Free text is redacted by update_partner, not by the caller."""

    kind: str | None
    services: list[str]
    contacts: list[tuple[str, str | None]]  # (user_id, their Slack team id when known)
    external_contacts: list[str]  # one line each: "Name · phone or email"
    capacity_per_month: int | None
    current_load: int | None
    eligibility_notes: str
    channels: list[tuple[str, bool]]  # (channel_id, is_shared)
    slack_team_id: str | None
    owner_user_id: str
    agreements: dict[str, tuple[date | None, date | None, date | None]]  # kind -> (start, review, renewal)


@dataclass
class EditResult:
    changed_fields: list[str]
    removed_summary: str  # what redaction removed from the free text ("" if nothing)


def validate_edit(edit: PartnerEdit) -> dict[str, str]:
    """Field problems as {field: message}; empty when the edit can be saved."""
    problems = {}
    for field_name, value in (("capacity", edit.capacity_per_month), ("load", edit.current_load)):
        if value is not None and not 0 <= value <= 100_000:
            problems[field_name] = "Use a whole number from 0 to 100,000."
    unknown = [c for c in edit.services if vocabulary.get(c) is None]
    if unknown:
        problems["services"] = "Pick services from the list."
    if edit.slack_team_id and not re.fullmatch(r"[TE][A-Z0-9]{2,30}", edit.slack_team_id):
        problems["slack_team"] = "A Slack team id looks like T0123ABCD (leave it empty if you don't know it)."
    if len(edit.eligibility_notes) > 1000:
        problems["eligibility"] = "Please keep eligibility notes under 1,000 characters."
    for kind, (start, review, renewal) in edit.agreements.items():
        if start and renewal and renewal < start:
            problems[f"agreement_{kind}_renewal"] = "The renewal date is before the start date."
        if start and review and review < start:
            problems[f"agreement_{kind}_review"] = "The review date is before the start date."
    return problems


def update_partner(
    session: Session, team_id: str, partner_id: int, edit: PartnerEdit, *, actor_user_id: str, now: datetime
) -> EditResult:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.team_id != team_id:
        raise PartnerError("That partner no longer exists.")
    changed: list[str] = []
    removed: dict[str, int] = defaultdict(int)

    def clean(text: str, *, staff_contact: bool = False) -> str:
        result = redact(text.strip(), staff_contact=staff_contact)
        for kind, count in result.removed.items():
            removed[kind] += count
        return result.text

    notes = clean(edit.eligibility_notes)
    for name, value in (
        ("kind", edit.kind),
        ("capacity_per_month", edit.capacity_per_month),
        ("current_load", edit.current_load),
        ("eligibility_notes", notes),
        ("slack_team_id", edit.slack_team_id or None),
        ("owner_user_id", edit.owner_user_id),
    ):
        if getattr(partner, name) != value:
            setattr(partner, name, value)
            changed.append(name)

    old_services = set(
        session.exec(select(PartnerService.category).where(PartnerService.partner_id == partner_id))
    )
    if old_services != set(edit.services):
        session.exec(delete(PartnerService).where(PartnerService.partner_id == partner_id))
        session.add_all(
            PartnerService(partner_id=partner_id, category=c, team_id=team_id)
            for c in dict.fromkeys(edit.services)
        )
        changed.append("services")

    new_contacts = [(user_id, user_team, "", "") for user_id, user_team in dict.fromkeys(edit.contacts)]
    for line in edit.external_contacts:
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
                partner_id=partner_id, team_id=team_id, user_id=u, user_team_id=t, name=n, details=d
            )
            for u, t, n, d in new_contacts
        )
        changed.append("contacts")

    wanted_channels = dict(edit.channels)
    existing = {
        c.channel_id: c
        for c in session.exec(select(PartnerChannel).where(PartnerChannel.partner_id == partner_id))
    }
    if set(existing) != set(wanted_channels) or any(
        existing[c].is_shared != s for c, s in wanted_channels.items() if c in existing
    ):
        for channel_id, link in existing.items():
            if channel_id not in wanted_channels:
                session.delete(link)
        for channel_id, is_shared in wanted_channels.items():
            link_channel(session, partner, channel_id, is_shared=is_shared)
        changed.append("channels")

    for kind, (start, review, renewal) in edit.agreements.items():
        if set_agreement(session, partner, kind, start=start, review=review, renewal=renewal, now=now):
            changed.append(f"agreement_{kind}")

    if changed:
        partner.updated_at = now
        session.add(partner)
        audit(
            session,
            team_id=team_id,
            actor_user_id=actor_user_id,
            entity="partner",
            entity_id=partner_id,
            action="update",
            fields=changed,
        )
    return EditResult(changed, _summary(removed))


def _summary(removed: dict[str, int]) -> str:
    return Redaction("", dict(removed)).summary()


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


def set_mou_renewal(
    session: Session, team_id: str, name: str, renewal: date, *, actor_user_id: str, now: datetime
) -> tuple[Partner, Agreement]:
    partner = require_partner(session, team_id, name)
    today = local_today(now, partner.timezone)
    if renewal <= today:
        raise PartnerError(f"{renewal:%B %-d, %Y} has already passed. Which date does the MOU renew on?")
    current = session.exec(
        select(Agreement).where(Agreement.partner_id == partner.id, Agreement.kind == "mou")
    ).first()
    start = current.start_date if current else None
    review = current.review_date if current else None
    set_agreement(session, partner, "mou", start=start, review=review, renewal=renewal, now=now)
    audit(
        session,
        team_id=team_id,
        actor_user_id=actor_user_id,
        entity="partner",
        entity_id=partner.id,
        action="update",
        fields=["agreement_mou"],
    )
    agreement = session.exec(
        select(Agreement).where(Agreement.partner_id == partner.id, Agreement.kind == "mou")
    ).one()
    return partner, agreement
