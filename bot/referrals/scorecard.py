"""The partnership scorecard: how referrals to each partner fare, for `/partner scorecard` and the manager digest.

Every figure is an aggregate the database computes (GROUP BY with conditional sums over the indexed time range);
medians too, with a window function that both SQLite and PostgreSQL run (the answer time is stored in seconds
when the partner first answers, so no date arithmetic differs between them). Python only shapes the result rows.

Definitions, as people read them:
- acceptance rate: accepted / sent;
- median time to first answer: over referrals that were answered at all;
- loop closure: accepted referrals whose outcome is recorded (connected or not connected) / accepted;
- connected rate: connected / sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select
from sqlmodel import Session

from bot.platform import vocabulary
from models.celebrations import Success, SuccessPartner
from models.conferences import Rsvp
from models.partners import AGREEMENT_KINDS, Agreement, Partner, PartnerContact
from models.referrals import PartnerAim, Referral

CLOSED = ("connected", "not_connected")


@dataclass(frozen=True)
class Figures:
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    closed: int = 0
    connected: int = 0
    median_answer_seconds: float | None = None

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def acceptance_rate(self) -> float | None:
        return self.rate(self.accepted, self.sent)

    @property
    def closure_rate(self) -> float | None:
        return self.rate(self.closed, self.accepted)

    @property
    def connected_rate(self) -> float | None:
        return self.rate(self.connected, self.sent)


@dataclass(frozen=True)
class AimProgress:
    partner_name: str
    description: str
    need: str | None
    target: int
    progress: int
    due_date: date
    manual: bool


@dataclass(frozen=True)
class Scorecard:
    """Referral figures for [start, end): all partners together, by partner (name -> figures) and by need."""

    start: datetime
    end: datetime
    total: Figures
    by_partner: list[tuple[str, Figures]]
    by_need: list[tuple[str, Figures]]
    capacity_declines: list[tuple[str, int]]  # need label -> referrals declined for capacity
    aims: list[AimProgress] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerScorecard:
    partner_id: int
    partner_name: str
    card: Scorecard
    celebrations: int
    rsvps: int  # conference RSVPs ("going") from the partner's people in the period
    agreements: list[tuple[str, date | None]]  # label -> renewal date
    last_contact: datetime | None
    capacity_per_month: int | None


def _sum_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_period(team_id: str, start: datetime, end: datetime, partner_id: int | None):
    conditions = [Referral.team_id == team_id, Referral.sent_at >= start, Referral.sent_at < end]
    if partner_id is not None:
        conditions.append(Referral.partner_id == partner_id)
    return and_(*conditions)


def _counts(session: Session, where, key) -> dict:
    rows = session.execute(
        select(key.label("key"), func.count(), _sum_if(Referral.accepted_at.is_not(None)),
               _sum_if(Referral.status == "declined"),
               _sum_if(and_(Referral.accepted_at.is_not(None), Referral.outcome.in_(CLOSED))),
               _sum_if(Referral.outcome == "connected"))
        .where(where).group_by(key)
    ).all()  # fmt: skip
    return {row[0]: [int(value) for value in row[1:]] for row in rows}


def _medians(session: Session, where, key) -> dict:
    """The median answer time per key: the middle row (or the mean of the middle two) by row number."""
    answered = and_(where, Referral.first_answer_seconds.is_not(None))
    ranked = select(
        key.label("key"), Referral.first_answer_seconds.label("seconds"),
        func.row_number().over(partition_by=key, order_by=Referral.first_answer_seconds).label("position"),
        func.count().over(partition_by=key).label("size"),
    ).where(answered).subquery()  # fmt: skip
    rows = session.execute(
        select(ranked.c.key, func.avg(ranked.c.seconds))
        .where(or_(ranked.c.position == (ranked.c.size + 1) / 2, ranked.c.position == (ranked.c.size + 2) / 2))
        .group_by(ranked.c.key)
    ).all()  # fmt: skip
    return {k: float(v) for k, v in rows}


def _figures(session: Session, where, key) -> dict:
    counts, medians = _counts(session, where, key), _medians(session, where, key)
    return {k: Figures(*values, median_answer_seconds=medians.get(k)) for k, values in counts.items()}


def _capacity_declines(session: Session, where) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Referral.need, func.count()).where(where, Referral.decline_reason == "capacity")
        .group_by(Referral.need).order_by(func.count().desc(), Referral.need)
    ).all()  # fmt: skip
    return [(vocabulary.label(need), int(count)) for need, count in rows]


def aims_progress(session: Session, team_id: str, partner_id: int | None = None,
                  today: date | None = None) -> list[AimProgress]:
    """Aims not yet past due (and for one partner, all of its aims), with connected referrals counted."""
    counted = func.count(Referral.id)
    query = (
        select(PartnerAim, Partner.name, counted)
        .join(Partner, Partner.id == PartnerAim.partner_id)
        .outerjoin(Referral, and_(
            Referral.partner_id == PartnerAim.partner_id, Referral.outcome == "connected",
            or_(PartnerAim.need.is_(None), Referral.need == PartnerAim.need),
            Referral.outcome_at >= PartnerAim.created_at))
        .where(PartnerAim.team_id == team_id)
        .group_by(PartnerAim.id, Partner.name)
        .order_by(PartnerAim.due_date, PartnerAim.id)
    )  # fmt: skip
    if partner_id is not None:
        query = query.where(PartnerAim.partner_id == partner_id)
    elif today is not None:
        query = query.where(PartnerAim.due_date >= today)
    return [
        AimProgress(name, aim.description, aim.need, aim.target,
                    aim.manual_progress if aim.manual_progress is not None else int(count), aim.due_date,
                    aim.manual_progress is not None)
        for aim, name, count in session.execute(query).all()
    ]  # fmt: skip


def scorecard(session: Session, team_id: str, start: datetime, end: datetime, *, partner_id: int | None = None,
              today: date | None = None) -> Scorecard:
    """Referral figures for every partner (or one) over [start, end)."""
    where = _in_period(team_id, start, end, partner_id)
    total = _figures(session, where, literal(0)).get(0, Figures())
    names = dict(session.execute(select(Partner.id, Partner.name).where(Partner.team_id == team_id)).all())
    by_partner = sorted(((names.get(k, "?"), f) for k, f in _figures(session, where, Referral.partner_id).items()),
                        key=lambda item: (-item[1].sent, item[0]))
    by_need = sorted(((vocabulary.label(k), f) for k, f in _figures(session, where, Referral.need).items()),
                     key=lambda item: (-item[1].sent, item[0]))
    return Scorecard(start, end, total, by_partner, by_need, _capacity_declines(session, where),
                     aims_progress(session, team_id, partner_id, today or end.date()))


def partner_scorecard(session: Session, partner: Partner, now: datetime, days: int = 365) -> PartnerScorecard:
    """One partner's scorecard over the last `days` days, with what else the partnership shows."""
    start = now - timedelta(days=days)
    card = scorecard(session, partner.team_id, start, now, partner_id=partner.id, today=now.date())
    celebrations = session.execute(
        select(func.count()).select_from(SuccessPartner).join(Success, Success.id == SuccessPartner.success_id)
        .where(SuccessPartner.partner_id == partner.id, Success.celebrated_at >= start)
    ).scalar_one()  # fmt: skip
    people = select(PartnerContact.user_id).where(PartnerContact.partner_id == partner.id,
                                                  PartnerContact.user_id.is_not(None))
    rsvps = session.execute(
        select(func.count()).select_from(Rsvp).where(
            Rsvp.team_id == partner.team_id, Rsvp.user_id.in_(people), Rsvp.response == "going",
            Rsvp.updated_at >= start)
    ).scalar_one()  # fmt: skip
    agreements = [(AGREEMENT_KINDS.get(kind, kind), renewal) for kind, renewal in session.execute(
        select(Agreement.kind, Agreement.renewal_date).where(Agreement.partner_id == partner.id))]
    moments = session.execute(
        select(func.max(Referral.sent_at), func.max(Referral.first_answer_at), func.max(Referral.outcome_at))
        .where(Referral.partner_id == partner.id)
    ).one()  # fmt: skip
    celebrated = session.execute(
        select(func.max(Success.celebrated_at)).join(SuccessPartner, SuccessPartner.success_id == Success.id)
        .where(SuccessPartner.partner_id == partner.id)
    ).scalar_one()  # fmt: skip
    last = max((m for m in (*moments, celebrated) if m is not None), default=None)
    return PartnerScorecard(partner.id, partner.name, card, int(celebrations), int(rsvps), agreements, last,
                            partner.capacity_per_month)


@dataclass(frozen=True)
class WeekOfReferrals:
    week_start: datetime
    sent: int
    connected: int


def weekly_referrals(session: Session, team_id: str, starts: list[datetime], end: datetime) -> list[tuple[int, int]]:
    """(sent, connected) per week for the digest chart; `starts` are the weeks' starts, `end` the last's end."""
    week = case(*((Referral.sent_at < upper, index) for index, upper in enumerate(starts[1:])),
                else_=len(starts) - 1).label("week")
    rows = session.execute(
        select(week, func.count(), _sum_if(Referral.outcome == "connected"))
        .where(Referral.team_id == team_id, Referral.sent_at >= starts[0], Referral.sent_at < end)
        .group_by(week)
    ).all()  # fmt: skip
    counts = {int(index): (int(sent), int(connected)) for index, sent, connected in rows}
    return [counts.get(i, (0, 0)) for i in range(len(starts))]
