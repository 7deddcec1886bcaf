"""Referral nudges, through the outbox and so exactly once: the partner when a referral has had no answer for N
business days (public holidays of HOLIDAY_COUNTRY don't count), the referrer when an accepted referral has had no
outcome for M days.

Each nudge is planned as soon as its clock starts (the referral is sent, or accepted) under a key of its own; the
sender looks again when it falls due and posts nothing when the referral moved on meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.platform import outbox
from bot.platform.clock import local_to_utc, to_local
from bot.platform.public_holidays import is_working_day
from bot.referrals.views import answer_nudge, outcome_nudge
from models.partners import Partner, PartnerContact
from models.referrals import Referral

ANSWER_NUDGE_KIND = "referral_answer_nudge"
OUTCOME_NUDGE_KIND = "referral_outcome_nudge"


@dataclass(frozen=True)
class NudgeRules:
    """REFERRAL_ANSWER_DAYS (business days), REFERRAL_OUTCOME_DAYS (calendar days) and HOLIDAY_COUNTRY."""

    answer_days: int = 2
    outcome_days: int = 14
    holiday_country: str | None = "US"


def after_business_days(start: datetime, days: int, timezone: str, country: str | None) -> datetime:
    """The same local time of day, `days` working days after `start` (weekends and public holidays skipped)."""
    local = to_local(start, timezone)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day, country)
    return local_to_utc(datetime.combine(day, local.time().replace(tzinfo=None)), timezone)


def plan_answer_nudge(session: Session, referral: Referral, partner: Partner, rules: NudgeRules) -> bool:
    due_at = after_business_days(referral.sent_at, rules.answer_days, partner.timezone, rules.holiday_country)
    return outbox.enqueue(
        session, team_id=referral.team_id, key=f"referral:{referral.id}:answer", kind=ANSWER_NUDGE_KIND,
        due_at=due_at, payload={"referral_id": referral.id, "owner_user_id": referral.referrer_user_id,
                                "description": f"the reminder to answer referral {referral.code}"},
    )  # fmt: skip


def plan_outcome_nudge(session: Session, referral: Referral, rules: NudgeRules) -> bool:
    return outbox.enqueue(
        session, team_id=referral.team_id, key=f"referral:{referral.id}:outcome", kind=OUTCOME_NUDGE_KIND,
        due_at=referral.accepted_at + timedelta(days=rules.outcome_days),
        payload={"referral_id": referral.id, "owner_user_id": referral.referrer_user_id,
                 "description": f"the reminder to record the outcome of referral {referral.code}"},
    )  # fmt: skip


def send_answer_nudge(delivery: outbox.Delivery) -> None:
    with delivery.db.session() as session:
        referral = session.get(Referral, delivery.payload["referral_id"])
        if referral is None or referral.status != "sent" or not referral.card_channel_id:
            return  # answered meanwhile (or removed): nothing to say
        partner = session.get(Partner, referral.partner_id)
        contacts = list(session.exec(select(PartnerContact.user_id).where(
            PartnerContact.partner_id == partner.id, PartnerContact.user_id.is_not(None))))
        text, blocks = answer_nudge(referral.code, partner.name, contacts, referral.card_channel_id,
                                    referral.card_ts, (delivery.due_at - referral.sent_at).days)
        channel = referral.card_channel_id
    delivery.client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def send_outcome_nudge(delivery: outbox.Delivery) -> None:
    with delivery.db.session() as session:
        referral = session.get(Referral, delivery.payload["referral_id"])
        if referral is None or referral.outcome is not None:
            return
        partner = session.get(Partner, referral.partner_id)
        text, blocks = outcome_nudge(referral.id, referral.code, partner.name,
                                     (delivery.due_at - referral.accepted_at).days)
        referrer = referral.referrer_user_id
    delivery.client.chat_postMessage(channel=referrer, text=text, blocks=blocks)
