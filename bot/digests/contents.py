"""Manager digests: what happened in a period, what is missing, what is next.

`DigestData` is the one set of figures behind every rendering (the Slack DM, `partnerbot report` in Markdown or
CSV, and the weekly chart), so a number means the same thing wherever a manager reads it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from bot.digests.commands import CADENCE_DAYS
from bot.partners.commands import AGREEMENT_LABELS
from bot.platform import vocabulary
from bot.platform.clock import local_midnight_utc, to_local
from bot.referrals.scorecard import Scorecard, scorecard, weekly_referrals
from models.celebrations import Success, SuccessPartner
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from models.directory import Resource
from models.partners import Agreement, Partner, PartnerService
from models.search import QuestionLog, UnmetNeed

log = logging.getLogger(__name__)

CANCELLED_OCCURRENCE_STATUSES = ("cancelled", "skipped")

# How far back or ahead the standing sections look, counted from the end of the period.
QUIET_PARTNER_DAYS = 60
UPCOMING_CONFERENCE_DAYS = 14
STALE_RESOURCE_DAYS = 180
RENEWAL_WINDOW_DAYS = 90
DEMAND_WINDOW_DAYS = 30  # demand is compared with capacity per month
CHART_WEEKS = 8


@dataclass(frozen=True)
class Change:
    """A count for the period next to the same count for the period before it."""

    current: int
    previous: int

    @property
    def delta(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class ResourceActivity:
    added: Change
    verified: Change
    retired: Change

    @property
    def is_empty(self) -> bool:
        return not any((c.current or c.previous) for c in (self.added, self.verified, self.retired))


@dataclass(frozen=True)
class NeedDemand:
    """How often people asked about one need category."""

    category: str  # category id, or "" for questions no category matched
    label: str
    asked: Change


@dataclass(frozen=True)
class UnmetNeedLine:
    """A need nobody could answer: the seed of the next partnership."""

    phrase: str  # already redacted and normalized when it was stored
    category_label: str | None
    unanswered: Change  # unanswered questions about it in the period vs the period before
    total_asks: int  # since it was first asked
    first_asked_at: datetime
    last_asked_at: datetime


@dataclass(frozen=True)
class PartnerSuccesses:
    partner_name: str
    successes: Change


@dataclass(frozen=True)
class QuietPartner:
    """A partner nobody has celebrated a success with in QUIET_PARTNER_DAYS days."""

    partner_name: str
    last_recognized_at: datetime | None  # None: never recognized


@dataclass(frozen=True)
class UpcomingConference:
    title: str
    channel_id: str
    start_utc: datetime
    agenda_items: int
    going: int
    not_going: int


@dataclass(frozen=True)
class StaleResource:
    name: str
    organization: str
    last_verified_at: datetime | None  # None: never verified since it was logged
    created_at: datetime


@dataclass(frozen=True)
class ResourceChecks:
    """How current the directory is at the end of the period."""

    active: int  # resources not retired
    never_verified: int  # active resources nobody has verified since they were logged
    stale: Change  # active resources unverified for STALE_RESOURCE_DAYS, at the end of each period
    oldest_stale: list[StaleResource]


@dataclass(frozen=True)
class RenewalDue:
    partner_name: str
    kind: str
    renewal_date: date


@dataclass(frozen=True)
class PartnerCapacity:
    partner_name: str
    capacity_per_month: int
    current_load: int | None
    demand: (
        int  # questions in the partner's service categories over the DEMAND_WINDOW_DAYS before the period end
    )

    @property
    def over_capacity(self) -> bool:
        load = self.current_load or 0
        return self.demand + load > self.capacity_per_month


@dataclass(frozen=True)
class WeekOfNeeds:
    week_start: datetime  # aware UTC, inclusive; the week ends 7 days later
    asked: int
    unmet: int
    referrals_sent: int = 0
    referrals_connected: int = 0


@dataclass(frozen=True)
class DigestData:
    """Every figure of one digest. Datetimes are aware UTC; `timezone` is only for showing them."""

    team_id: str
    period_start: datetime
    period_end: datetime  # exclusive
    previous_start: datetime
    timezone: str
    resources: ResourceActivity
    # QuestionLog holds one row per need per question, so these count needs asked about, not messages.
    needs_asked: Change
    needs_unmet: Change  # needs no resource answered
    top_needs: list[NeedDemand]
    unmet_needs: list[UnmetNeedLine]
    successes: Change
    successes_by_partner: list[PartnerSuccesses]
    quiet_partners: list[QuietPartner]
    quiet_partner_count: int
    upcoming_conferences: list[UpcomingConference]
    checks: ResourceChecks
    renewals_due: list[RenewalDue]
    capacity: list[PartnerCapacity]
    weeks: list[WeekOfNeeds]
    referrals: Scorecard | None = None  # the referral scorecard for the period (bot.referrals.scorecard)

    @property
    def previous_end(self) -> datetime:
        return self.period_start

    @property
    def period_days(self) -> int:
        return max(1, round((self.period_end - self.period_start) / timedelta(days=1)))


# --- Periods ------------------------------------------------------------------------------------------------


def period_for(cadence: str, delivery_day: date, timezone: str) -> tuple[datetime, datetime]:
    """The whole local days a digest delivered on `delivery_day` covers: the day (daily), the 7 days (weekly) or
    the 14 days (biweekly) before it, as UTC [start, end)."""
    days = CADENCE_DAYS[cadence]
    end = local_midnight_utc(delivery_day, timezone)
    start = local_midnight_utc(delivery_day - timedelta(days=days), timezone)
    return start, end


# --- Building a digest from the database ----------------------------------------------------------------------
#
# Every figure is an aggregate computed by the database (GROUP BY, conditional sums over an indexed time range);
# Python only shapes the handful of result rows. The indexes these queries lean on are declared with their tables
# (the resource ones at the end of models/directory.py).

DEFAULT_LIST_LIMIT = 8
UNCATEGORIZED_LABEL = "Other (no category matched)"


def between(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _category_label(category_id: str | None) -> str | None:
    return vocabulary.label(category_id) if category_id else None


def _resource_activity(session: Session, team_id: str, previous_start, start, end) -> ResourceActivity:
    figures = []
    for column in (Resource.created_at, Resource.verified_at, Resource.retired_at):
        current, previous = session.execute(
            select(_count_if(column >= start), _count_if(column < start)).where(
                Resource.team_id == team_id, between(column, previous_start, end)
            )
        ).one()
        figures.append(Change(int(current), int(previous)))
    return ResourceActivity(*figures)


def _resource_checks(session: Session, team_id: str, previous_start, start, end, limit: int) -> ResourceChecks:
    """Active resources, those never verified, and those whose last check (or logging, if never checked) is older
    than STALE_RESOURCE_DAYS.

    Only the latest verification date is kept, so for the previous period a resource verified since then counts as
    overdue then if it was logged before the cutoff: the usual reason to verify a resource is that it was overdue.
    """
    stale_window = timedelta(days=STALE_RESOURCE_DAYS)
    last_check = func.coalesce(Resource.verified_at, Resource.created_at)
    active, never_verified, current_count = session.execute(
        select(
            func.count(),
            _count_if(Resource.verified_at.is_(None)),
            _count_if(last_check < end - stale_window),
        ).where(Resource.team_id == team_id, Resource.retired_at.is_(None), Resource.created_at < end)
    ).one()
    previous_cutoff = start - stale_window
    previous_count = session.execute(
        select(func.count()).where(
            Resource.team_id == team_id,
            Resource.created_at < previous_cutoff,
            or_(Resource.retired_at.is_(None), Resource.retired_at >= start),
            or_(
                Resource.verified_at.is_(None),
                Resource.verified_at < previous_cutoff,
                Resource.verified_at >= start,
            ),
        )
    ).scalar_one()
    oldest = session.execute(
        select(Resource.name, Resource.organization, Resource.verified_at, Resource.created_at)
        .where(Resource.team_id == team_id, Resource.retired_at.is_(None), last_check < end - stale_window)
        .order_by(last_check, Resource.id)
        .limit(limit)
    ).all()
    return ResourceChecks(
        active=int(active),
        never_verified=int(never_verified),
        stale=Change(int(current_count), int(previous_count)),
        oldest_stale=[StaleResource(*row) for row in oldest],
    )


def _needs(session: Session, team_id: str, previous_start, start, end, limit: int):
    unmet = QuestionLog.result_count == 0
    in_period = QuestionLog.asked_at >= start
    rows = session.execute(
        select(
            QuestionLog.category,
            _count_if(in_period),
            _count_if(~in_period),
            _count_if(and_(in_period, unmet)),
            _count_if(and_(~in_period, unmet)),
        )
        .where(QuestionLog.team_id == team_id, between(QuestionLog.asked_at, previous_start, end))
        .group_by(QuestionLog.category)
    ).all()
    asked = Change(sum(int(r[1]) for r in rows), sum(int(r[2]) for r in rows))
    unmet_total = Change(sum(int(r[3]) for r in rows), sum(int(r[4]) for r in rows))
    ranked = sorted((r for r in rows if r[1]), key=lambda r: (-int(r[1]), r[0] or "~"))[:limit]
    top = [
        NeedDemand(r[0] or "", _category_label(r[0]) or UNCATEGORIZED_LABEL, Change(int(r[1]), int(r[2])))
        for r in ranked
    ]
    return asked, unmet_total, top


def _unmet_needs(
    session: Session, team_id: str, previous_start, start, end, limit: int
) -> list[UnmetNeedLine]:
    in_period = QuestionLog.asked_at >= start
    per_need = (
        select(
            QuestionLog.need_key.label("need_key"),
            _count_if(in_period).label("current"),
            _count_if(~in_period).label("previous"),
        )
        .where(
            QuestionLog.team_id == team_id,
            QuestionLog.result_count == 0,
            between(QuestionLog.asked_at, previous_start, end),
        )
        .group_by(QuestionLog.need_key)
        .subquery()
    )
    rows = session.execute(
        select(
            UnmetNeed.phrase,
            UnmetNeed.category,
            per_need.c.current,
            per_need.c.previous,
            UnmetNeed.ask_count,
            UnmetNeed.first_asked_at,
            UnmetNeed.last_asked_at,
        )
        .join(per_need, per_need.c.need_key == UnmetNeed.need_key)
        .where(UnmetNeed.team_id == team_id, per_need.c.current > 0)
        .order_by(per_need.c.current.desc(), UnmetNeed.ask_count.desc(), UnmetNeed.first_asked_at)
        .limit(limit)
    ).all()
    return [
        UnmetNeedLine(
            phrase=row.phrase,
            category_label=_category_label(row.category),
            unanswered=Change(int(row.current), int(row.previous)),
            total_asks=int(row.ask_count),
            first_asked_at=row.first_asked_at,
            last_asked_at=row.last_asked_at,
        )
        for row in rows
    ]


def _successes(session: Session, team_id: str, previous_start, start, end, limit: int):
    in_period = Success.celebrated_at >= start
    total_current, total_previous = session.execute(
        select(_count_if(in_period), _count_if(~in_period)).where(
            Success.team_id == team_id, between(Success.celebrated_at, previous_start, end)
        )
    ).one()
    current = _count_if(in_period)
    rows = session.execute(
        select(Partner.name, current, _count_if(~in_period))
        .join(SuccessPartner, SuccessPartner.success_id == Success.id)
        .join(Partner, Partner.id == SuccessPartner.partner_id)
        .where(Success.team_id == team_id, between(Success.celebrated_at, previous_start, end))
        .group_by(Partner.id, Partner.name)
        .order_by(current.desc(), Partner.name)
        .limit(limit)
    ).all()
    by_partner = [PartnerSuccesses(name, Change(int(cur), int(prev))) for name, cur, prev in rows]
    return Change(int(total_current), int(total_previous)), by_partner


def _quiet_partners(session: Session, team_id: str, end, limit: int):
    cutoff = end - timedelta(days=QUIET_PARTNER_DAYS)
    last_success = (
        select(
            SuccessPartner.partner_id.label("partner_id"), func.max(Success.celebrated_at).label("last_at")
        )
        .join(Success, Success.id == SuccessPartner.success_id)
        .where(SuccessPartner.team_id == team_id, Success.celebrated_at < end)
        .group_by(SuccessPartner.partner_id)
        .subquery()
    )
    quiet = and_(
        Partner.team_id == team_id,
        Partner.created_at < cutoff,  # a partner newer than the window has not had the chance yet
        or_(last_success.c.last_at.is_(None), last_success.c.last_at < cutoff),
    )
    base = select(Partner.name, last_success.c.last_at).outerjoin(
        last_success, last_success.c.partner_id == Partner.id
    )
    count = session.execute(select(func.count()).select_from(base.where(quiet).subquery())).scalar_one()
    rows = session.execute(
        base.where(quiet)
        # Never recognized first, then the longest quiet.
        .order_by(last_success.c.last_at.is_not(None), last_success.c.last_at, Partner.name)
        .limit(limit)
    ).all()
    return [QuietPartner(name, last_at) for name, last_at in rows], int(count)


# Counted per listed meeting (correlated, each an indexed lookup by occurrence_id), not over every agenda item.
def agenda_size():
    return (
        select(func.count())
        .where(AgendaItem.occurrence_id == ConferenceOccurrence.id)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )


def rsvp_count(response: str):
    return (
        select(func.count())
        .where(Rsvp.occurrence_id == ConferenceOccurrence.id, Rsvp.response == response)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )


def upcoming_meetings(team_id: str, start: datetime, end: datetime, *more_columns):
    """Meetings of live series in [start, end), soonest first: title, channel, start, agenda size, RSVPs going, then
    `more_columns`. The digest and the App Home both list meetings from here."""
    return (
        select(
            ConferenceSeries.title,
            ConferenceSeries.channel_id,
            ConferenceOccurrence.start_utc,
            agenda_size(),
            rsvp_count("going"),
            *more_columns,
        )
        .join(ConferenceSeries, ConferenceSeries.id == ConferenceOccurrence.series_id)
        .where(
            ConferenceOccurrence.team_id == team_id,
            between(ConferenceOccurrence.start_utc, start, end),
            ConferenceOccurrence.status.not_in(CANCELLED_OCCURRENCE_STATUSES),
            ConferenceSeries.cancelled_at.is_(None),
        )
        .order_by(ConferenceOccurrence.start_utc, ConferenceOccurrence.id)
    )


def _upcoming_conferences(session: Session, team_id: str, end, limit: int) -> list[UpcomingConference]:
    window = end + timedelta(days=UPCOMING_CONFERENCE_DAYS)
    rows = session.execute(upcoming_meetings(team_id, end, window, rsvp_count("not_going")).limit(limit)).all()
    return [UpcomingConference(*row[:3], int(row[3]), int(row[4]), int(row[5])) for row in rows]


def _renewals_due(session: Session, team_id: str, today: date, limit: int) -> list[RenewalDue]:
    rows = session.execute(
        select(Partner.name, Agreement.kind, Agreement.renewal_date)
        .join(Partner, Partner.id == Agreement.partner_id)
        .where(
            Agreement.team_id == team_id,
            Agreement.renewal_date >= today,
            Agreement.renewal_date <= today + timedelta(days=RENEWAL_WINDOW_DAYS),
        )
        .order_by(Agreement.renewal_date, Partner.name)
        .limit(limit)
    ).all()
    return [
        RenewalDue(name, AGREEMENT_LABELS.get(kind, kind), renewal_date) for name, kind, renewal_date in rows
    ]


def _capacity(session: Session, team_id: str, end, limit: int) -> list[PartnerCapacity]:
    """Partners with a capacity on record, against the needs asked about in the categories they serve."""
    per_category = (
        select(QuestionLog.category.label("category"), func.count().label("asked"))
        .where(
            QuestionLog.team_id == team_id,
            between(QuestionLog.asked_at, end - timedelta(days=DEMAND_WINDOW_DAYS), end),
            QuestionLog.category.is_not(None),
        )
        .group_by(QuestionLog.category)
        .subquery()
    )
    rows = session.execute(
        select(
            Partner.name,
            Partner.capacity_per_month,
            Partner.current_load,
            func.coalesce(func.sum(per_category.c.asked), 0),
        )
        .outerjoin(PartnerService, PartnerService.partner_id == Partner.id)
        .outerjoin(per_category, per_category.c.category == PartnerService.category)
        .where(Partner.team_id == team_id, Partner.capacity_per_month.is_not(None))
        .group_by(Partner.id, Partner.name, Partner.capacity_per_month, Partner.current_load)
    ).all()
    partners = [
        PartnerCapacity(name, int(capacity), load, int(demand)) for name, capacity, load, demand in rows
    ]
    # Most stretched first: demand plus current load against capacity.
    partners.sort(
        key=lambda p: (-(p.demand + (p.current_load or 0)) / max(p.capacity_per_month, 1), p.partner_name)
    )
    return partners[:limit]


def week_starts(end: datetime, timezone: str, weeks: int = CHART_WEEKS) -> list[datetime]:
    """Starts of the `weeks` 7-day spans ending at `end`, stepped in local wall time so a clock change does not
    shift the boundaries off local midnight."""
    tz = ZoneInfo(timezone)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    return [(local_end - timedelta(weeks=weeks - i)).replace(tzinfo=tz).astimezone(UTC) for i in range(weeks)]


def _weeks_of_needs(session: Session, team_id: str, end, timezone: str) -> list[WeekOfNeeds]:
    starts = week_starts(end, timezone)
    # One bucket expression per row (the first matching boundary wins), grouped: far cheaper than a conditional sum
    # per week, and week boundaries stay on local midnight, which fixed-length arithmetic in SQL would not.
    week = case(
        *((QuestionLog.asked_at < upper, index) for index, upper in enumerate(starts[1:])),
        else_=len(starts) - 1,
    ).label("week")
    rows = session.execute(
        select(week, func.count(), _count_if(QuestionLog.result_count == 0))
        .where(QuestionLog.team_id == team_id, between(QuestionLog.asked_at, starts[0], end))
        .group_by(week)
    ).all()
    counts = {int(index): (int(asked), int(unmet)) for index, asked, unmet in rows}
    referrals = weekly_referrals(session, team_id, starts, end)
    return [WeekOfNeeds(start, *counts.get(i, (0, 0)), *referrals[i]) for i, start in enumerate(starts)]


def build_digest(
    session: Session,
    team_id: str,
    period_start: datetime,
    period_end: datetime,
    *,
    timezone: str = "UTC",
    list_limit: int = DEFAULT_LIST_LIMIT,
) -> DigestData:
    """Every digest figure for [period_start, period_end), compared with the period of equal length before it.

    Standing sections (what is stale, quiet, coming up or due) are measured from period_end.
    """
    if period_end <= period_start:
        raise ValueError("a digest period must end after it starts")
    previous_start = period_start - (period_end - period_start)
    args = (session, team_id, previous_start, period_start, period_end)
    needs_asked, needs_unmet, top_needs = _needs(*args, list_limit)
    successes, by_partner = _successes(*args, list_limit)
    quiet, quiet_count = _quiet_partners(session, team_id, period_end, list_limit)
    today = to_local(period_end, timezone).date()
    return DigestData(
        team_id=team_id,
        period_start=period_start,
        period_end=period_end,
        previous_start=previous_start,
        timezone=timezone,
        resources=_resource_activity(*args),
        needs_asked=needs_asked,
        needs_unmet=needs_unmet,
        top_needs=top_needs,
        unmet_needs=_unmet_needs(*args, list_limit),
        successes=successes,
        successes_by_partner=by_partner,
        quiet_partners=quiet,
        quiet_partner_count=quiet_count,
        upcoming_conferences=_upcoming_conferences(session, team_id, period_end, list_limit),
        checks=_resource_checks(*args, list_limit),
        renewals_due=_renewals_due(session, team_id, today, list_limit),
        capacity=_capacity(session, team_id, period_end, list_limit),
        weeks=_weeks_of_needs(session, team_id, period_end, timezone),
        referrals=scorecard(session, team_id, period_start, period_end, today=today),
    )
