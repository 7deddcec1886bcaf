"""Materializing conference dates ahead and planning their reminders in the outbox, exactly once per date."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlmodel import Session, col

from bot.conferences import recurrence
from bot.conferences.recurrence import Occurrence, Schedule
from bot.platform import clock, outbox
from bot.platform.db import Database
from bot.platform.slacktext import safe
from models.conferences import ConferenceOccurrence, ConferenceOverride, ConferenceSeries

log = logging.getLogger(__name__)

KIND_AGENDA_CALL = "conference.agenda_call"
KIND_DAY_BEFORE = "conference.day_before"
KIND_STARTING = "conference.starting"
KIND_FOLLOWUP = "conference.followup"
KIND_SHORT = {KIND_AGENDA_CALL: "agenda_call", KIND_DAY_BEFORE: "day_before", KIND_STARTING: "starting",
              KIND_FOLLOWUP: "followup"}  # fmt: skip

# Meetings exist as rows this far ahead; a series is re-planned once its horizon is a day shorter than that.
HORIZON = timedelta(days=35)
# A meeting planned after its call for cases or its day-before reminder was due (set up "tomorrow", moved at short
# notice) still gets the one that helps, sent at once, when it starts at least this much later.
CATCH_UP_AHEAD = timedelta(hours=1)
REPLAN_MARGIN = timedelta(days=1)
MATERIALIZE_BATCH = 500


# --- reading ----------------------------------------------------------------------------------------------------------


def schedule_of(series: ConferenceSeries, overrides: Iterable[ConferenceOverride]) -> Schedule:
    overrides = list(overrides)  # read twice below: a query's one-pass result would lose every move
    exdates = frozenset(o.original_local for o in overrides if o.new_start_local is None)
    moved = {o.original_local: o.new_start_local for o in overrides if o.new_start_local is not None}
    return Schedule(
        start_local=series.start_local,
        timezone=series.timezone,
        rrule=series.rrule,
        exdates=exdates,
        overrides=moved,
    )


def load_schedule(session: Session, series: ConferenceSeries) -> Schedule:
    overrides = session.execute(
        select(ConferenceOverride).where(ConferenceOverride.series_id == series.id)
    ).scalars()
    return schedule_of(series, overrides)


def overrides_by_series(
    session: Session, series_ids: Sequence[int | None]
) -> dict[int, list[ConferenceOverride]]:
    found: dict[int, list[ConferenceOverride]] = {}
    ids = [i for i in series_ids if i is not None]
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            select(ConferenceOverride).where(col(ConferenceOverride.series_id).in_(ids[start : start + 1000]))
        ).scalars()
        for row in rows:
            found.setdefault(row.series_id, []).append(row)
    return found


# --- meetings as rows ---------------------------------------------------------------------------------------------------


def occurrence_row(session: Session, series_id: int, original_local: datetime) -> ConferenceOccurrence | None:
    """The row of one meeting of a series, by the rule instance it stands for."""
    return session.execute(
        select(ConferenceOccurrence).where(ConferenceOccurrence.series_id == series_id,
                                           ConferenceOccurrence.original_local == original_local)
    ).scalars().first()  # fmt: skip


def upcoming_rows(session: Session, series_id: int, now: datetime) -> list[ConferenceOccurrence]:
    """The scheduled meetings of a series still to come, soonest first."""
    return list(
        session.execute(
            select(ConferenceOccurrence)
            .where(ConferenceOccurrence.series_id == series_id, ConferenceOccurrence.status == "scheduled",
                   ConferenceOccurrence.start_utc > now)
            .order_by(ConferenceOccurrence.start_utc)
        ).scalars()
    )  # fmt: skip


def row_for(session: Session, series: ConferenceSeries, occurrence: Occurrence, now: datetime) -> ConferenceOccurrence:
    """The row of a meeting, created with its reminders when it lies beyond the planned weeks."""
    row = occurrence_row(session, series.id, occurrence.original_local)
    if row is None:
        row = ConferenceOccurrence(team_id=series.team_id, series_id=series.id,
                                   original_local=occurrence.original_local, start_local=occurrence.start_local,
                                   start_utc=occurrence.start_utc,
                                   facilitator_user_id=next_in_rotation(series.facilitator_user_ids, None),
                                   created_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        outbox.enqueue_many(session, outbox_rows(series, row.id, row.start_utc, row.revision, now))
    return row


def meeting_after(session: Session, series: ConferenceSeries, after_utc: datetime) -> Occurrence | None:
    """The first meeting of a series starting after an instant, skips and moves applied."""
    upcoming = recurrence.next_occurrences(load_schedule(session, series), 1, after_utc)
    return upcoming[0] if upcoming else None


# --- materializing ------------------------------------------------------------------------------------------------------


def reminder_plan(series: ConferenceSeries, start_utc: datetime) -> list[tuple[str, datetime]]:
    """(kind, due time) for each reminder this series sends about a meeting starting at `start_utc`."""
    plan = []
    if series.agenda_call_minutes is not None:
        plan.append((KIND_AGENDA_CALL, start_utc - timedelta(minutes=series.agenda_call_minutes)))
    if series.day_before_minutes is not None:
        plan.append((KIND_DAY_BEFORE, start_utc - timedelta(minutes=series.day_before_minutes)))
    if series.start_notice:
        plan.append((KIND_STARTING, start_utc))
    if series.followup_minutes is not None:
        plan.append((KIND_FOLLOWUP, start_utc + timedelta(minutes=series.followup_minutes)))
    return plan


def outbox_key(occurrence_id: int, kind: str, revision: int = 0) -> str:
    key = f"conf:{occurrence_id}:{KIND_SHORT[kind]}"
    return key if revision == 0 else f"{key}:r{revision}"


def planned_reminders(series: ConferenceSeries, start_utc: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders to plan for a meeting, given the time of planning. One whose time has passed is dropped, except
    that a meeting still an hour or more away gets the most useful of its late ones at once: the day-before
    reminder (agenda, RSVPs and an "Add a case" button) if it is late, else the late call for cases."""
    plan = reminder_plan(series, start_utc)
    due = [(kind, at) for kind, at in plan if at >= now]
    late = {kind for kind, at in plan if at < now} & {KIND_AGENDA_CALL, KIND_DAY_BEFORE}
    if late and start_utc - now >= CATCH_UP_AHEAD:
        due.append((KIND_DAY_BEFORE if KIND_DAY_BEFORE in late else KIND_AGENDA_CALL, now))
    return sorted(due, key=lambda pair: pair[1])


def outbox_rows(
    series: ConferenceSeries, occurrence_id: int, start_utc: datetime, revision: int, now: datetime
) -> list[dict[str, Any]]:
    rows = []
    for kind, due_at in planned_reminders(series, clock.as_utc(start_utc), now):
        rows.append({
            "team_id": series.team_id,
            "key": outbox_key(occurrence_id, kind, revision),
            "kind": kind,
            "due_at": due_at,
            "payload": {
                "occurrence_id": occurrence_id,
                "series_id": series.id,
                "revision": revision,
                "channel": series.channel_id,
                "owner_user_id": series.owner_user_id,
                # One DM to the owner per series and channel, however many reminders fail there.
                "failure_group": f"series:{series.id}:channel:{series.channel_id}",
                "failure_notice": (
                    f":warning: I couldn't post the reminders for your case conference *{safe(series.title)}* "
                    f"(number {series.id}) in <#{series.channel_id}>. Invite me there with `/invite @partnerbot`, "
                    f"or cancel it with `/conference cancel {series.id}` and set it up in another channel."
                ),
            },
        })  # fmt: skip
    return rows


def materialize(session: Session, series_batch: Sequence[ConferenceSeries], now: datetime) -> int:
    """Creates the meetings of each series up to now + HORIZON and plans their reminders. Idempotent.
    Returns how many meetings were created."""
    if not series_batch:
        return 0
    ids = [s.id for s in series_batch]
    overrides = overrides_by_series(session, ids)
    existing: dict[int, set[datetime]] = {}
    last_facilitator: dict[int, tuple[datetime, str | None]] = {}
    rows = session.execute(
        select(ConferenceOccurrence.series_id, ConferenceOccurrence.original_local, ConferenceOccurrence.start_utc,
               ConferenceOccurrence.facilitator_user_id, ConferenceOccurrence.status)
        .where(col(ConferenceOccurrence.series_id).in_(ids))
    ).all()  # fmt: skip
    for series_id, original_local, start_utc, facilitator, status in rows:
        existing.setdefault(series_id, set()).add(original_local)
        if status == "scheduled" and (
            series_id not in last_facilitator or start_utc > last_facilitator[series_id][0]
        ):
            last_facilitator[series_id] = (start_utc, facilitator)

    until = now + HORIZON
    planned: list[tuple[ConferenceSeries, dict[str, Any]]] = []
    for series in series_batch:
        schedule = schedule_of(series, overrides.get(series.id, []))
        previous = last_facilitator.get(series.id, (None, None))[1]
        for occurrence in recurrence.occurrences_between(schedule, now, until):
            if occurrence.original_local in existing.get(series.id, set()):
                continue
            facilitator = next_in_rotation(series.facilitator_user_ids, previous)
            previous = facilitator or previous
            planned.append((series, {
                "team_id": series.team_id, "series_id": series.id, "original_local": occurrence.original_local,
                "start_local": occurrence.start_local, "start_utc": occurrence.start_utc, "status": "scheduled",
                "facilitator_user_id": facilitator, "revision": 0, "created_at": now,
            }))  # fmt: skip
    session.execute(
        update(ConferenceSeries).where(col(ConferenceSeries.id).in_(ids)).values(materialized_until=until)
    )
    if not planned:
        return 0
    # Core INSERT ... RETURNING in parameter order gives each new meeting its id without building ORM objects.
    table = ConferenceOccurrence.__table__
    new_ids = (
        session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values for _, values in planned],
        )
        .scalars()
        .all()
    )
    reminders = []
    for (series, values), occurrence_id in zip(planned, new_ids, strict=True):
        reminders.extend(outbox_rows(series, occurrence_id, values["start_utc"], 0, now))
    outbox.enqueue_many(session, reminders)
    return len(planned)


def next_in_rotation(rotation: Sequence[str], previous: str | None) -> str | None:
    if not rotation:
        return None
    if previous in rotation:
        return rotation[(list(rotation).index(previous) + 1) % len(rotation)]
    return rotation[0]


PLANNER_SECONDS = 300


def materialize_due(db: Database, now: datetime) -> int:
    """Plans the coming weeks for every series whose horizon is running short. Several processes may run this
    at once: PostgreSQL hands each series to one of them (SKIP LOCKED); unique keys make any overlap harmless."""
    total = 0
    threshold = now + HORIZON - REPLAN_MARGIN
    while True:
        with db.session() as session:
            query = (
                select(ConferenceSeries)
                .where(
                    col(ConferenceSeries.cancelled_at).is_(None),
                    or_(
                        col(ConferenceSeries.materialized_until).is_(None),
                        ConferenceSeries.materialized_until < threshold,
                    ),
                )
                .order_by(ConferenceSeries.id)
                .limit(MATERIALIZE_BATCH)
            )
            if db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            batch = session.execute(query).scalars().all()
            if not batch:
                return total
            total += materialize(session, batch, now)
        if len(batch) < MATERIALIZE_BATCH:
            return total
