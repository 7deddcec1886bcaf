"""The conference service called directly with an actor and a typed command, on a fixed clock: moves that calendars
and agendas follow, skipped meetings that hand their agenda on, public holidays, and refusals as FeatureError."""

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlmodel import select

from bot.conferences import service
from bot.conferences.commands import AddAgenda, SendCalendar, ShowAgenda, parse_command, parse_request
from bot.conferences.recurrence import Schedule
from bot.platform.errors import FeatureError
from models.conferences import AgendaItem, ConferenceSeries
from tests.factories import make_actor, make_conference

NOW = datetime(2026, 11, 29, 22, 45, tzinfo=UTC)  # Sunday evening; the next first Tuesdays are Dec 1 and Jan 5
NY = "America/New_York"
OWNER = make_actor("U1")


def create(db, text, *, actor=OWNER, now=NOW, country=None):
    with db.session() as session:
        return service.create_from_text(session, actor, parse_request(text), here_channel_id="C0CASES", now=now,
                                        holiday_country=country)


def run(db, function, command, *, actor=OWNER, now=NOW, **kw):
    with db.session() as session:
        return function(session, actor, command, now=now, **kw)


def test_a_moved_meeting_is_in_the_calendar_file_the_agenda_and_the_errors(db):
    series = create(db, '"Monthly" every first Tuesday at 10am').series
    moved = run(db, service.move_meeting, parse_command(f"move {series.id} Jan 5 to Jan 6 11am"))
    assert moved.new_start_local == datetime(2027, 1, 6, 11)

    calendar = Calendar.from_ical(run(db, service.calendar_file, SendCalendar(series.id)).content)
    events = calendar.walk("VEVENT")
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(overrides) == 1, "the moved meeting has no override in the .ics"
    assert overrides[0]["RECURRENCE-ID"].dt.replace(tzinfo=None) == datetime(2027, 1, 5, 10)
    assert overrides[0]["DTSTART"].dt.replace(tzinfo=None) == datetime(2027, 1, 6, 11)
    assert "EXDATE" not in events[0]

    # After the December meeting, the agenda is that of the moved meeting, at its new time.
    after_december = datetime(2026, 12, 2, 12, tzinfo=UTC)
    agenda = run(db, service.show_agenda, ShowAgenda(series.id), now=after_december)
    assert agenda.start_local == datetime(2027, 1, 6, 11)
    with pytest.raises(FeatureError) as caught:
        run(db, service.skip_meeting, parse_command(f"skip {series.id} Jan 5"))
    assert "doesn't meet on Tue Jan 5, 2027" in caught.value.message
    assert "Wed Jan 6, 2027" in caught.value.message


def test_a_skipped_meetings_agenda_moves_to_the_meeting_after_it(db):
    series = create(db, '"Huddle" every Tuesday at 10am').series
    run(db, service.add_agenda_item, AddAgenda("Housing barriers after discharge", series_id=series.id))
    run(db, service.add_agenda_item, AddAgenda("Transport to dialysis", series_id=series.id))
    # Skipping the second meeting leaves the first alone.
    second = run(db, service.skip_meeting, parse_command(f"skip {series.id} Dec 8"))
    assert second.carried == 0
    skipped = run(db, service.skip_meeting, parse_command(f"skip {series.id} Dec 1"))
    assert skipped.carried == 2 and skipped.carried_to == datetime(2026, 12, 15, 10)
    agenda = run(db, service.show_agenda, ShowAgenda(series.id))
    assert agenda.start_local == datetime(2026, 12, 15, 10)
    assert [item.text for item in agenda.items] == ["Housing barriers after discharge", "Transport to dialysis"]


def test_without_a_later_meeting_the_agenda_stays_and_nothing_is_claimed(db):
    series = create(db, '"One-off review" on Dec 3 at 2pm').series
    run(db, service.add_agenda_item, AddAgenda("Food insecurity", series_id=series.id))
    skipped = run(db, service.skip_meeting, parse_command(f"skip {series.id} next"))
    assert (skipped.carried, skipped.carried_to, skipped.next_meeting) == (0, None, None)
    with db.session() as session:
        assert len(list(session.exec(select(AgendaItem)))) == 1


def test_a_conference_without_a_title_is_called_case_conference(db):
    created = create(db, "every first Tuesday at 10am")
    assert created.series.title == "Case conference" and created.series.rrule == "FREQ=MONTHLY;BYDAY=1TU"


def test_a_date_on_a_public_holiday_is_flagged_with_a_working_day_to_move_to(db):
    created = create(db, '"Review" every month on the last Friday at noon', country="US")
    clash = created.holidays[0]
    assert clash.occurrence.start_local == datetime(2026, 12, 25, 12)
    assert clash.holiday == "Christmas Day" and clash.move_to == date(2026, 12, 24)
    assert create(db, '"Review" every month on the last Friday at noon', country=None).holidays == []
    # A Monday holiday moves to the Tuesday after it; a daily series is only offered a skip.
    mondays = create(db, '"Review" every first Monday at 9am', country="US")
    labor_day = next(c for c in mondays.holidays if c.occurrence.start_local.date() == date(2027, 9, 6))
    assert labor_day.move_to == date(2027, 9, 7)
    daily = create(db, '"Review" every day at 9am', country="US")
    assert daily.holidays and all(c.move_to is None for c in daily.holidays)


def test_moving_onto_a_holiday_says_so(db):
    series = create(db, '"Huddle" every Tuesday at 10am').series
    moved = run(db, service.move_meeting, parse_command(f"move {series.id} Dec 22 to Dec 25"), holiday_country="US")
    assert moved.holiday == "Christmas Day"


@pytest.mark.parametrize("text", ["skip 1 today", "skip 1 tomorrow", "skip 1 in 2 days"])
def test_days_people_type_find_the_meeting(db, text):
    create(db, '"Huddle" every day at 11pm')
    skipped = run(db, service.skip_meeting, parse_command(text))
    expected = {"today": 29, "tomorrow": 30, "in 2 days": 1}[text.removeprefix("skip 1 ")]
    assert skipped.occurrence.start_local.day == expected


def test_refusals_are_feature_errors_and_change_nothing(db):
    series = create(db, '"Huddle" every Tuesday at 10am').series
    stranger, elsewhere = make_actor("U2"), make_actor("U1", team_id="T2")
    with pytest.raises(FeatureError, match="Only <@U1>"):
        run(db, service.cancel_series, parse_command(f"cancel {series.id}"), actor=stranger)
    with pytest.raises(FeatureError, match="couldn't find conference"):
        run(db, service.cancel_series, parse_command(f"cancel {series.id}"), actor=elsewhere)
    with pytest.raises(FeatureError, match="couldn't find conference"):
        run(db, service.show_agenda, ShowAgenda(series.id), actor=elsewhere)
    with pytest.raises(FeatureError, match="already at that time"):
        run(db, service.move_meeting, parse_command(f"move {series.id} next to 10am"))
    with pytest.raises(FeatureError, match="already passed"):
        run(db, service.move_meeting, parse_command(f"move {series.id} next to Nov 2, 2026"))
    with pytest.raises(FeatureError, match="Which channel"), db.session() as session:
        service.create_from_text(session, OWNER, parse_request('"X" tomorrow at 9am'), here_channel_id="D0DM",
                                 now=NOW)
    with db.session() as session:
        assert session.get(ConferenceSeries, series.id).cancelled_at is None
        assert len(list(session.exec(select(ConferenceSeries)))) == 1


def test_an_admin_may_change_anyones_conference(db):
    series = make_conference(db, now=NOW, schedule=Schedule(datetime(2026, 12, 1, 10), NY, "FREQ=WEEKLY;BYDAY=TU"))
    cancelled = run(db, service.cancel_series, parse_command(f"cancel {series.series.id}"),
                    actor=make_actor("UADMIN", admin=True))
    assert cancelled.cancelled_at == NOW


def test_the_actors_time_zone_is_the_default_for_typed_times(db):
    berlin = make_actor("U1", timezone="Europe/Berlin")
    created = create(db, '"Huddle" every Tuesday at 10am', actor=berlin)
    assert created.series.timezone == "Europe/Berlin"
    nowhere = make_actor("U1", timezone=None, default_timezone="America/Chicago")
    assert create(db, '"Huddle" every Tuesday at 10am', actor=nowhere).series.timezone == "America/Chicago"


def test_agenda_text_is_redacted_and_the_result_says_what_was_removed(db):
    series = create(db, '"Huddle" every Tuesday at 10am').series
    added = run(db, service.add_agenda_item,
                AddAgenda("Patient Maria Lopez DOB 03/14/1961 needs a shelter bed", series_id=series.id))
    assert "Lopez" not in added.text and "1961" not in added.text and "shelter bed" in added.text
    assert added.privacy_note.startswith("Removed for privacy")
