"""Case conferences: recurring meetings with agendas, rotating facilitators and reminders sent exactly once.

Every function takes the session (opened by the caller), the actor (whose `team_id` is the owning workspace) and a
typed command, and returns a dataclass; a refusal is a FeatureError whose message is safe to show. Nothing here
talks to Slack: what needs Slack is gathered by the handler.

A series is stored as an RFC 5545 rule with a local start and an IANA zone (see recurrence). Meetings are
materialized a few weeks ahead as ConferenceOccurrence rows, and each planned reminder becomes an outbox row keyed
`conf:{occurrence_id}:{kind}` (plus `:r{n}` after the n-th move), so planning is idempotent and the outbox sends
each one once. Skipping, moving or cancelling a meeting cancels its pending rows and, for a move, plans fresh ones;
a skipped meeting's agenda moves to the next meeting.

Everything people type (titles, agenda items) goes through bot.platform.privacy.redact before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from bot.conferences import ics, recurrence
from bot.conferences.commands import (
    AddAgenda,
    Cancel,
    Create,
    Move,
    NewSeries,
    Reminders,
    SendCalendar,
    SetFacilitators,
    ShowAgenda,
    Skip,
)
from bot.conferences.planning import (
    HORIZON,
    load_schedule,
    materialize,
    meeting_after,
    occurrence_row,
    outbox_rows,
    overrides_by_series,
    row_for,
    schedule_of,
    upcoming_rows,
)
from bot.conferences.recurrence import HolidayClash, Occurrence, Schedule
from bot.conferences.when import ParseError
from bot.platform import audit, clock, dates, outbox, pending, privacy, public_holidays, review
from bot.platform.actor import Actor
from bot.platform.dates import DayPhrase
from bot.platform.errors import FeatureError
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceOverride, ConferenceSeries, Rsvp

MAX_FACILITATORS = 20
MAX_AGENDA_ITEMS = 30
MAX_AGENDA_TEXT = 600
MAX_LEAD = timedelta(days=30)
HOLIDAY_WINDOW = timedelta(days=366)  # a new series is checked against the public holidays of its first year
MAX_HOLIDAY_CLASHES = 6
RSVP_ANSWERS = ("going", "not_going")
NO_MEETING = "I couldn't find that meeting anymore."
AGENDA_SURFACE = "agenda"


@dataclass(frozen=True)
class Created:
    series: ConferenceSeries
    schedule: Schedule
    upcoming: list[Occurrence]
    warnings: list[str] = field(default_factory=list)
    holidays: list[HolidayClash] = field(default_factory=list)
    privacy_note: str = ""


@dataclass(frozen=True)
class Skipped:
    series: ConferenceSeries
    occurrence: Occurrence
    next_meeting: Occurrence | None  # the next meeting still to come, whichever it is
    carried: int = 0  # agenda items moved from the skipped meeting...
    carried_to: datetime | None = None  # ...to the meeting after it (local start)


@dataclass(frozen=True)
class Moved:
    series: ConferenceSeries
    occurrence: Occurrence
    new_start_local: datetime
    warnings: list[str] = field(default_factory=list)
    holiday: str | None = None  # the public holiday on the new day, if any


@dataclass(frozen=True)
class Rotation:
    series: ConferenceSeries
    upcoming: list[ConferenceOccurrence]


@dataclass(frozen=True)
class Swapped:
    this: ConferenceOccurrence
    following: ConferenceOccurrence


@dataclass(frozen=True)
class AgendaAdded:
    series: ConferenceSeries
    meeting_start_local: datetime
    text: str  # as stored: redacted
    privacy_note: str  # what was removed, empty when nothing was


@dataclass(frozen=True)
class AgendaToReview:
    """An agenda item held until its author chooses (bot.platform.review); `review` holds only redacted text."""

    series: ConferenceSeries
    meeting_start_local: datetime
    review: review.Review
    token: str


@dataclass(frozen=True)
class Agenda:
    series: ConferenceSeries
    start_local: datetime
    items: list[AgendaItem]


@dataclass(frozen=True)
class CalendarFile:
    series: ConferenceSeries
    filename: str
    content: bytes


@dataclass(frozen=True)
class MeetingDetails:
    """What a reminder shows about one meeting, read fresh from the database at send time."""

    series: ConferenceSeries
    occurrence: ConferenceOccurrence
    agenda: list[AgendaItem]
    going: list[str]
    not_going: list[str]
    next_facilitator: str | None


# --- finding -----------------------------------------------------------------------------------------------------


def get_series(session: Session, actor: Actor, series_id: int, *, include_cancelled: bool = False) -> ConferenceSeries:
    series = session.get(ConferenceSeries, series_id)
    if series is None or series.team_id != actor.team_id or (series.cancelled_at and not include_cancelled):
        raise FeatureError(f"I couldn't find conference {series_id}. `/conference list` shows the upcoming ones.")
    return series


def _changeable(session: Session, actor: Actor, series_id: int) -> ConferenceSeries:
    series = get_series(session, actor, series_id)
    if actor.user_id != series.owner_user_id and not actor.is_admin:
        raise FeatureError(f"Only <@{series.owner_user_id}>, who set up this conference, can change it.")
    return series


def _occurrence(session: Session, actor: Actor, occurrence_id: int) -> ConferenceOccurrence:
    occurrence = session.get(ConferenceOccurrence, occurrence_id)
    if occurrence is None or occurrence.team_id != actor.team_id:
        raise FeatureError(NO_MEETING)
    return occurrence


def list_upcoming(session: Session, actor: Actor, now: datetime,
                  *, per_series: int = 3) -> list[tuple[ConferenceSeries, list[Occurrence]]]:  # fmt: skip
    series_list = session.execute(
        select(ConferenceSeries)
        .where(ConferenceSeries.team_id == actor.team_id, col(ConferenceSeries.cancelled_at).is_(None))
        .order_by(ConferenceSeries.id)
    ).scalars().all()  # fmt: skip
    overrides = overrides_by_series(session, [s.id for s in series_list])
    listed = []
    for series in series_list:
        upcoming = recurrence.next_occurrences(schedule_of(series, overrides.get(series.id, [])), per_series, now)
        if upcoming:
            listed.append((series, upcoming))
    listed.sort(key=lambda pair: pair[1][0].start_utc)
    return listed


def find_meeting(session: Session, series: ConferenceSeries, day: DayPhrase | None, now: datetime) -> Occurrence:
    """The upcoming meeting on a day (or the next one), skips and moves applied."""
    schedule = load_schedule(session, series)
    if day is None:
        upcoming = recurrence.next_occurrences(schedule, 1, now)
        if not upcoming:
            raise FeatureError("This conference has no upcoming meetings.")
        return upcoming[0]
    wanted = day.resolve(clock.local_today(now, series.timezone))
    for occurrence in recurrence.occurrences_between(schedule, now, now + timedelta(days=400)):
        if occurrence.start_local.date() == wanted:
            return occurrence
        if occurrence.start_local.date() > wanted:
            break
    upcoming = ", ".join(dates.format_date(o.start_local.date()) for o in recurrence.next_occurrences(schedule, 3, now))
    raise FeatureError(f"Conference {series.id} doesn't meet on {dates.format_date(wanted)}."
                       + (f" Upcoming: {upcoming}." if upcoming else ""))  # fmt: skip


# --- creating -----------------------------------------------------------------------------------------------------------


def create_from_text(session: Session, actor: Actor, command: Create, *, here_channel_id: str | None, now: datetime,
                     holiday_country: str | None = None) -> Created:  # fmt: skip
    """A series as typed after /conference; without a channel, the one the command was typed in."""
    channel_id = command.channel_id or here_channel_id
    if not channel_id or channel_id.startswith("D"):
        raise ParseError("Which channel should the reminders go to? Start with the channel, like `#case-conf`.")
    schedule = command.schedule(actor.timezone, now)
    new = NewSeries(title=command.title, channel_id=channel_id, schedule=schedule)
    return create_series(session, actor, new, now=now, holiday_country=holiday_country)


def create_series(session: Session, actor: Actor, new: NewSeries, *, now: datetime,
                  holiday_country: str | None = None) -> Created:  # fmt: skip
    redacted = privacy.redact(new.title.strip())
    title = " ".join(redacted.text.split())[:200]
    if not title:
        raise FeatureError("Give the conference a title.")
    schedule = new.schedule
    if schedule.rrule:
        recurrence.validate_rule(schedule.rrule)
    recurrence.zone(schedule.timezone)
    _check_reminders(new.reminders)
    if len(new.facilitator_user_ids) > MAX_FACILITATORS:
        raise FeatureError(f"A rotation can have up to {MAX_FACILITATORS} facilitators.")
    upcoming = recurrence.next_occurrences(schedule, 3, now)
    if not upcoming:
        raise FeatureError("That time has already passed. Pick a time in the future.")
    reminders = new.reminders
    series = ConferenceSeries(
        team_id=actor.team_id, channel_id=new.channel_id, title=title, owner_user_id=actor.user_id,
        timezone=schedule.timezone, rrule=schedule.rrule, start_local=schedule.start_local,
        duration_minutes=new.duration_minutes, video_link=_clean_link(new.video_link),
        facilitator_user_ids=list(dict.fromkeys(new.facilitator_user_ids)),
        agenda_call_minutes=reminders.agenda_call_minutes, day_before_minutes=reminders.day_before_minutes,
        start_notice=reminders.start_notice, followup_minutes=reminders.followup_minutes,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(series)
    session.flush()
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                 entity_id=series.id, action="create", fields=["title", "channel_id", "rrule", "start_local", "timezone"])  # fmt: skip
    materialize(session, [series], now)
    clashes = recurrence.holiday_clashes(schedule, holiday_country, now, now + HOLIDAY_WINDOW, limit=MAX_HOLIDAY_CLASHES)
    return Created(series=series, schedule=schedule, upcoming=upcoming, holidays=clashes,
                   warnings=recurrence.time_warnings(upcoming[0].start_local, schedule.timezone),
                   privacy_note=redacted.summary())  # fmt: skip


def _check_reminders(reminders: Reminders) -> None:
    for minutes in (reminders.agenda_call_minutes, reminders.day_before_minutes, reminders.followup_minutes):
        if minutes is not None and not 0 <= minutes <= MAX_LEAD.total_seconds() / 60:
            raise FeatureError("Reminder times must be between 0 and 30 days.")


def _clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if not link.lower().startswith(("https://", "http://")) or any(ch in link for ch in " <>|\n"):
        raise FeatureError("The video link must be a web address starting with https://")
    if privacy.redact(link).changed:
        # A link is stored as typed, so it must not carry anything the privacy filter would remove.
        raise FeatureError("That video link seems to contain personal details; use the meeting's plain link.")
    return link[:500]


def undo_create(session: Session, actor: Actor, series_id: int, *, now: datetime) -> ConferenceSeries:
    series = get_series(session, actor, series_id, include_cancelled=True)
    if series.owner_user_id != actor.user_id:
        raise FeatureError("Only the person who set up this conference can undo it.")
    if series.cancelled_at is None:
        _cancel(session, series, now)
        audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                     entity_id=series.id, action="undo", fields=["cancelled_at"])  # fmt: skip
    return series


# --- changing one meeting ----------------------------------------------------------------------------------------------


def _set_override(session: Session, series: ConferenceSeries, original_local: datetime, new_start: datetime | None,
                  user_id: str, now: datetime) -> None:  # fmt: skip
    override = session.execute(
        select(ConferenceOverride).where(ConferenceOverride.series_id == series.id,
                                         ConferenceOverride.original_local == original_local)
    ).scalars().first()  # fmt: skip
    if override is None:
        override = ConferenceOverride(team_id=series.team_id, series_id=series.id, original_local=original_local,
                                      changed_by=user_id, changed_at=now)  # fmt: skip
    override.new_start_local = new_start
    override.changed_by, override.changed_at = user_id, now
    session.add(override)
    series.sequence += 1
    series.updated_at = now
    session.add(series)
    session.flush()


def skip_meeting(session: Session, actor: Actor, command: Skip, *, now: datetime) -> Skipped:
    """Skips one meeting; its reminders are cancelled and its agenda items move to the meeting after it."""
    series = _changeable(session, actor, command.series_id)
    meeting = find_meeting(session, series, command.day, now)
    _set_override(session, series, meeting.original_local, None, actor.user_id, now)
    row = occurrence_row(session, series.id, meeting.original_local)
    carried, carried_to = 0, None
    if row is not None:
        outbox.cancel_pending(session, actor.team_id, f"conf:{row.id}:")
        skipped_facilitator = row.facilitator_user_id
        row.status = "skipped"
        session.add(row)
        following = meeting_after(session, series, meeting.start_utc)
        if following is not None:
            carried = _carry_agenda(session, actor, row, row_for(session, series, following, now))
            carried_to = following.start_local if carried else None
        # The person who would have facilitated the skipped meeting leads the next one instead.
        _reassign_rotation(session, series, now, start_with=skipped_facilitator)
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                 entity_id=series.id, action="skip", fields=["exdate"])  # fmt: skip
    upcoming = recurrence.next_occurrences(load_schedule(session, series), 1, now)
    return Skipped(series=series, occurrence=meeting, next_meeting=upcoming[0] if upcoming else None,
                   carried=carried, carried_to=carried_to)  # fmt: skip


def _carry_agenda(session: Session, actor: Actor, skipped: ConferenceOccurrence,
                  following: ConferenceOccurrence) -> int:  # fmt: skip
    moved = session.execute(
        update(AgendaItem).where(AgendaItem.occurrence_id == skipped.id).values(occurrence_id=following.id)
    ).rowcount  # fmt: skip
    if moved:
        audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_occurrence",
                     entity_id=skipped.id, action="carry_agenda", fields=["occurrence_id"])  # fmt: skip
    return moved or 0


def move_meeting(session: Session, actor: Actor, command: Move, *, now: datetime,
                 holiday_country: str | None = None) -> Moved:  # fmt: skip
    series = _changeable(session, actor, command.series_id)
    meeting = find_meeting(session, series, command.day, now)
    target = command.target
    new_day = target.day.resolve(clock.local_today(now, series.timezone)) if target.day else meeting.start_local.date()
    new_start = datetime.combine(new_day, target.at or meeting.start_local.time())
    new_start_utc = clock.local_to_utc(new_start, series.timezone)
    if new_start_utc <= now:
        raise FeatureError(f"{dates.format_when(new_start)} has already passed. Pick a time in the future.")
    if new_start == meeting.start_local:
        raise FeatureError("That meeting is already at that time.")
    _set_override(session, series, meeting.original_local, new_start, actor.user_id, now)
    row = occurrence_row(session, series.id, meeting.original_local)
    if row is not None:
        outbox.cancel_pending(session, actor.team_id, f"conf:{row.id}:")
        row.start_local, row.start_utc = new_start, new_start_utc
        row.revision += 1
        row.status = "scheduled"
        session.add(row)
        session.flush()
        outbox.enqueue_many(session, outbox_rows(series, row.id, row.start_utc, row.revision, now))
    elif new_start_utc <= now + HORIZON:
        materialize(session, [series], now)
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                 entity_id=series.id, action="move", fields=["override"])  # fmt: skip
    return Moved(series=series, occurrence=meeting, new_start_local=new_start,
                 warnings=recurrence.time_warnings(new_start, series.timezone),
                 holiday=public_holidays.holiday_on(new_day, holiday_country))  # fmt: skip


def _cancel(session: Session, series: ConferenceSeries, now: datetime) -> int:
    series.cancelled_at = now
    series.updated_at = now
    series.sequence += 1
    session.add(series)
    upcoming = session.execute(
        select(ConferenceOccurrence).where(ConferenceOccurrence.series_id == series.id,
                                           ConferenceOccurrence.status == "scheduled",
                                           ConferenceOccurrence.start_utc > now - timedelta(days=1))
    ).scalars().all()  # fmt: skip
    cancelled = 0
    for row in upcoming:
        cancelled += outbox.cancel_pending(session, series.team_id, f"conf:{row.id}:")
        if clock.as_utc(row.start_utc) > now:
            row.status = "cancelled"
            session.add(row)
    return cancelled


def cancel_series(session: Session, actor: Actor, command: Cancel, *, now: datetime) -> ConferenceSeries:
    series = _changeable(session, actor, command.series_id)
    _cancel(session, series, now)
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                 entity_id=series.id, action="cancel", fields=["cancelled_at"])  # fmt: skip
    return series


# --- facilitators -----------------------------------------------------------------------------------------------------


def _reassign_rotation(session: Session, series: ConferenceSeries, now: datetime, *, start_with: str | None) -> None:
    rotation = series.facilitator_user_ids
    rows = upcoming_rows(session, series.id, now)
    index = rotation.index(start_with) if start_with in rotation else 0
    for offset, row in enumerate(rows):
        row.facilitator_user_id = rotation[(index + offset) % len(rotation)] if rotation else None
        session.add(row)


def set_facilitators(session: Session, actor: Actor, command: SetFacilitators, *, now: datetime) -> Rotation:
    series = _changeable(session, actor, command.series_id)
    if len(command.user_ids) > MAX_FACILITATORS:
        raise FeatureError(f"A rotation can have up to {MAX_FACILITATORS} facilitators.")
    series.facilitator_user_ids = list(dict.fromkeys(command.user_ids))
    series.updated_at = now
    session.add(series)
    _reassign_rotation(session, series, now, start_with=None)
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_series",
                 entity_id=series.id, action="facilitators", fields=["facilitator_user_ids"])  # fmt: skip
    return Rotation(series, upcoming_rows(session, series.id, now))


def swap_facilitator(session: Session, actor: Actor, occurrence_id: int, *, now: datetime) -> Swapped:
    """Swaps who facilitates this meeting with whoever facilitates the next one."""
    occurrence = _occurrence(session, actor, occurrence_id)
    series = get_series(session, actor, occurrence.series_id)
    if actor.user_id not in {series.owner_user_id, *series.facilitator_user_ids} and not actor.is_admin:
        raise FeatureError("Only the facilitators in the rotation or the organizer can swap turns.")
    if occurrence.status != "scheduled" or clock.as_utc(occurrence.start_utc) <= now:
        raise FeatureError("That meeting has already happened or was called off.")
    later = [row for row in upcoming_rows(session, series.id, now) if row.start_utc > occurrence.start_utc]
    if not later:
        raise FeatureError("There is no later meeting planned yet to swap with.")
    following = later[0]
    occurrence.facilitator_user_id, following.facilitator_user_id = (following.facilitator_user_id,
                                                                     occurrence.facilitator_user_id)  # fmt: skip
    session.add_all([occurrence, following])
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_occurrence",
                 entity_id=occurrence.id, action="swap_facilitator", fields=["facilitator_user_id"])  # fmt: skip
    return Swapped(occurrence, following)


# --- agenda and RSVPs --------------------------------------------------------------------------------------------------


def _next_row(session: Session, series: ConferenceSeries, now: datetime) -> ConferenceOccurrence:
    """The next scheduled meeting as a row, materializing it first if it lies beyond the planned weeks."""
    rows = upcoming_rows(session, series.id, now)
    if rows:
        return rows[0]
    following = meeting_after(session, series, now)
    if following is None:
        raise FeatureError("This conference has no upcoming meetings.")
    return row_for(session, series, following, now)


def add_agenda_item(session: Session, actor: Actor, command: AddAgenda, *, now: datetime
                    ) -> AgendaAdded | AgendaToReview:  # fmt: skip
    """Adds a de-identified case summary to the next meeting (or the given one, if it is still to come). The text
    is redacted before anything else happens to it; when something in it still looks like a person or an
    identifier, nothing is stored yet: the redacted text is held for the person to review."""
    if command.occurrence_id is not None:
        occurrence = _occurrence(session, actor, command.occurrence_id)
        series = get_series(session, actor, occurrence.series_id)
        if occurrence.status != "scheduled" or clock.as_utc(occurrence.start_utc) <= now:
            occurrence = _next_row(session, series, now)
    else:
        assert command.series_id is not None
        series = get_series(session, actor, command.series_id)
        occurrence = _next_row(session, series, now)
    redaction = privacy.redact(command.text)
    asked = review.review_of(redaction)
    if asked is not None:
        _check_agenda_text(session, occurrence, asked.text)
        token = pending.hold(session, team_id=actor.team_id, user_id=actor.user_id, surface=AGENDA_SURFACE,
                             review=asked, context={"occurrence_id": occurrence.id}, now=now)  # fmt: skip
        return AgendaToReview(series, occurrence.start_local, asked, token)
    return _store_agenda(session, actor, series, occurrence, redaction.text, redaction.summary(), now)


def add_reviewed_agenda_item(session: Session, actor: Actor, token: str, choice: str, *, now: datetime
                             ) -> AgendaAdded | str:  # fmt: skip
    """The person's answer to an agenda item held for review: stored as shown or without the marked words, or,
    for Edit, the redacted text back (nothing stored) to type again."""
    row = pending.take(session, team_id=actor.team_id, user_id=actor.user_id, surface=AGENDA_SURFACE, token=token,
                       now=now)  # fmt: skip
    if choice == review.EDIT:
        return row.text
    occurrence = _occurrence(session, actor, int(row.context.get("occurrence_id") or 0))
    series = get_series(session, actor, occurrence.series_id)
    if occurrence.status != "scheduled" or clock.as_utc(occurrence.start_utc) <= now:
        occurrence = _next_row(session, series, now)
    # Held text is already redacted; redacting again costs nothing and keeps the rule "redact before storing".
    redaction = privacy.redact(pending.chosen_text(row, choice))
    return _store_agenda(session, actor, series, occurrence, redaction.text, "", now)


def _check_agenda_text(session: Session, occurrence: ConferenceOccurrence, clean: str) -> None:
    if not clean:
        raise FeatureError("Add a short, de-identified summary of the case.")
    if len(clean) > MAX_AGENDA_TEXT:
        raise FeatureError(f"Keep a case summary under {MAX_AGENDA_TEXT} characters.")
    count = session.execute(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.occurrence_id == occurrence.id)
    ).scalar_one()
    if count >= MAX_AGENDA_ITEMS:
        raise FeatureError(f"This meeting already has {MAX_AGENDA_ITEMS} cases on its agenda.")


def _store_agenda(session: Session, actor: Actor, series: ConferenceSeries, occurrence: ConferenceOccurrence,
                  text: str, note: str, now: datetime) -> AgendaAdded:  # fmt: skip
    clean = " ".join(text.split())
    _check_agenda_text(session, occurrence, clean)
    item = AgendaItem(team_id=actor.team_id, occurrence_id=occurrence.id, text=clean, added_by=actor.user_id,
                      added_at=now)  # fmt: skip
    session.add(item)
    session.flush()
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="conference_agenda_item",
                 entity_id=item.id, action="create", fields=["text"])  # fmt: skip
    return AgendaAdded(series, occurrence.start_local, clean, note)


def agenda_of(session: Session, occurrence_id: int) -> list[AgendaItem]:
    return list(session.execute(
        select(AgendaItem).where(AgendaItem.occurrence_id == occurrence_id).order_by(AgendaItem.added_at, AgendaItem.id)
    ).scalars())  # fmt: skip


def show_agenda(session: Session, actor: Actor, command: ShowAgenda, *, now: datetime) -> Agenda:
    series = get_series(session, actor, command.series_id)
    occurrence = _next_row(session, series, now)
    return Agenda(series, occurrence.start_local, agenda_of(session, occurrence.id))


def record_rsvp(session: Session, actor: Actor, occurrence_id: int, response: str, *, now: datetime) -> MeetingDetails:
    """Records someone's answer (the latest wins) and returns the meeting as it now stands."""
    if response not in RSVP_ANSWERS:
        raise FeatureError("Unknown answer.")
    occurrence = _occurrence(session, actor, occurrence_id)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Rsvp.__table__).values(team_id=actor.team_id, occurrence_id=occurrence.id,
                                              user_id=actor.user_id, response=response, updated_at=now)  # fmt: skip
    session.execute(statement.on_conflict_do_update(index_elements=["occurrence_id", "user_id"],
                                                    set_={"response": response, "updated_at": now}))  # fmt: skip
    return meeting_for(session, actor, occurrence.id)


def meeting_for(session: Session, actor: Actor, occurrence_id: int) -> MeetingDetails:
    """One meeting of the actor's workspace, as a reminder shows it."""
    details = meeting_details(session, _occurrence(session, actor, occurrence_id).id)
    if details is None or details.series.team_id != actor.team_id:
        raise FeatureError(NO_MEETING)
    return details


def meeting_details(session: Session, occurrence_id: int) -> MeetingDetails | None:
    occurrence = session.get(ConferenceOccurrence, occurrence_id)
    series = session.get(ConferenceSeries, occurrence.series_id) if occurrence is not None else None
    if occurrence is None or series is None:
        return None
    answers = session.execute(
        select(Rsvp).where(Rsvp.occurrence_id == occurrence_id).order_by(Rsvp.updated_at)
    ).scalars()
    going, not_going = [], []
    for answer in answers:
        (going if answer.response == "going" else not_going).append(answer.user_id)
    following = session.execute(
        select(ConferenceOccurrence.facilitator_user_id)
        .where(ConferenceOccurrence.series_id == series.id, ConferenceOccurrence.status == "scheduled",
               ConferenceOccurrence.start_utc > occurrence.start_utc)
        .order_by(ConferenceOccurrence.start_utc)
        .limit(1)
    ).first()  # fmt: skip
    return MeetingDetails(series=series, occurrence=occurrence, agenda=agenda_of(session, occurrence_id),
                          going=going, not_going=not_going, next_facilitator=following[0] if following else None)  # fmt: skip


# --- calendar file ----------------------------------------------------------------------------------------------------


def calendar_file(session: Session, actor: Actor, command: SendCalendar, *, now: datetime) -> CalendarFile:
    series = get_series(session, actor, command.series_id, include_cancelled=True)
    calendar = ics.CalendarSeries(team_id=series.team_id, series_id=series.id, title=series.title,
                                  schedule=load_schedule(session, series), duration_minutes=series.duration_minutes,
                                  video_link=series.video_link or None, cancelled=series.cancelled_at is not None,
                                  sequence=series.sequence)  # fmt: skip
    return CalendarFile(series, ics.file_name(series.title, series.id), ics.build_calendar(calendar, now_utc=now))
