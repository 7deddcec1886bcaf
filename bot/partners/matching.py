"""Partners that serve a need, for "who can help" answers."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.partners.service import details_for
from models.partners import (
    Partner,
    PartnerService,
)


@dataclass(frozen=True)
class PartnerMatch:
    """A partner whose services cover a need, as "who can help" answers show it."""

    partner_id: int
    name: str
    kind: str | None
    kind_label: str
    contact_user_ids: list[str]
    channel_ids: list[str]
    services: list[str]
    eligibility_notes: str
    capacity: str  # human wording, "" when unknown
    capacity_per_month: int | None = None
    current_load: int | None = None
    matched_categories: list[str] = field(default_factory=list)
    external_contacts: list[str] = field(default_factory=list)

    @property
    def has_room(self) -> bool | None:
        if self.capacity_per_month is None or self.current_load is None:
            return None
        return self.current_load < self.capacity_per_month


def matching_partners(session: Session, team_id: str, categories: list[str]) -> list[PartnerMatch]:
    """Partners offering any of `categories` (need category ids, best first): most categories covered first,
    then the best-ranked category, then those with room this month."""
    wanted = [c for c in dict.fromkeys(categories) if c]
    if not wanted:
        return []
    rows = session.exec(
        select(PartnerService.partner_id, PartnerService.category).where(
            PartnerService.team_id == team_id, PartnerService.category.in_(wanted)
        )
    ).all()
    matched: dict[int, list[str]] = defaultdict(list)
    for partner_id, category in rows:
        matched[partner_id].append(category)
    if not matched:
        return []
    partners = session.exec(
        select(Partner).where(Partner.team_id == team_id, Partner.id.in_(list(matched)))
    ).all()
    results = []
    for details in details_for(session, list(partners)):
        hits = sorted(matched[details.id], key=wanted.index)
        results.append(
            PartnerMatch(
                partner_id=details.id,
                name=details.name,
                kind=details.kind,
                kind_label=details.kind_label,
                contact_user_ids=[c.user_id for c in details.contacts if c.user_id],
                channel_ids=[c.channel_id for c in details.channels],
                services=list(details.services),
                eligibility_notes=details.eligibility_notes,
                capacity=details.capacity_text,
                capacity_per_month=details.capacity_per_month,
                current_load=details.current_load,
                matched_categories=hits,
                external_contacts=[
                    " · ".join(part for part in (c.name, c.details) if part)
                    for c in details.contacts
                    if not c.user_id
                ],
            )
        )

    def rank(match: PartnerMatch) -> tuple:
        return (
            -len(match.matched_categories),
            wanted.index(match.matched_categories[0]),
            match.has_room is False,
            match.name.lower(),
        )

    return sorted(results, key=rank)
