"""What the partner registry knows about partners, as the views and other features read it, and finding a
partner from a typed name. Read-only queries over a sqlmodel Session; bot.partners.service changes things."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from bot.partners.names import echo, lookup, normalize_name
from bot.platform import vocabulary
from bot.platform.errors import FeatureError
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


def details_for(session: Session, partners: list[Partner]) -> list[PartnerDetails]:
    """Loads services, contacts, channels and agreements for many partners in four queries."""
    ids = [p.id for p in partners]
    if not ids:
        return []
    services, contacts, channels, agreements = (defaultdict(list) for _ in range(4))
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
                AGREEMENT_KINDS.get(row.kind, row.kind),
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
            kind_label=PARTNER_KINDS.get(p.kind or "", ""),
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
# Finding partners (also for celebrations)
# --------------------------------------------------------------------------------------------------------------


def partner_names(session: Session, team_id: str) -> list[str]:
    return list(session.exec(select(Partner.name).where(Partner.team_id == team_id).order_by(Partner.name)))


def find_partner(session: Session, team_id: str, name: str) -> Partner | None:
    """The partner with exactly this name, give or take case, punctuation and spacing."""
    return session.exec(
        select(Partner).where(Partner.team_id == team_id, Partner.normalized_name == normalize_name(name))
    ).first()


def unknown_partner_message(name: str, suggestions: tuple[str, ...]) -> str:
    hint = (
        f" Did you mean {' or '.join(f'*{safe(h)}*' for h in suggestions)}?"
        if suggestions
        else " `/partner list` shows them all."
    )
    return f"I don't know a partner called “{echo(name)}”.{hint}"


def require_partner(session: Session, team_id: str, name: str) -> Partner:
    """The partner a typed name means (case, punctuation and typos tolerated); FeatureError offering the closest
    names when none is clear."""
    partner = find_partner(session, team_id, name)
    if partner is not None:
        return partner
    found = lookup(partner_names(session, team_id), name)
    if found.name is None:
        raise FeatureError(unknown_partner_message(name, found.suggestions))
    return find_partner(session, team_id, found.name)


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


def partner_details(session: Session, team_id: str, partner_id: int) -> PartnerDetails | None:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.team_id != team_id:
        return None
    return details_for(session, [partner])[0]
