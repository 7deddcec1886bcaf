"""Recurrence rules: local wall time survives daylight-saving changes, skips and moves apply, edge times warn."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.conferences import recurrence
from bot.conferences.recurrence import RecurrenceError, Schedule, next_occurrences, occurrences_between
from bot.platform import clock


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_weekly_meeting_keeps_local_time_across_new_york_spring_forward():
    # Tuesdays at 10:00 in New York; clocks spring forward on Sunday Mar 8, 2026.
    series = Schedule(datetime(2026, 3, 3, 10, 0), "America/New_York", "FREQ=WEEKLY;BYDAY=TU")
    before, after = next_occurrences(series, 2, utc(2026, 3, 1))
    assert before.start_local == datetime(2026, 3, 3, 10, 0)
    assert after.start_local == datetime(2026, 3, 10, 10, 0)
    assert before.start_utc == utc(2026, 3, 3, 15, 0)  # EST, UTC-5
    assert after.start_utc == utc(2026, 3, 10, 14, 0)  # EDT, UTC-4


def test_weekly_meeting_keeps_local_time_across_new_york_fall_back():
    series = Schedule(datetime(2026, 10, 27, 10, 0), "America/New_York", "FREQ=WEEKLY;BYDAY=TU")
    before, after = next_occurrences(series, 2, utc(2026, 10, 26))
    assert (before.start_local.time(), after.start_local.time()) == (datetime(1, 1, 1, 10).time(),) * 2
    assert before.start_utc == utc(2026, 10, 27, 14, 0)
    assert after.start_utc == utc(2026, 11, 3, 15, 0)


def test_berlin_last_sunday_at_half_past_two_handles_the_missing_and_the_doubled_hour():
    # Europe/Berlin changes clocks on the last Sunday of March and October, at 02:00/03:00 local.
    series = Schedule(datetime(2026, 1, 25, 2, 30), "Europe/Berlin", "FREQ=MONTHLY;BYDAY=-1SU")
    by_month = {
        o.start_local.month: o for o in occurrences_between(series, utc(2026, 1, 1), utc(2026, 12, 31))
    }
    # January: CET (UTC+1).
    assert by_month[1].start_utc == utc(2026, 1, 25, 1, 30)
    # March 29: 02:30 does not exist; the meeting happens when the wall clock would have shown it, 03:30 CEST.
    assert by_month[3].start_local == datetime(2026, 3, 29, 2, 30)
    assert by_month[3].start_utc == utc(2026, 3, 29, 1, 30)
    assert clock.to_local(by_month[3].start_utc, "Europe/Berlin") == datetime(2026, 3, 29, 3, 30)
    # April: CEST (UTC+2), back to 02:30 on the wall.
    assert by_month[4].start_utc == utc(2026, 4, 26, 0, 30)
    # October 25: 02:30 happens twice; the first (still CEST) is used.
    assert by_month[10].start_utc == utc(2026, 10, 25, 0, 30)
    assert by_month[11].start_utc == utc(2026, 11, 29, 1, 30)
    assert len(by_month) == 12


def test_berlin_weekly_meeting_at_ten_crosses_both_changes_at_ten():
    series = Schedule(datetime(2026, 3, 23, 10, 0), "Europe/Berlin", "FREQ=WEEKLY;BYDAY=MO")
    found = occurrences_between(series, utc(2026, 3, 1), utc(2026, 11, 30))
    assert {o.start_local.hour for o in found} == {10}
    offsets = {o.start_utc.hour for o in found}
    assert offsets == {8, 9}  # UTC+2 in summer, UTC+1 in winter
    assert found[0].start_utc == utc(2026, 3, 23, 9, 0)
    assert found[1].start_utc == utc(2026, 3, 30, 8, 0)


@pytest.mark.parametrize("weekday_code, weekday_index", [("FR", calendar.FRIDAY), ("MO", calendar.MONDAY)])
def test_last_weekday_of_month_matches_the_calendar(weekday_code, weekday_index):
    series = Schedule(datetime(2026, 1, 1, 12, 0), "America/Chicago", f"FREQ=MONTHLY;BYDAY=-1{weekday_code}")
    found = occurrences_between(series, utc(2026, 1, 1), utc(2027, 1, 1))
    expected = []
    for month in range(1, 13):
        last_day = calendar.monthrange(2026, month)[1]
        day = max(
            d for d in range(last_day - 6, last_day + 1) if date(2026, month, d).weekday() == weekday_index
        )
        expected.append(date(2026, month, day))
    assert [o.start_local.date() for o in found] == expected


def test_every_other_week_is_fourteen_days_apart_from_the_start():
    series = Schedule(datetime(2026, 11, 26, 15, 0), "America/New_York", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
    found = next_occurrences(series, 6, utc(2026, 11, 1))
    assert found[0].start_local == datetime(2026, 11, 26, 15, 0)
    gaps = {(b.start_local - a.start_local) for a, b in zip(found, found[1:], strict=False)}
    assert gaps == {timedelta(days=14)}


def test_skipped_dates_are_left_out_and_moved_ones_appear_at_their_new_time():
    first_tuesdays = Schedule(datetime(2026, 12, 1, 10, 0), "America/New_York", "FREQ=MONTHLY;BYDAY=1TU")
    skipped = datetime(2027, 1, 5, 10, 0)
    moved_from, moved_to = datetime(2027, 2, 2, 10, 0), datetime(2027, 1, 28, 14, 0)
    series = Schedule(
        first_tuesdays.start_local,
        first_tuesdays.timezone,
        first_tuesdays.rrule,
        exdates=frozenset({skipped}),
        overrides={moved_from: moved_to},
    )
    found = next_occurrences(series, 3, utc(2026, 11, 20))
    assert [o.start_local for o in found] == [datetime(2026, 12, 1, 10), moved_to, datetime(2027, 3, 2, 10)]
    assert found[1].moved and found[1].original_local == moved_from
    assert not found[0].moved


def test_a_meeting_moved_earlier_than_the_search_start_is_not_returned():
    series = Schedule(
        datetime(2026, 12, 1, 10, 0),
        "UTC",
        "FREQ=MONTHLY;BYDAY=1TU",
        overrides={datetime(2027, 1, 5, 10, 0): datetime(2026, 12, 20, 10, 0)},
    )
    found = next_occurrences(series, 2, utc(2026, 12, 21))
    assert [o.start_local for o in found] == [datetime(2027, 2, 2, 10), datetime(2027, 3, 2, 10)]


def test_single_meeting_has_one_occurrence_and_none_after_it():
    series = Schedule(datetime(2026, 12, 3, 14, 0), "America/Chicago")
    assert [o.start_utc for o in next_occurrences(series, 3, utc(2026, 11, 1))] == [utc(2026, 12, 3, 20, 0)]
    assert next_occurrences(series, 3, utc(2026, 12, 3, 20, 0)) == []


def test_warnings_flag_early_morning_missing_and_doubled_times():
    assert recurrence.time_warnings(datetime(2026, 12, 1, 10, 0), "America/New_York") == []
    early = recurrence.time_warnings(datetime(2026, 12, 1, 3, 59), "America/New_York")
    assert len(early) == 1 and "middle of the night" in early[0]
    assert recurrence.time_warnings(datetime(2026, 12, 1, 4, 0), "America/New_York") == []
    missing = recurrence.time_warnings(datetime(2026, 3, 8, 2, 30), "America/New_York")
    assert any("does not exist" in w and "3:30am" in w for w in missing)
    doubled = recurrence.time_warnings(datetime(2026, 11, 1, 1, 30), "America/New_York")
    assert any("happens twice" in w for w in doubled)


def test_nonexistent_and_ambiguous_detection():
    assert recurrence.is_nonexistent(datetime(2026, 3, 8, 2, 30), "America/New_York")
    assert not recurrence.is_nonexistent(datetime(2026, 3, 8, 3, 30), "America/New_York")
    assert recurrence.is_ambiguous(datetime(2026, 11, 1, 1, 30), "America/New_York")
    assert not recurrence.is_ambiguous(datetime(2026, 11, 1, 2, 30), "America/New_York")


def test_time_zone_names_are_canonicalized_or_rejected():
    assert recurrence.canonical_timezone("america/chicago") == "America/Chicago"
    assert recurrence.canonical_timezone("PT") == "America/Los_Angeles"
    assert recurrence.canonical_timezone("utc") == "UTC"
    with pytest.raises(RecurrenceError, match="don't know the time zone"):
        recurrence.canonical_timezone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=WEEKLY;BYHOUR=3",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=x",
        "BYDAY=MO",
        "nonsense",
    ],
)
def test_rules_outside_what_partnerbot_supports_are_rejected(rule):
    with pytest.raises(RecurrenceError):
        recurrence.validate_rule(rule)


def test_validate_rule_canonicalizes():
    assert recurrence.validate_rule("RRULE:byday=1TU;freq=monthly;interval=1") == "FREQ=MONTHLY;BYDAY=1TU"


@pytest.mark.parametrize(
    "rule, start, words",
    [
        ("FREQ=MONTHLY;BYDAY=1TU", datetime(2026, 12, 1, 10, 0), "every first Tuesday at 10am"),
        ("FREQ=MONTHLY;BYDAY=-1FR", datetime(2026, 11, 27, 12, 0), "every last Friday at noon"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            datetime(2026, 11, 26, 15, 0),
            "every other Thursday at 3pm starting Nov 26, 2026",
        ),
        ("FREQ=WEEKLY;BYDAY=TU,TH", datetime(2026, 11, 24, 9, 30), "every Tuesday and Thursday at 9:30am"),
        ("FREQ=MONTHLY;BYDAY=1TU,3TU", datetime(2026, 12, 1, 10, 0), "every first and third Tuesday at 10am"),
        (
            "FREQ=MONTHLY;BYDAY=1TU,3WE",
            datetime(2026, 12, 1, 10, 0),
            "repeating by the rule FREQ=MONTHLY;BYDAY=1TU,3WE, from Tue Dec 1, 2026 at 10am",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15", datetime(2026, 12, 15, 0, 0), "every month on the 15th at midnight"),
        (None, datetime(2026, 12, 3, 14, 0), "on Thu Dec 3, 2026 at 2pm"),
    ],
)
def test_describe_restates_the_rule_in_words(rule, start, words):
    assert recurrence.describe(Schedule(start, "UTC", rule)) == words
