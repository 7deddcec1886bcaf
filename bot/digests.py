"""Manager digests: what happened in a period, what is missing, what is next.

`DigestData` is the one set of figures behind every rendering (the Slack DM, `partnerbot report` in Markdown or
CSV, and the weekly chart), so a number means the same thing wherever a manager reads it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import and_, case, delete, func, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot import outbox, scheduler, vocabulary
from bot.db import Database
from bot.partners import AGREEMENT_LABELS
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from models.core import OutboxMessage
from models.digests import DigestSubscription
from models.directory import Resource
from models.partners import Agreement, Partner, PartnerService, Success, SuccessPartner, SuccessPerson
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
    stale_resources: Change  # active resources unverified for STALE_RESOURCE_DAYS, at the end of each period
    oldest_stale_resources: list[StaleResource]
    renewals_due: list[RenewalDue]
    capacity: list[PartnerCapacity]
    weeks: list[WeekOfNeeds]

    @property
    def previous_end(self) -> datetime:
        return self.period_start

    @property
    def period_days(self) -> int:
        return max(1, round((self.period_end - self.period_start) / timedelta(days=1)))


# --- Periods ------------------------------------------------------------------------------------------------


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant at which `day` starts in `timezone`."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def to_local(moment: datetime, timezone: str) -> datetime:
    """A UTC instant as naive local wall time in `timezone`, for display only (a naive value is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def period_for(cadence: str, delivery_day: date, timezone: str) -> tuple[datetime, datetime]:
    """The whole local days a digest delivered on `delivery_day` covers: the day (daily) or the 7 days (weekly)
    before it, as UTC [start, end)."""
    days = 1 if cadence == "daily" else 7
    end = local_midnight_utc(delivery_day, timezone)
    start = local_midnight_utc(delivery_day - timedelta(days=days), timezone)
    return start, end


# --- Building a digest from the database ----------------------------------------------------------------------
#
# Every figure is an aggregate computed by the database (GROUP BY, conditional sums over an indexed time range);
# Python only shapes the handful of result rows. The indexes these queries lean on are declared in
# models/digests.py.

SECTION_KEYS = ("resources", "needs", "unmet", "successes", "conferences", "stale", "renewals", "capacity")
DEFAULT_LIST_LIMIT = 8
UNCATEGORIZED_LABEL = "Other (no category matched)"


def _in(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _category_label(category_id: str | None) -> str | None:
    if not category_id:
        return None
    category = vocabulary.get(category_id)
    return category.display_name if category else category_id


def _resource_activity(session: Session, team_id: str, previous_start, start, end) -> ResourceActivity:
    figures = []
    for column in (Resource.created_at, Resource.verified_at, Resource.retired_at):
        current, previous = session.execute(
            select(_count_if(column >= start), _count_if(column < start)).where(
                Resource.team_id == team_id, _in(column, previous_start, end)
            )
        ).one()
        figures.append(Change(int(current), int(previous)))
    return ResourceActivity(*figures)


def _stale_resources(session: Session, team_id: str, previous_start, start, end, limit: int):
    """Active resources whose last check (or logging, if never checked) is older than STALE_RESOURCE_DAYS.

    Only the latest verification date is kept, so for the previous period a resource verified since then counts as
    overdue then if it was logged before the cutoff: the usual reason to verify a resource is that it was overdue.
    """
    stale_window = timedelta(days=STALE_RESOURCE_DAYS)
    last_check = func.coalesce(Resource.verified_at, Resource.created_at)
    current_count = session.execute(
        select(func.count()).where(
            Resource.team_id == team_id, Resource.retired_at.is_(None), last_check < end - stale_window
        )
    ).scalar_one()
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
    return Change(int(current_count), int(previous_count)), [StaleResource(*row) for row in oldest]


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
        .where(QuestionLog.team_id == team_id, _in(QuestionLog.asked_at, previous_start, end))
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
            _in(QuestionLog.asked_at, previous_start, end),
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
            Success.team_id == team_id, _in(Success.celebrated_at, previous_start, end)
        )
    ).one()
    current = _count_if(in_period)
    rows = session.execute(
        select(Partner.name, current, _count_if(~in_period))
        .join(SuccessPartner, SuccessPartner.success_id == Success.id)
        .join(Partner, Partner.id == SuccessPartner.partner_id)
        .where(Success.team_id == team_id, _in(Success.celebrated_at, previous_start, end))
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
def _agenda_size():
    return (
        select(func.count())
        .where(AgendaItem.occurrence_id == ConferenceOccurrence.id)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )


def _rsvps(response: str):
    return (
        select(func.count())
        .where(Rsvp.occurrence_id == ConferenceOccurrence.id, Rsvp.response == response)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )


def _upcoming_conferences(session: Session, team_id: str, end, limit: int) -> list[UpcomingConference]:
    agenda_items = _agenda_size()

    rows = session.execute(
        select(
            ConferenceSeries.title,
            ConferenceSeries.channel_id,
            ConferenceOccurrence.start_utc,
            agenda_items,
            _rsvps("going"),
            _rsvps("not_going"),
        )
        .join(ConferenceSeries, ConferenceSeries.id == ConferenceOccurrence.series_id)
        .where(
            ConferenceOccurrence.team_id == team_id,
            _in(ConferenceOccurrence.start_utc, end, end + timedelta(days=UPCOMING_CONFERENCE_DAYS)),
            ConferenceOccurrence.status.not_in(CANCELLED_OCCURRENCE_STATUSES),
            ConferenceSeries.cancelled_at.is_(None),
        )
        .order_by(ConferenceOccurrence.start_utc, ConferenceOccurrence.id)
        .limit(limit)
    ).all()
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
            _in(QuestionLog.asked_at, end - timedelta(days=DEMAND_WINDOW_DAYS), end),
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
        .where(QuestionLog.team_id == team_id, _in(QuestionLog.asked_at, starts[0], end))
        .group_by(week)
    ).all()
    counts = {int(index): (int(asked), int(unmet)) for index, asked, unmet in rows}
    return [WeekOfNeeds(start, *counts.get(i, (0, 0))) for i, start in enumerate(starts)]


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
    stale, oldest_stale = _stale_resources(*args, list_limit)
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
        stale_resources=stale,
        oldest_stale_resources=oldest_stale,
        renewals_due=_renewals_due(session, team_id, today, list_limit),
        capacity=_capacity(session, team_id, period_end, list_limit),
        weeks=_weeks_of_needs(session, team_id, period_end, timezone),
    )


# --- Subscriptions and the /digest command ---------------------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower()[:3]: i for i, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_LOCAL_TIME = time(9, 0)
SUBCOMMANDS = ("subscribe", "unsubscribe", "preview", "help", "status")
EXAMPLE = "`/digest subscribe weekly on monday at 9am`"

_CADENCE = re.compile(r"\b(daily|weekly|every\s+day|each\s+day|every\s+week|each\s+week)\b")
_DAY = re.compile(
    r"\b(?:on\s+|every\s+|each\s+)?(" + "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True)) + r")s?\b"
)
_TIME = re.compile(
    r"(?:\bat\s+)(noon|midnight|\d{1,2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.))?)(?![\w:])"
    r"|\b(\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2})(?![\w:])"
)


class DigestCommandError(Exception):
    """What someone typed cannot be done; str(error) is the friendly message (already safe to show)."""


@dataclass(frozen=True)
class Schedule:
    cadence: str  # "daily" | "weekly"
    weekday: int | None  # 0 = Monday; weekly only
    local_time: time


@dataclass(frozen=True)
class DigestCommand:
    action: str  # one of SUBCOMMANDS
    schedule: Schedule | None = None


def _parse_time(raw: str) -> time:
    text = raw.replace(".", "").replace(" ", "")
    if text == "noon":
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", text)
    if not match:
        raise DigestCommandError(f"I couldn't read the time. Try {EXAMPLE} or `at 16:30`.")
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            raise DigestCommandError("With am or pm the hour must be between 1 and 12, for example `at 9am`.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DigestCommandError(
            "That isn't a time of day. Use something like `at 9am`, `at 9:30` or `at 16:30`."
        )
    return time(hour, minute)


def parse_schedule(text: str) -> Schedule:
    """`[daily|weekly] [on <day>] [at <time>]` in any order; weekly on Monday at 9:00 when left out."""
    rest = " " + " ".join(text.lower().split()) + " "
    cadence = day = moment = None

    def take(pattern: re.Pattern) -> re.Match | None:
        nonlocal rest
        match = pattern.search(rest)
        if match:
            rest = rest[: match.start()] + " " + rest[match.end() :]
        return match

    if found := take(_CADENCE):
        cadence = "weekly" if "week" in found.group(1) else "daily"
    if found := take(_DAY):
        day = _WEEKDAY_WORDS[found.group(1)]
    if found := take(_TIME):
        moment = _parse_time(found.group(1) or found.group(2))
    leftover = " ".join(rest.split())
    if leftover:
        # Not echoed back: what someone types could hold a patient's details.
        raise DigestCommandError(
            f"I didn't understand that schedule. Try {EXAMPLE}, `/digest subscribe daily at 8am` or `/digest help`."
        )
    if cadence == "daily" and day is not None:
        raise DigestCommandError(
            f"A daily digest comes every day, so it can't also be on {WEEKDAY_NAMES[day]}. "
            f"Say `daily` or `weekly on {WEEKDAY_NAMES[day].lower()}`."
        )
    cadence = cadence or "weekly"
    weekday = (DEFAULT_WEEKDAY if day is None else day) if cadence == "weekly" else None
    return Schedule(cadence, weekday, moment or DEFAULT_LOCAL_TIME)


def parse_command(text: str) -> DigestCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return DigestCommand("status")
    action = words[0].lower()
    if action in ("stop", "cancel"):
        action = "unsubscribe"
    if action == "subscribe":
        return DigestCommand("subscribe", parse_schedule(words[1] if len(words) > 1 else ""))
    if action in SUBCOMMANDS and len(words) == 1:
        return DigestCommand(action)
    raise DigestCommandError(
        "I know `/digest subscribe`, `/digest unsubscribe`, `/digest preview` and `/digest help`."
    )


def time_text(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def describe_schedule(cadence: str, weekday: int | None, local_time: time, timezone: str) -> str:
    when = "every day" if cadence == "daily" else f"every {WEEKDAY_NAMES[weekday or 0]}"
    return f"{when} at {time_text(local_time)} ({timezone})"


def get_subscription(session: Session, team_id: str, user_id: str) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.user_id == user_id
        )
    ).first()


def subscribe(
    session: Session, *, team_id: str, user_id: str, schedule: Schedule, timezone: str, now: datetime
) -> tuple[DigestSubscription, bool]:
    """Creates or changes a person's subscription and plans its next digest. Returns (subscription, created)."""
    ZoneInfo(timezone)  # an unknown zone is a bug in the caller, not something to store
    created = False
    subscription = get_subscription(session, team_id, user_id)
    if subscription is None:
        # ON CONFLICT DO NOTHING: if the same person subscribes on two replicas at once, one row wins and the other
        # request updates it instead of failing on the unique key.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = {
            "team_id": team_id,
            "user_id": user_id,
            "cadence": schedule.cadence,
            "weekday": schedule.weekday,
            "local_time": schedule.local_time,
            "timezone": timezone,
            "created_at": now,
            "updated_at": now,
        }
        statement = insert(DigestSubscription.__table__).values(**values)
        created = (
            session.execute(statement.on_conflict_do_nothing(index_elements=["team_id", "user_id"])).rowcount
            == 1
        )
        subscription = get_subscription(session, team_id, user_id)
    if not created and (
        subscription.cadence,
        subscription.weekday,
        subscription.local_time,
        subscription.timezone,
    ) != (
        schedule.cadence,
        schedule.weekday,
        schedule.local_time,
        timezone,
    ):
        subscription.cadence, subscription.weekday = schedule.cadence, schedule.weekday
        subscription.local_time, subscription.timezone = schedule.local_time, timezone
        subscription.updated_at = now
        session.add(subscription)
        # Forget deliveries planned for the old time (not yet claimed), so the planner plans the new one; a digest
        # already sent for a period stays the only one for that period.
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.status == "pending",
                OutboxMessage.key.startswith(_key_prefix(subscription.id), autoescape=True),
            )
        )
        session.flush()
    plan_subscription(session, subscription, now)
    return subscription, created


def unsubscribe(session: Session, *, team_id: str, user_id: str) -> bool:
    subscription = get_subscription(session, team_id, user_id)
    if subscription is None:
        return False
    outbox.cancel_pending(session, team_id, _key_prefix(subscription.id))
    session.delete(subscription)
    return True


# --- Planning and delivery through the outbox ------------------------------------------------------------------

PLANNER_SECONDS = 300
DIGEST_KIND = "digest"
CHART_KIND = "digest_chart"


def _key_prefix(subscription_id: int) -> str:
    return f"digest:{subscription_id}:"


def delivery_key(subscription_id: int, cadence: str, period_start_day: date) -> str:
    # The cadence is part of the key: a weekly digest and a daily one can start on the same day.
    return f"{_key_prefix(subscription_id)}{period_start_day.isoformat()}:{cadence}"


def _local_instant(day: date, moment: time, timezone: str) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def deliveries_around(subscription: DigestSubscription, now: datetime) -> tuple[date, date]:
    """The local delivery days of the latest delivery at or before `now` and of the next one after it."""
    tz = subscription.timezone
    local_today = to_local(now, tz).date()
    step = 1 if subscription.cadence == "daily" else 7
    candidate = local_today
    if subscription.cadence == "weekly":
        candidate -= timedelta(days=(local_today.weekday() - (subscription.weekday or 0)) % 7)
    if _local_instant(candidate, subscription.local_time, tz) > now:
        return candidate - timedelta(days=step), candidate
    return candidate, candidate + timedelta(days=step)


def plan_subscription(session: Session, subscription: DigestSubscription, now: datetime) -> int:
    """Enqueues the next digest and, if it fell due while nothing was running, the latest one (the outbox sends it
    late within its grace window, or skips and logs it). Idempotent: one outbox row per subscription per period."""
    planned = 0
    for day in deliveries_around(subscription, now):
        due_at = _local_instant(day, subscription.local_time, subscription.timezone)
        if due_at < _aware(subscription.updated_at):
            continue  # due before this schedule existed
        period_start, period_end = period_for(subscription.cadence, day, subscription.timezone)
        planned += outbox.enqueue(
            session,
            team_id=subscription.team_id,
            key=delivery_key(
                subscription.id, subscription.cadence, to_local(period_start, subscription.timezone).date()
            ),
            kind=DIGEST_KIND,
            due_at=due_at,
            payload={
                "subscription_id": subscription.id,
                "user_id": subscription.user_id,
                "timezone": subscription.timezone,
                "period_start": period_start.isoformat(),
                "period_end": period_end.isoformat(),
                "description": "your partnership digest",
            },
        )
    return planned


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@scheduler.periodic("digests", PLANNER_SECONDS)
def plan_digests(db: Database, now: datetime) -> None:
    with db.session() as session:
        subscriptions = session.exec(select(DigestSubscription).order_by(DigestSubscription.id)).all()
        planned = sum(plan_subscription(session, subscription, now) for subscription in subscriptions)
    if planned:
        log.info("digests: planned %d deliveries", planned)


def open_dm(client: WebClient, user_id: str) -> str:
    return client.conversations_open(users=user_id)["channel"]["id"]


def late_note(due_at: datetime, timezone: str) -> str:
    local = to_local(due_at, timezone)
    return (
        f"This digest was due at {time_text(local.time())} on {local:%a} {local.day} {local:%b} and is late "
        "because partnerbot was offline."
    )


def post_digest(client: WebClient, channel_id: str, data: DigestData, *, note: str | None = None) -> None:
    from bot.views.digests import digest_blocks, digest_fallback_text  # views import this module's types

    client.chat_postMessage(
        channel=channel_id, text=digest_fallback_text(data), blocks=digest_blocks(data, late_note=note)
    )


def upload_chart(client: WebClient, channel_id: str, weeks: list[WeekOfNeeds], timezone: str) -> None:
    from bot.chart import CHART_TITLE, chart_alt_text, needs_chart_png

    client.files_upload_v2(
        channel=channel_id,
        file=needs_chart_png(weeks, timezone),
        filename="needs-per-week.png",
        title=CHART_TITLE,
        alt_txt=chart_alt_text(weeks, timezone),
    )


@outbox.sender(DIGEST_KIND)
def send_digest(delivery: outbox.Delivery) -> None:
    """DMs one scheduled digest, then plans its chart as its own outbox row: a failed upload is retried alone and
    can never send the digest twice."""
    payload = delivery.payload
    with delivery.db.session() as session:
        subscription = session.get(DigestSubscription, payload["subscription_id"])
        if subscription is None or subscription.user_id != payload["user_id"]:
            log.info("digests: %s is for a subscription that no longer exists; not sent", delivery.key)
            return
        data = build_digest(
            session,
            delivery.team_id,
            datetime.fromisoformat(payload["period_start"]),
            datetime.fromisoformat(payload["period_end"]),
            timezone=payload["timezone"],
        )
    channel_id = open_dm(delivery.client, payload["user_id"])
    note = late_note(delivery.due_at, payload["timezone"]) if delivery.late else None
    post_digest(delivery.client, channel_id, data, note=note)
    with delivery.db.session() as session:
        outbox.enqueue(
            session,
            team_id=delivery.team_id,
            key=delivery.key.replace("digest:", "digest-chart:", 1),
            kind=CHART_KIND,
            # Due with the digest, so the same tick (or the next) picks it up within the same grace window.
            due_at=delivery.due_at,
            payload={
                "channel_id": channel_id,
                "timezone": payload["timezone"],
                "weeks": [[w.week_start.isoformat(), w.asked, w.unmet] for w in data.weeks],
                "description": "the chart for your partnership digest",
            },
        )


@outbox.sender(CHART_KIND)
def send_digest_chart(delivery: outbox.Delivery) -> None:
    payload = delivery.payload
    weeks = [
        WeekOfNeeds(datetime.fromisoformat(start), asked, unmet) for start, asked, unmet in payload["weeks"]
    ]
    upload_chart(delivery.client, payload["channel_id"], weeks, payload["timezone"])


def send_preview(
    client: WebClient, db: Database, *, team_id: str, user_id: str, timezone: str, days: int, now: datetime
) -> str:
    """Builds the digest for the `days` before now and DMs it with its chart at once (not through the outbox:
    the person is waiting for it). Returns the DM channel id."""
    with db.session() as session:
        data = build_digest(session, team_id, now - timedelta(days=days), now, timezone=timezone)
    channel_id = open_dm(client, user_id)
    post_digest(client, channel_id, data, note="Preview: the figures up to now.")
    upload_chart(client, channel_id, data.weeks, timezone)
    return channel_id


# --- The App Home: each person's own view of the same data --------------------------------------------------

HOME_LIST_LIMIT = 5
HOME_CONFERENCE_DAYS = UPCOMING_CONFERENCE_DAYS
HOME_SUCCESS_DAYS = 90


@dataclass(frozen=True)
class HomeResource:
    name: str
    organization: str
    category_labels: list[str]
    created_at: datetime
    verified_at: datetime | None


@dataclass(frozen=True)
class HomeConference:
    title: str
    channel_id: str
    start_utc: datetime
    agenda_items: int
    going: int
    my_response: str | None  # "going" | "not_going" | None


@dataclass(frozen=True)
class HomeSuccess:
    text: str  # redacted when it was stored
    channel_id: str
    author_user_id: str
    celebrated_at: datetime
    partner_names: list[str]


@dataclass(frozen=True)
class HomeData:
    user_id: str
    resources: list[HomeResource]
    conferences: list[HomeConference]
    successes: list[HomeSuccess]
    digest_schedule: str | None  # describe_schedule() of their subscription, if any


def _home_resources(session: Session, team_id: str, user_id: str) -> list[HomeResource]:
    rows = session.execute(
        select(
            Resource.name,
            Resource.organization,
            Resource.categories,
            Resource.created_at,
            Resource.verified_at,
        )
        .where(Resource.team_id == team_id, Resource.created_by == user_id, Resource.retired_at.is_(None))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .limit(HOME_LIST_LIMIT)
    ).all()
    return [
        HomeResource(
            name, organization, [_category_label(c) for c in categories.split(";") if c], created, verified
        )
        for name, organization, categories, created, verified in rows
    ]


def _home_conferences(session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime):
    """Meetings in the person's channels, or ones they run, facilitate or answered."""
    mine = (
        select(Rsvp.response)
        .where(Rsvp.occurrence_id == ConferenceOccurrence.id, Rsvp.user_id == user_id)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )
    agenda_items = _agenda_size()
    going = _rsvps("going")
    rows = session.execute(
        select(
            ConferenceSeries.title,
            ConferenceSeries.channel_id,
            ConferenceOccurrence.start_utc,
            agenda_items,
            going,
            mine,
        )
        .join(ConferenceSeries, ConferenceSeries.id == ConferenceOccurrence.series_id)
        .where(
            ConferenceOccurrence.team_id == team_id,
            _in(ConferenceOccurrence.start_utc, now, now + timedelta(days=HOME_CONFERENCE_DAYS)),
            ConferenceOccurrence.status.not_in(CANCELLED_OCCURRENCE_STATUSES),
            ConferenceSeries.cancelled_at.is_(None),
            or_(
                ConferenceSeries.channel_id.in_(channel_ids),
                ConferenceSeries.owner_user_id == user_id,
                ConferenceOccurrence.facilitator_user_id == user_id,
                mine.is_not(None),
            ),
        )
        .order_by(ConferenceOccurrence.start_utc, ConferenceOccurrence.id)
        .limit(HOME_LIST_LIMIT)
    ).all()
    return [HomeConference(t, c, s, int(a), int(g), m) for t, c, s, a, g, m in rows]


def _home_successes(session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime):
    """Recent successes the person can already see: in their channels, written by them or crediting them."""
    credited = (
        select(SuccessPerson.success_id)
        .where(SuccessPerson.team_id == team_id, SuccessPerson.user_id == user_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Success.id, Success.text, Success.channel_id, Success.author_user_id, Success.celebrated_at)
        .where(
            Success.team_id == team_id,
            Success.celebrated_at >= now - timedelta(days=HOME_SUCCESS_DAYS),
            or_(
                Success.channel_id.in_(channel_ids),
                Success.author_user_id == user_id,
                Success.id.in_(credited),
            ),
        )
        .order_by(Success.celebrated_at.desc(), Success.id.desc())
        .limit(HOME_LIST_LIMIT)
    ).all()
    names: dict[int, list[str]] = {row.id: [] for row in rows}
    for success_id, name in session.execute(
        select(SuccessPartner.success_id, Partner.name)
        .join(Partner, Partner.id == SuccessPartner.partner_id)
        .where(SuccessPartner.success_id.in_(list(names)))
        .order_by(Partner.name)
    ):
        names[success_id].append(name)
    return [HomeSuccess(r.text, r.channel_id, r.author_user_id, r.celebrated_at, names[r.id]) for r in rows]


def home_data(
    session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime
) -> HomeData:
    subscription = get_subscription(session, team_id, user_id)
    schedule = (
        describe_schedule(
            subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
        )
        if subscription
        else None
    )
    return HomeData(
        user_id=user_id,
        resources=_home_resources(session, team_id, user_id),
        conferences=_home_conferences(session, team_id, user_id, channel_ids, now),
        successes=_home_successes(session, team_id, user_id, channel_ids, now),
        digest_schedule=schedule,
    )
