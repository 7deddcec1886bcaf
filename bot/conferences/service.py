"""Case conferences: recurring meetings with agendas, rotating facilitators and reminders sent exactly once.

A series is stored as an RFC 5545 rule with a local start and an IANA zone (see bot.recurrence). Meetings are
materialized a few weeks ahead as ConferenceOccurrence rows, and each planned reminder becomes an outbox row keyed
`conf:{occurrence_id}:{kind}` (plus `:r{n}` after the n-th move), so planning is idempotent and the outbox sends
each one once. Skipping, moving or cancelling a meeting cancels its pending rows and, for a move, plans fresh ones.

Everything people type (titles, agenda items) goes through bot.privacy.redact before it is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from bot.conferences import ics, recurrence
from bot.conferences.commands import MoveTarget
from bot.conferences.planning import (
    HORIZON,
    _next_in_rotation,
    _outbox_rows,
    _overrides_by_series,
    load_schedule,
    materialize,
    schedule_of,
)
from bot.conferences.recurrence import Occurrence, Schedule
from bot.conferences.when import DateText
from bot.platform import audit, clock, outbox, privacy
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceOverride, ConferenceSeries, Rsvp

log = logging.getLogger(__name__)
MAX_FACILITATORS = 20
MAX_AGENDA_ITEMS = 30
MAX_AGENDA_TEXT = 600
MAX_LEAD = timedelta(days=30)


class ConferenceError(Exception):
    """Something the person asked for cannot be done; the message says why and is safe to show."""


@dataclass(frozen=True)
class Reminders:
    """Reminder lead times for a series; None turns a reminder off."""

    agenda_call_minutes: int | None = 7 * 24 * 60
    day_before_minutes: int | None = 24 * 60
    start_notice: bool = True
    followup_minutes: int | None = 60


@dataclass
class Created:
    series: ConferenceSeries
    schedule: Schedule
    upcoming: list[Occurrence]
    warnings: list[str] = field(default_factory=list)
    privacy_note: str = ""


@dataclass
class Changed:
    series: ConferenceSeries
    occurrence: Occurrence
    new_start_local: datetime | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class MeetingDetails:
    """What a reminder shows about one meeting, read fresh from the database at send time."""

    series: ConferenceSeries
    occurrence: ConferenceOccurrence
    agenda: list[AgendaItem]
    going: list[str]
    not_going: list[str]
    next_facilitator: str | None


def get_series(
    session: Session, team_id: str, series_id: int, *, include_cancelled: bool = False
) -> ConferenceSeries:
    series = session.get(ConferenceSeries, series_id)
    if series is None or series.team_id != team_id or (series.cancelled_at and not include_cancelled):
        raise ConferenceError(
            f"I couldn't find conference {series_id}. `/conference list` shows the upcoming ones."
        )
    return series


def _check_can_change(series: ConferenceSeries, user_id: str, is_admin: bool) -> None:
    if user_id != series.owner_user_id and not is_admin:
        raise ConferenceError(f"Only <@{series.owner_user_id}>, who set up this conference, can change it.")


def list_upcoming(
    session: Session, team_id: str, now: datetime, *, per_series: int = 3
) -> list[tuple[ConferenceSeries, list[Occurrence]]]:
    series_list = (
        session.execute(
            select(ConferenceSeries)
            .where(ConferenceSeries.team_id == team_id, col(ConferenceSeries.cancelled_at).is_(None))
            .order_by(ConferenceSeries.id)
        )
        .scalars()
        .all()
    )
    overrides = _overrides_by_series(session, [s.id for s in series_list])
    listed = []
    for series in series_list:
        upcoming = recurrence.next_occurrences(
            schedule_of(series, overrides.get(series.id, [])), per_series, now
        )
        if upcoming:
            listed.append((series, upcoming))
    listed.sort(key=lambda pair: pair[1][0].start_utc)
    return listed


# --- creating -----------------------------------------------------------------------------------------------------------


def create_series(
    session: Session,
    *,
    team_id: str,
    owner_user_id: str,
    channel_id: str,
    title: str,
    schedule: Schedule,
    now: datetime,
    video_link: str = "",
    facilitator_user_ids: Sequence[str] = (),
    reminders: Reminders = Reminders(),
    duration_minutes: int = 60,
) -> Created:
    redacted = privacy.redact(title.strip())
    clean_title = " ".join(redacted.text.split())[:200]
    if not clean_title:
        raise ConferenceError("Give the conference a title.")
    if schedule.rrule:
        recurrence.validate_rule(schedule.rrule)
    recurrence.zone(schedule.timezone)
    _check_reminders(reminders)
    if len(facilitator_user_ids) > MAX_FACILITATORS:
        raise ConferenceError(f"A rotation can have up to {MAX_FACILITATORS} facilitators.")
    upcoming = recurrence.next_occurrences(schedule, 3, now)
    if not upcoming:
        raise ConferenceError("That time has already passed. Pick a time in the future.")
    series = ConferenceSeries(
        team_id=team_id,
        channel_id=channel_id,
        title=clean_title,
        owner_user_id=owner_user_id,
        timezone=schedule.timezone,
        rrule=schedule.rrule,
        start_local=schedule.start_local,
        duration_minutes=duration_minutes,
        video_link=_clean_link(video_link),
        facilitator_user_ids=list(dict.fromkeys(facilitator_user_ids)),
        agenda_call_minutes=reminders.agenda_call_minutes,
        day_before_minutes=reminders.day_before_minutes,
        start_notice=reminders.start_notice,
        followup_minutes=reminders.followup_minutes,
        created_at=now,
        updated_at=now,
    )
    session.add(series)
    session.flush()
    audit.record(session, team_id=team_id, actor_user_id=owner_user_id, entity="conference_series",
                 entity_id=series.id, action="create", fields=["title", "channel_id", "rrule", "start_local", "timezone"])  # fmt: skip
    materialize(session, [series], now)
    return Created(
        series=series,
        schedule=schedule,
        upcoming=upcoming,
        warnings=recurrence.time_warnings(upcoming[0].start_local, schedule.timezone),
        privacy_note=redacted.summary(),
    )


def _check_reminders(reminders: Reminders) -> None:
    for minutes in (reminders.agenda_call_minutes, reminders.day_before_minutes, reminders.followup_minutes):
        if minutes is not None and not 0 <= minutes <= MAX_LEAD.total_seconds() / 60:
            raise ConferenceError("Reminder times must be between 0 and 30 days.")


def _clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if not link.lower().startswith(("https://", "http://")) or any(ch in link for ch in " <>|\n"):
        raise ConferenceError("The video link must be a web address starting with https://")
    if privacy.redact(link).changed:
        # A link is stored as typed, so it must not carry anything the privacy filter would remove.
        raise ConferenceError(
            "That video link seems to contain personal details; use the meeting's plain link."
        )
    return link[:500]


def undo_create(
    session: Session, *, team_id: str, series_id: int, user_id: str, now: datetime
) -> ConferenceSeries:
    series = get_series(session, team_id, series_id, include_cancelled=True)
    if series.owner_user_id != user_id:
        raise ConferenceError("Only the person who set up this conference can undo it.")
    if series.cancelled_at is None:
        _cancel(session, series, now)
        audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_series",
                     entity_id=series.id, action="undo", fields=["cancelled_at"])  # fmt: skip
    return series


# --- changing one meeting ----------------------------------------------------------------------------------------------


def find_meeting(
    session: Session, series: ConferenceSeries, when: DateText | None, now: datetime
) -> Occurrence:
    """The upcoming meeting on a date (or the next one), skips and moves applied."""
    schedule = load_schedule(session, series)
    if when is None:
        upcoming = recurrence.next_occurrences(schedule, 1, now)
        if not upcoming:
            raise ConferenceError("This conference has no upcoming meetings.")
        return upcoming[0]
    today = clock.to_local(now, series.timezone).date()
    day = when.on_or_after(today)
    for occurrence in recurrence.occurrences_between(schedule, now, now + timedelta(days=400)):
        if occurrence.start_local.date() == day:
            return occurrence
        if occurrence.start_local.date() > day:
            break
    upcoming = recurrence.next_occurrences(schedule, 3, now)
    dates = ", ".join(recurrence.format_date(o.start_local.date()) for o in upcoming)
    raise ConferenceError(
        f"Conference {series.id} doesn't meet on {recurrence.format_date(day)}."
        + (f" Upcoming: {dates}." if dates else "")
    )


def _occurrence_row(
    session: Session, series_id: int, original_local: datetime
) -> ConferenceOccurrence | None:
    return (
        session.execute(
            select(ConferenceOccurrence).where(
                ConferenceOccurrence.series_id == series_id,
                ConferenceOccurrence.original_local == original_local,
            )
        )
        .scalars()
        .first()
    )


def _set_override(session: Session, series: ConferenceSeries, original_local: datetime, new_start: datetime | None,
                  user_id: str, now: datetime) -> None:  # fmt: skip
    override = (
        session.execute(
            select(ConferenceOverride).where(
                ConferenceOverride.series_id == series.id, ConferenceOverride.original_local == original_local
            )
        )
        .scalars()
        .first()
    )
    if override is None:
        override = ConferenceOverride(team_id=series.team_id, series_id=series.id, original_local=original_local,
                                      changed_by=user_id, changed_at=now)  # fmt: skip
    override.new_start_local = new_start
    override.changed_by, override.changed_at = user_id, now
    session.add(override)
    series.sequence += 1
    series.updated_at = now
    session.add(series)


def skip_meeting(session: Session, *, team_id: str, series_id: int, when: DateText | None, user_id: str,
                 is_admin: bool, now: datetime) -> Changed:  # fmt: skip
    series = get_series(session, team_id, series_id)
    _check_can_change(series, user_id, is_admin)
    meeting = find_meeting(session, series, when, now)
    _set_override(session, series, meeting.original_local, None, user_id, now)
    row = _occurrence_row(session, series.id, meeting.original_local)
    if row is not None:
        outbox.cancel_pending(session, team_id, f"conf:{row.id}:")
        skipped_facilitator = row.facilitator_user_id
        row.status = "skipped"
        session.add(row)
        # The person who would have facilitated the skipped meeting leads the next one instead.
        _reassign_rotation(session, series, now, start_with=skipped_facilitator)
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_series", entity_id=series.id,
                 action="skip", fields=["exdate"])  # fmt: skip
    return Changed(series=series, occurrence=meeting)


def move_meeting(session: Session, *, team_id: str, series_id: int, when: DateText | None, target: MoveTarget,
                 user_id: str, is_admin: bool, now: datetime) -> Changed:  # fmt: skip
    series = get_series(session, team_id, series_id)
    _check_can_change(series, user_id, is_admin)
    meeting = find_meeting(session, series, when, now)
    today = clock.to_local(now, series.timezone).date()
    if target.on_date is not None:
        new_day = target.on_date.on_or_after(today)
    elif target.day_offset is not None:
        new_day = today + timedelta(days=target.day_offset)
    else:
        new_day = meeting.start_local.date()
    new_start = datetime.combine(new_day, target.at or meeting.start_local.time())
    new_start_utc = clock.local_to_utc(new_start, series.timezone)
    if new_start_utc <= now:
        raise ConferenceError(
            f"{recurrence.format_when(new_start)} has already passed. Pick a time in the future."
        )
    if new_start == meeting.start_local:
        raise ConferenceError("That meeting is already at that time.")
    _set_override(session, series, meeting.original_local, new_start, user_id, now)
    row = _occurrence_row(session, series.id, meeting.original_local)
    if row is not None:
        outbox.cancel_pending(session, team_id, f"conf:{row.id}:")
        row.start_local, row.start_utc = new_start, new_start_utc
        row.revision += 1
        row.status = "scheduled"
        session.add(row)
        session.flush()
        outbox.enqueue_many(session, _outbox_rows(series, row.id, row.start_utc, row.revision, now))
    elif new_start_utc <= now + HORIZON:
        session.flush()
        materialize(session, [series], now)
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_series", entity_id=series.id,
                 action="move", fields=["override"])  # fmt: skip
    return Changed(series=series, occurrence=meeting, new_start_local=new_start,
                   warnings=recurrence.time_warnings(new_start, series.timezone))  # fmt: skip


def _cancel(session: Session, series: ConferenceSeries, now: datetime) -> int:
    series.cancelled_at = now
    series.updated_at = now
    series.sequence += 1
    session.add(series)
    upcoming = (
        session.execute(
            select(ConferenceOccurrence).where(
                ConferenceOccurrence.series_id == series.id,
                ConferenceOccurrence.status == "scheduled",
                ConferenceOccurrence.start_utc > now - timedelta(days=1),
            )
        )
        .scalars()
        .all()
    )
    cancelled = 0
    for row in upcoming:
        cancelled += outbox.cancel_pending(session, series.team_id, f"conf:{row.id}:")
        if clock.as_utc(row.start_utc) > now:
            row.status = "cancelled"
            session.add(row)
    return cancelled


def cancel_series(session: Session, *, team_id: str, series_id: int, user_id: str, is_admin: bool,
                  now: datetime) -> ConferenceSeries:  # fmt: skip
    series = get_series(session, team_id, series_id)
    _check_can_change(series, user_id, is_admin)
    _cancel(session, series, now)
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_series", entity_id=series.id,
                 action="cancel", fields=["cancelled_at"])  # fmt: skip
    return series


# --- facilitators -----------------------------------------------------------------------------------------------------


def _upcoming_rows(session: Session, series_id: int, now: datetime) -> list[ConferenceOccurrence]:
    return list(
        session.execute(
            select(ConferenceOccurrence)
            .where(
                ConferenceOccurrence.series_id == series_id,
                ConferenceOccurrence.status == "scheduled",
                ConferenceOccurrence.start_utc > now,
            )
            .order_by(ConferenceOccurrence.start_utc)
        ).scalars()
    )


def _reassign_rotation(
    session: Session, series: ConferenceSeries, now: datetime, *, start_with: str | None
) -> None:
    rotation = series.facilitator_user_ids
    rows = _upcoming_rows(session, series.id, now)
    if not rows:
        return
    if not rotation:
        for row in rows:
            row.facilitator_user_id = None
            session.add(row)
        return
    index = rotation.index(start_with) if start_with in rotation else 0
    for offset, row in enumerate(rows):
        row.facilitator_user_id = rotation[(index + offset) % len(rotation)]
        session.add(row)


def set_facilitators(session: Session, *, team_id: str, series_id: int, user_ids: Sequence[str], user_id: str,
                     is_admin: bool, now: datetime) -> tuple[ConferenceSeries, list[ConferenceOccurrence]]:  # fmt: skip
    series = get_series(session, team_id, series_id)
    _check_can_change(series, user_id, is_admin)
    if len(user_ids) > MAX_FACILITATORS:
        raise ConferenceError(f"A rotation can have up to {MAX_FACILITATORS} facilitators.")
    series.facilitator_user_ids = list(dict.fromkeys(user_ids))
    series.updated_at = now
    session.add(series)
    _reassign_rotation(session, series, now, start_with=None)
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_series", entity_id=series.id,
                 action="facilitators", fields=["facilitator_user_ids"])  # fmt: skip
    return series, _upcoming_rows(session, series.id, now)


def swap_facilitator(session: Session, *, team_id: str, occurrence_id: int, user_id: str, is_admin: bool,
                     now: datetime) -> tuple[ConferenceOccurrence, ConferenceOccurrence]:  # fmt: skip
    """Swaps who facilitates this meeting with whoever facilitates the next one."""
    occurrence = _get_occurrence(session, team_id, occurrence_id)
    series = get_series(session, team_id, occurrence.series_id)
    allowed = {series.owner_user_id, *series.facilitator_user_ids}
    if user_id not in allowed and not is_admin:
        raise ConferenceError("Only the facilitators in the rotation or the organizer can swap turns.")
    if occurrence.status != "scheduled" or clock.as_utc(occurrence.start_utc) <= now:
        raise ConferenceError("That meeting has already happened or was called off.")
    later = [row for row in _upcoming_rows(session, series.id, now) if row.start_utc > occurrence.start_utc]
    if not later:
        raise ConferenceError("There is no later meeting planned yet to swap with.")
    following = later[0]
    occurrence.facilitator_user_id, following.facilitator_user_id = (
        following.facilitator_user_id,
        occurrence.facilitator_user_id,
    )
    session.add_all([occurrence, following])
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_occurrence",
                 entity_id=occurrence.id, action="swap_facilitator", fields=["facilitator_user_id"])  # fmt: skip
    return occurrence, following


# --- agenda and RSVPs --------------------------------------------------------------------------------------------------


def _get_occurrence(session: Session, team_id: str, occurrence_id: int) -> ConferenceOccurrence:
    occurrence = session.get(ConferenceOccurrence, occurrence_id)
    if occurrence is None or occurrence.team_id != team_id:
        raise ConferenceError("I couldn't find that meeting anymore.")
    return occurrence


def next_occurrence_row(session: Session, series: ConferenceSeries, now: datetime) -> ConferenceOccurrence:
    """The next scheduled meeting as a row, materializing it first if it lies beyond the planned weeks."""
    rows = _upcoming_rows(session, series.id, now)
    if rows:
        return rows[0]
    schedule = load_schedule(session, series)
    upcoming = recurrence.next_occurrences(schedule, 1, now)
    if not upcoming:
        raise ConferenceError("This conference has no upcoming meetings.")
    row = _occurrence_row(session, series.id, upcoming[0].original_local)
    if row is None:
        row = ConferenceOccurrence(team_id=series.team_id, series_id=series.id,
                                   original_local=upcoming[0].original_local, start_local=upcoming[0].start_local,
                                   start_utc=upcoming[0].start_utc,
                                   facilitator_user_id=_next_in_rotation(series.facilitator_user_ids, None),
                                   created_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        outbox.enqueue_many(session, _outbox_rows(series, row.id, row.start_utc, row.revision, now))
    return row


def add_agenda_item(session: Session, *, team_id: str, user_id: str, text: str, now: datetime,
                    series_id: int | None = None, occurrence_id: int | None = None,
                    ) -> tuple[AgendaItem, ConferenceOccurrence, privacy.Redaction]:  # fmt: skip
    """Adds a de-identified case summary to the next meeting (or the given one). The text is redacted first."""
    if occurrence_id is not None:
        occurrence = _get_occurrence(session, team_id, occurrence_id)
        series = get_series(session, team_id, occurrence.series_id)
        if occurrence.status != "scheduled" or clock.as_utc(occurrence.start_utc) <= now:
            occurrence = next_occurrence_row(session, series, now)
    else:
        assert series_id is not None
        series = get_series(session, team_id, series_id)
        occurrence = next_occurrence_row(session, series, now)
    redaction = privacy.redact(text)
    clean = " ".join(redaction.text.split())
    if not clean:
        raise ConferenceError("Add a short, de-identified summary of the case.")
    if len(clean) > MAX_AGENDA_TEXT:
        raise ConferenceError(f"Keep a case summary under {MAX_AGENDA_TEXT} characters.")
    count = session.execute(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.occurrence_id == occurrence.id)
    ).scalar_one()
    if count >= MAX_AGENDA_ITEMS:
        raise ConferenceError(f"This meeting already has {MAX_AGENDA_ITEMS} cases on its agenda.")
    item = AgendaItem(
        team_id=team_id, occurrence_id=occurrence.id, text=clean, added_by=user_id, added_at=now
    )
    session.add(item)
    session.flush()
    audit.record(session, team_id=team_id, actor_user_id=user_id, entity="conference_agenda_item",
                 entity_id=item.id, action="create", fields=["text"])  # fmt: skip
    return item, occurrence, redaction


def agenda_of(session: Session, occurrence_id: int) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem)
            .where(AgendaItem.occurrence_id == occurrence_id)
            .order_by(AgendaItem.added_at, AgendaItem.id)
        ).scalars()
    )


def record_rsvp(session: Session, *, team_id: str, occurrence_id: int, user_id: str, response: str,
                now: datetime) -> ConferenceOccurrence:  # fmt: skip
    if response not in ("going", "not_going"):
        raise ConferenceError("Unknown answer.")
    occurrence = _get_occurrence(session, team_id, occurrence_id)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Rsvp.__table__).values(team_id=team_id, occurrence_id=occurrence_id, user_id=user_id,
                                              response=response, updated_at=now)  # fmt: skip
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["occurrence_id", "user_id"], set_={"response": response, "updated_at": now}
        )
    )
    return occurrence


def meeting_details(session: Session, occurrence_id: int) -> MeetingDetails | None:
    occurrence = session.get(ConferenceOccurrence, occurrence_id)
    if occurrence is None:
        return None
    series = session.get(ConferenceSeries, occurrence.series_id)
    if series is None:
        return None
    answers = session.execute(
        select(Rsvp).where(Rsvp.occurrence_id == occurrence_id).order_by(Rsvp.updated_at)
    ).scalars()
    going, not_going = [], []
    for answer in answers:
        (going if answer.response == "going" else not_going).append(answer.user_id)
    following = session.execute(
        select(ConferenceOccurrence.facilitator_user_id)
        .where(
            ConferenceOccurrence.series_id == series.id,
            ConferenceOccurrence.status == "scheduled",
            ConferenceOccurrence.start_utc > occurrence.start_utc,
        )
        .order_by(ConferenceOccurrence.start_utc)
        .limit(1)
    ).first()
    return MeetingDetails(series=series, occurrence=occurrence, agenda=agenda_of(session, occurrence_id),
                          going=going, not_going=not_going, next_facilitator=following[0] if following else None)  # fmt: skip


# --- calendar file ----------------------------------------------------------------------------------------------------


def calendar_file(
    session: Session, *, team_id: str, series_id: int, now: datetime
) -> tuple[str, bytes, ConferenceSeries]:
    series = get_series(session, team_id, series_id, include_cancelled=True)
    calendar = ics.CalendarSeries(
        team_id=team_id,
        series_id=series.id,
        title=series.title,
        schedule=load_schedule(session, series),
        duration_minutes=series.duration_minutes,
        video_link=series.video_link or None,
        cancelled=series.cancelled_at is not None,
        sequence=series.sequence,
    )
    return ics.file_name(series.title, series.id), ics.build_calendar(calendar, now_utc=now), series
