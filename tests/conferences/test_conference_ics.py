"""The .ics file: valid iCalendar, a stable UID, the rule, skipped dates and moved meetings, local times with TZID."""

from datetime import UTC, datetime

from dateutil.rrule import rrulestr
from icalendar import Calendar

from bot.conferences.ics import CalendarSeries, build_calendar, file_name, series_uid
from bot.conferences.recurrence import Schedule, next_occurrences

NOW = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
SKIPPED = datetime(2027, 1, 5, 10, 0)
MOVED_FROM, MOVED_TO = datetime(2027, 2, 2, 10, 0), datetime(2027, 2, 3, 11, 0)


def monthly(**changes):
    schedule = Schedule(
        datetime(2026, 12, 1, 10, 0),
        "America/New_York",
        "FREQ=MONTHLY;BYDAY=1TU",
        exdates=frozenset({SKIPPED}),
        overrides={MOVED_FROM: MOVED_TO},
    )
    return CalendarSeries(
        team_id="T1",
        series_id=7,
        title="Monthly case conference",
        schedule=schedule,
        video_link="https://meet.example.org/case-conf",
        **changes,
    )


def events(data: bytes):
    calendar = Calendar.from_ical(data)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_calendar_is_valid_with_rule_exdate_and_timezone():
    data = build_calendar(monthly(), now_utc=NOW)
    calendar, (main, moved) = events(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert main["UID"] == moved["UID"] == series_uid("T1", 7)
    assert main["SUMMARY"] == "Monthly case conference"
    start = main.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 12, 1, 10) and str(start.tzinfo) == "America/New_York"
    assert main["DTSTART"].params["TZID"] == "America/New_York"
    assert main["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TU"
    exdates = [d.dt.replace(tzinfo=None) for d in main["EXDATE"].dts]
    assert exdates == [SKIPPED]
    assert moved.decoded("RECURRENCE-ID").replace(tzinfo=None) == MOVED_FROM
    assert moved.decoded("DTSTART").replace(tzinfo=None) == MOVED_TO
    assert b"\r\n" in data and data.startswith(b"BEGIN:VCALENDAR")


def test_file_expands_to_the_same_meetings_the_bot_reminds_about():
    series = monthly()
    _, (main, moved) = events(build_calendar(series, now_utc=NOW))
    start = main.decoded("DTSTART").replace(tzinfo=None)
    rule = rrulestr(f"DTSTART:{start:%Y%m%dT%H%M%S}\nRRULE:{main['RRULE'].to_ical().decode()}", forceset=True)
    for exdate in main["EXDATE"].dts:
        rule.exdate(exdate.dt.replace(tzinfo=None))
    rule.exdate(moved.decoded("RECURRENCE-ID").replace(tzinfo=None))
    from_file = sorted(
        [
            *rule.between(NOW.replace(tzinfo=None), datetime(2027, 6, 1)),
            moved.decoded("DTSTART").replace(tzinfo=None),
        ]
    )
    from_bot = [o.start_local for o in next_occurrences(series.schedule, len(from_file), NOW)]
    assert from_file == from_bot


def test_uid_is_stable_across_exports_and_distinct_per_series():
    first = events(build_calendar(monthly(), now_utc=NOW))[1][0]["UID"]
    later = events(build_calendar(monthly(sequence=3), now_utc=datetime(2027, 3, 1, tzinfo=UTC)))[1][0]["UID"]
    assert first == later
    assert series_uid("T1", 8) != first and series_uid("T2", 7) != first


def test_single_meeting_moved_or_skipped():
    single = Schedule(
        datetime(2026, 12, 3, 14, 0),
        "Europe/Berlin",
        overrides={datetime(2026, 12, 3, 14): datetime(2026, 12, 4, 9)},
    )
    series = CalendarSeries(team_id="T1", series_id=2, title="Housing review", schedule=single)
    _, found = events(build_calendar(series, now_utc=NOW))
    assert len(found) == 1 and "RRULE" not in found[0]
    assert found[0].decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 12, 4, 9)
    skipped = Schedule(
        datetime(2026, 12, 3, 14, 0), "Europe/Berlin", exdates=frozenset({datetime(2026, 12, 3, 14)})
    )
    _, found = events(build_calendar(CalendarSeries("T1", 2, "Housing review", skipped), now_utc=NOW))
    assert found[0]["STATUS"] == "CANCELLED"


def test_cancelled_series_says_so():
    _, (main, moved) = events(build_calendar(monthly(cancelled=True), now_utc=NOW))
    assert main["STATUS"] == "CANCELLED" and moved["STATUS"] == "CANCELLED"


def test_file_name_is_safe():
    assert file_name("Monthly case conference / East", 7) == "monthly-case-conference-east-7.ics"
    assert file_name("!!!", 3) == "conference-3.ics"
