"""The offline console's demo workspace: a small, clearly marked demo directory and three demo partners."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from bot.directory import hsds
from bot.directory.service import ENTITY, apply_fields, sync_categories
from bot.partners.service import create_partner, set_agreement
from bot.platform import audit, vocabulary
from bot.platform.clock import local_today, utcnow
from bot.platform.db import Database
from models.directory import Resource
from models.partners import Partner, PartnerContact, PartnerService

DEMO_TEAM = "TDEMO"
DEMO_USER = "UCARE1"  # the demo care team member, who owns the demo partners
DEMO_CHANNEL = "CCARETEAM"
# Harbor Housing's own workspace and one of its staff, who answers referrals in the shared #demo-housing channel.
DEMO_PARTNER_TEAM = "TDEMOHARBOR"
DEMO_PARTNER_USER = "UDANA"


def seed_demo(db: Database) -> bool:
    """Loads the demo directory and demo partners into an empty demo workspace; True when anything was added."""
    with db.session() as session:
        if session.exec(select(Resource.id).where(Resource.team_id == DEMO_TEAM).limit(1)).first() is not None:
            return False
        seed_demo_directory(session, DEMO_TEAM)
        seed_demo_partners(session, DEMO_TEAM)
        return True


DEMO_CSV = Path(__file__).parent / "data" / "demo_directory.csv"


def seed_demo_directory(session: Session, team_id: str) -> int:
    """Loads the small, clearly marked demo directory (source="demo") once; returns how many were added."""
    already = session.exec(
        select(func.count(Resource.id)).where(Resource.team_id == team_id, Resource.source == "demo")
    ).one()
    if already:
        return 0
    added = 0
    with DEMO_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            parsed = hsds.parse_csv_row(row)
            if parsed.fields is None:
                raise ValueError(f"demo directory row is invalid: {parsed.errors}")
            now = utcnow()
            resource = Resource(
                team_id=team_id,
                name="",
                normalized_name="",
                source="demo",
                created_by="",
                created_at=now,
                updated_at=now,
            )
            apply_fields(resource, parsed.fields)
            session.add(resource)
            session.flush()
            sync_categories(session, resource)
            added += 1
    audit.record(
        session,
        team_id=team_id,
        actor_user_id="partnerbot",
        entity=ENTITY,
        entity_id="demo",
        action="seed_demo",
        fields=["resource"],
    )
    session.flush()
    return added


def seed_demo_partners(session: Session, team_id: str) -> int:
    """Three clearly marked demo partners (idempotent); returns how many were added."""
    if session.exec(select(Partner.id).where(Partner.team_id == team_id, Partner.source == "demo")).first():
        return 0
    now = utcnow()
    today = local_today(now, "America/New_York")
    demos = [
        (
            "Eastside Food Bank (demo)",
            "resource_sharing",
            ["food"],
            40,
            31,
            "Residents of the east side; no documents needed for emergency boxes.",
            "CDEMOFOOD",
            ("mou", today - timedelta(days=300), today + timedelta(days=75)),
        ),
        (
            "Harbor Housing Coalition (demo)",
            "advocacy_coalition",
            ["housing"],
            12,
            12,
            "Adults 18+ at risk of losing housing within 30 days.",
            "CDEMOHOUSING",
            ("data_sharing", today - timedelta(days=200), today + timedelta(days=165)),
        ),
        (
            "Riverside Rides (demo)",
            "project_partnership",
            ["transportation"],
            60,
            18,
            "Rides to medical appointments within the county; book two days ahead.",
            None,
            None,
        ),
    ]
    known = {c.id for c in vocabulary.categories()}
    for name, kind, services, capacity, load, notes, channel, agreement in demos:
        partner = create_partner(
            session,
            team_id=team_id,
            owner_user_id=DEMO_USER,
            name=name,
            kind=kind,
            channels={channel: channel == "CDEMOHOUSING"} if channel else {},
            source="demo",
        )
        if channel == "CDEMOHOUSING":  # a Slack Connect channel shared with Harbor Housing's own workspace
            partner.slack_team_id = DEMO_PARTNER_TEAM
            session.add(PartnerContact(partner_id=partner.id, team_id=team_id, user_id=DEMO_PARTNER_USER,
                                       user_team_id=DEMO_PARTNER_TEAM))
        partner.capacity_per_month, partner.current_load, partner.eligibility_notes = capacity, load, notes
        session.add_all(
            PartnerService(partner_id=partner.id, category=c, team_id=team_id) for c in services if c in known
        )
        session.add(
            PartnerContact(
                partner_id=partner.id, team_id=team_id, name="Front desk (demo)", details="555-0100"
            )
        )
        if agreement:
            kind_id, start, renewal = agreement
            set_agreement(session, partner, kind_id, start=start, review=None, renewal=renewal, now=now)
    session.flush()
    return len(demos)
