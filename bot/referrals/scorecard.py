"""The partnership scorecard: how referrals to each partner fare, for `/partner scorecard` and the manager digest.

The counts are aggregates the database computes in one scan (conditional sums grouped by partner and need, served
by a covering index), rolled up to all partners, each partner and each need. Medians read one narrow column in
order: the answer time, stored in seconds when the partner first answers (so no date arithmetic differs between
SQLite and PostgreSQL), from the same index.

Definitions, as people read them:
- acceptance rate: accepted / sent;
- median time to first answer: over referrals that were answered at all;
- loop closure: accepted referrals whose outcome is recorded (connected or not connected) / accepted;
- connected rate: connected / sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
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


def _grouped_counts(session: Session, where) -> list[tuple]:
    """(partner_id, need, sent, accepted, declined, closed, connected, declined for capacity), one row per partner
    and need: the one scan every count of the scorecard is rolled up from (a covering index serves it)."""
    return session.connection().execute(
        select(Referral.partner_id, Referral.need, func.count(), func.count(Referral.accepted_at),
               _sum_if(Referral.status == "declined"),
               _sum_if(and_(Referral.accepted_at.is_not(None), Referral.outcome.in_(CLOSED))),
               _sum_if(Referral.outcome == "connected"), _sum_if(Referral.decline_reason == "capacity"))
        .where(where).group_by(Referral.partner_id, Referral.need)
    ).fetchall()  # fmt: skip


def _answer_times(session: Session, where) -> dict[tuple, list[int]]:
    """(partner_id, need) -> seconds to first answer of every answered referral, in no order (sorting the few
    lists in Python is cheaper than sorting the rows in the database)."""
    rows = session.connection().execute(
        select(Referral.partner_id, Referral.need, Referral.first_answer_seconds)
        .where(where, Referral.first_answer_seconds.is_not(None))
    ).fetchall()  # fmt: skip
    by_pair: dict[tuple, list[int]] = {}
    for partner_id, need, seconds in rows:
        by_pair.setdefault((partner_id, need), []).append(seconds)
    return by_pair


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _roll_up(rows, times, key) -> dict:
    """Figures per `key` (a function of partner id and need) from the grouped counts and the answer times."""
    sums: dict = {}
    for row in rows:
        totals = sums.setdefault(key(row[0], row[1]), [0] * 5)
        for index, value in enumerate(row[2:7]):
            totals[index] += int(value)
    ordered: dict = {}
    for (partner_id, need), seconds in times.items():
        ordered.setdefault(key(partner_id, need), []).extend(seconds)
    return {k: Figures(*v, median_answer_seconds=_median(ordered.get(k, []))) for k, v in sums.items()}


def _capacity_declines(rows) -> list[tuple[str, int]]:
    per_need: dict[str, int] = {}
    for row in rows:
        if row[7]:
            per_need[row[1]] = per_need.get(row[1], 0) + int(row[7])
    return sorted(((vocabulary.label(need), count) for need, count in per_need.items()), key=lambda p: (-p[1], p[0]))


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
    rows, times = _grouped_counts(session, where), _answer_times(session, where)
    total = _roll_up(rows, times, lambda partner_id, need: 0).get(0, Figures())
    names = dict(session.execute(select(Partner.id, Partner.name).where(Partner.team_id == team_id)).all())
    by_partner = sorted(((names.get(k, "?"), f) for k, f in _roll_up(rows, times, lambda p, n: p).items()),
                        key=lambda item: (-item[1].sent, item[0]))
    by_need = sorted(((vocabulary.label(k), f) for k, f in _roll_up(rows, times, lambda p, n: n).items()),
                     key=lambda item: (-item[1].sent, item[0]))
    return Scorecard(start, end, total, by_partner, by_need, _capacity_declines(rows),
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
