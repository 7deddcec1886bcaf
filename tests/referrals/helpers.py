"""Builders for referral tests: a partner on Slack Connect with a contact from its own workspace."""

from sqlmodel import select

from models.partners import PartnerContact, PartnerService
from models.referrals import Referral
from tests.factories import make_partner

SHARED = "C0HARBOR"
PARTNER_TEAM = "T2"
PARTNER_USER = "UHARBOR"  # a person of the partner's workspace, not a listed contact
CONTACT = "UCONTACT"  # the partner's listed contact, also of its workspace


def harbor(db, *, channel: str | None = SHARED, slack_team: str | None = PARTNER_TEAM, capacity: int | None = None,
           name: str = "Harbor Housing", needs=("housing",), contacts=(CONTACT,)) -> int:
    with db.session() as session:
        partner = make_partner(session, name, channel=channel, shared=bool(slack_team), slack_team=slack_team)
        partner.capacity_per_month = capacity
        session.add(partner)
        session.add_all(PartnerService(partner_id=partner.id, category=c, team_id="T1") for c in needs)
        session.add_all(PartnerContact(partner_id=partner.id, team_id="T1", user_id=u,
                                       user_team_id=slack_team or "T1") for u in contacts)
        session.flush()
        return partner.id


def referrals(db) -> list[Referral]:
    with db.session() as session:
        rows = list(session.exec(select(Referral).order_by(Referral.id)))
        session.expunge_all()
        return rows


def buttons(call) -> dict[str, dict]:
    blocks = call.args.get("blocks") or []
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def option(element: dict, value_end: str) -> dict:
    return next(o for o in element["options"] if o["value"].endswith(value_end))
