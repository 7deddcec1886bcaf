"""The /conference grammar: what people type becomes the right schedule, reads back the same, or is refused
with a helpful message."""

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.conferences import recurrence
from bot.conferences.commands import (
    AddAgenda,
    Cancel,
    Create,
    Help,
    ListUpcoming,
    OpenForm,
    SendCalendar,
    ShowAgenda,
    Skip,
    parse_command,
    parse_request,
)
from bot.conferences.when import ParseError
from bot.platform import clock
from bot.platform.dates import DateText, DayPhrase

# Sunday Nov 22, 2026, 16:30 UTC = 11:30 in New York.
NOW = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
NY = "America/New_York"


def schedule_for(text, zone=NY, now=NOW):
    return parse_request(text).schedule(zone, now)


@pytest.mark.parametrize(
    "text, rrule, start",
    [
        (
            '<#C123|case-conf> "Monthly case conference" every first Tuesday at 10am',
            "FREQ=MONTHLY;BYDAY=1TU",
            datetime(2026, 12, 1, 10, 0),
        ),
        (
            '<#C1|x> "Partner huddle" every other Thursday at 3pm',
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            datetime(2026, 11, 26, 15),
        ),
        (
            '<#C1|x> "Case review" every month on the last Friday at noon',
            "FREQ=MONTHLY;BYDAY=-1FR",
            datetime(2026, 11, 27, 12),
        ),
        ('<#C1|x> "Housing review" on Dec 3 at 2pm', None, datetime(2026, 12, 3, 14)),
        ('"Quick sync" tomorrow at 9am', None, datetime(2026, 11, 23, 9)),
        (
            '"Review" every Tuesday and Thursday at 9:30 a.m.',
            "FREQ=WEEKLY;BYDAY=TU,TH",
            datetime(2026, 11, 24, 9, 30),
        ),
        (
            '"Review" every 3 weeks on Monday at 15:00 starting Dec 14',
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO",
            datetime(2026, 12, 14, 15),
        ),
        (
            '"Review" every month on the 15th at 10am',
            "FREQ=MONTHLY;BYMONTHDAY=15",
            datetime(2026, 12, 15, 10),
        ),
        (
            '"Review" every other month on the 2nd Wednesday at 1pm',
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",
            datetime(2026, 12, 9, 13),
        ),
        ('"Review" every weekday at 8am', "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", datetime(2026, 11, 23, 8)),
        (
            '"Review" every last Monday of the month at 11am',
            "FREQ=MONTHLY;BYDAY=-1MO",
            datetime(2026, 11, 30, 11),
        ),
        ('"Review" on Friday at 2pm', None, datetime(2026, 11, 27, 14)),
        ('"Review" on 2027-01-04 at 10:15am', None, datetime(2027, 1, 4, 10, 15)),
        ("Weekly huddle every Wednesday at noon", "FREQ=WEEKLY;BYDAY=WE", datetime(2026, 11, 25, 12)),
        (
            '"Review" every first and third Tuesday at 10am',
            "FREQ=MONTHLY;BYDAY=1TU,3TU",
            datetime(2026, 12, 1, 10),
        ),
        (
            '"Review" every 1st & last Friday of the month at 9am',
            "FREQ=MONTHLY;BYDAY=1FR,-1FR",
            datetime(2026, 11, 27, 9),
        ),
    ],
)
def test_phrases_become_rules_and_local_starts(text, rrule, start):
    schedule = schedule_for(text)
    assert (schedule.rrule, schedule.start_local, schedule.timezone) == (rrule, start, NY)


def test_channel_and_title_are_picked_out():
    request = parse_request('<#C0123ABC|case-conf> "Monthly case conference" every first Tuesday at 10am')
    assert (request.channel_id, request.channel_name, request.title) == (
        "C0123ABC",
        "case-conf",
        "Monthly case conference",
    )
    assert request.timezone is None
    no_channel = parse_request('"Quick sync" tomorrow at 9am')
    assert no_channel.channel_id is None and no_channel.title == "Quick sync"


def test_zone_in_the_text_wins_over_the_fallback():
    request = parse_request('"Case review" every month on the last Friday at noon in America/Chicago')
    assert request.timezone == "America/Chicago"
    schedule = request.schedule(NY, NOW)
    assert schedule.timezone == "America/Chicago"
    assert recurrence.next_occurrences(schedule, 1, NOW)[0].start_utc == datetime(
        2026, 11, 27, 18, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text, zone",
    [
        ('"Review" every Tuesday at 9am America/Chicago', "America/Chicago"),
        ('"Review" every Tuesday at 9am (Europe/Berlin)', "Europe/Berlin"),
        ('"Review" every Tuesday at 9am in PT', "America/Los_Angeles"),
        ('"Review" every Tuesday at 9am in utc', "UTC"),
    ],
)
def test_zone_spellings(text, zone):
    assert parse_request(text).timezone == zone


def test_relative_time_is_counted_from_now_in_the_zone():
    schedule = schedule_for('"Test" in 10 minutes', zone="Europe/Berlin")
    assert schedule.rrule is None
    assert clock.local_to_utc(schedule.start_local, "Europe/Berlin") == NOW + timedelta(minutes=10)
    assert schedule_for('"Test" in an hour').start_local == datetime(2026, 11, 22, 12, 30)


def test_date_without_year_that_passed_this_year_means_next_year():
    assert schedule_for('"Review" on Jan 5 at 9am').start_local == datetime(2027, 1, 5, 9)
    # Today at a later hour stays today.
    assert schedule_for('"Review" on Nov 22 at 5pm').start_local == datetime(2026, 11, 22, 17)


def test_first_tuesday_created_on_a_first_tuesday_after_the_meeting_time_starts_next_month():
    first_tuesday_afternoon = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 3pm in New York
    schedule = schedule_for('"M" every first Tuesday at 10am', now=first_tuesday_afternoon)
    assert schedule.start_local == datetime(2027, 1, 5, 10)


@pytest.mark.parametrize(
    "text",
    [
        '"Monthly case conference" every first Tuesday at 10am',
        '"Partner huddle" every other Thursday at 3pm',
        '"Case review" every month on the last Friday at noon',
        '"Review" every 3 weeks on Monday at 3:45pm',
        '"Review" every other month on the second Wednesday at 1pm',
        '"Review" every month on the 15th at 10am',
        '"Review" every weekday at 8am',
        '"Review" every Monday, Wednesday and Friday at 9am',
        '"Review" every day at 7pm',
        '"Review" every first and third Tuesday at 10am',
        '"Review" every other month on the second and fourth Monday at 1pm',
        '"Review" on Dec 3 at 2pm',
        '"Review" tomorrow at midnight',
    ],
)
def test_describe_reads_back_to_the_same_schedule(text):
    original = schedule_for(text)
    words = recurrence.describe(original)
    # A week later the restated words must still mean the very same series.
    again = schedule_for(f'"Review" {words}', now=NOW + timedelta(days=2) if original.rrule else NOW)
    if original.rrule:
        assert again.rrule == original.rrule
        later = recurrence.next_occurrences(original, 6, NOW + timedelta(days=2))
        assert recurrence.next_occurrences(again, 6, NOW + timedelta(days=2)) == later
    else:
        assert again == original


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('"Review" every blue moon', "how often it repeats"),
        ('"Review" on Dec 3', "Add a time"),
        ('"Review" every first Tuesday', "Add a time"),
        ('"Review" every first Tuesday at 25pm', "hour goes from 1 to 12"),
        ('"Review" every first Tuesday at 10:75', "not a time of day"),
        ('"Review" every Tuesday at 10am in Mars/Olympus', "time zone"),
        ('"Review" every 2 Tuesday at 10am', "Did you mean"),
        ('"Review" every month on the 31st at 10am', "last day"),
        ('"Review" on Feb 30 at 2pm', "not a date"),
        ('"Review" on Dec 3, 2025 at 2pm', "already passed"),
        ('"Review" today at 9am', "already passed"),
        ('"Review" in 0 minutes', "1 minute to a year"),
        ('"Review" sometime soon', "couldn't tell when"),
        ('"Review" on Dec 3 at 2pm starting Dec 1', "`starting` goes with a repeating"),
        ('#general "Review" every Tuesday at 10am', "couldn't find that channel"),
        ("Review", "title in quotes"),
        ('"' + "x" * 151 + '" every Tuesday at 10am', "under 150"),
        ('""  every Tuesday at 10am', "title"),
    ],
)
def test_what_cannot_be_understood_gets_a_helpful_message(text, fragment):
    with pytest.raises(ParseError) as caught:
        parse_request(text).schedule(NY, NOW)
    assert fragment in caught.value.problem
    friendly = caught.value.message
    if caught.value.show_examples:
        assert "every first Tuesday at 10am" in friendly


def test_subcommands():
    assert parse_command("") == OpenForm()
    assert parse_command("help") == Help()
    assert parse_command("LIST") == ListUpcoming()
    assert parse_command("skip 12 Dec 1") == Skip(12, DayPhrase(on=DateText(12, 1, None)))
    assert parse_command("skip 12 next") == Skip(12, None)
    move = parse_command("move 12 Dec 1 to Dec 2 at 3pm")
    assert (move.series_id, move.day, move.target.day, move.target.at) == (
        12,
        DayPhrase(on=DateText(12, 1, None)),
        DayPhrase(on=DateText(12, 2, None)),
        time(15, 0),
    )
    assert parse_command("move 7 next to 4pm").target.at == time(16, 0)
    assert parse_command("move 7 next to tomorrow").target.day == DayPhrase(days=1)
    assert parse_command("cancel 3") == Cancel(3)
    assert isinstance(parse_command("cancel 3 Dec 8"), Skip)
    facilitators = parse_command("facilitators 3 <@U1|ann> <@U2|bo>, <@U1|ann> and <@U3>")
    assert facilitators.user_ids == ("U1", "U2", "U3")
    agenda = parse_command("agenda 3 add Housing barriers for a client leaving respite")
    assert agenda == AddAgenda("Housing barriers for a client leaving respite", series_id=3)
    assert parse_command("agenda 3") == ShowAgenda(3)
    assert parse_command("ics 4") == SendCalendar(4)
    assert isinstance(parse_command('"Review" every Tuesday at 10am'), Create)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("skip", "Which conference"),
        ("skip twelve Dec 1", "Which conference"),
        ("skip 12 someday", "couldn't read the date"),
        ("move 12 Dec 1", "Say where to move it"),
        ("move 12 Dec 1 to whenever", "couldn't read the date"),
        ("facilitators 3 ann bo", "Mention each facilitator"),
        ("agenda 3 remove x", "Usage"),
        ("agenda 3 add", "Usage"),
    ],
)
def test_subcommand_mistakes_explain_the_usage(text, fragment):
    with pytest.raises(ParseError, match=fragment):
        parse_command(text)


@pytest.mark.parametrize(
    "text, title, start",
    [
        ("<#C1|case-conf> every first Tuesday at 10am", "Case conference", datetime(2026, 12, 1, 10)),
        ("every other Thursday at 3pm", "Case conference", datetime(2026, 11, 26, 15)),
        ("Monthly case review every first Tuesday at 10am", "Monthly case review", datetime(2026, 12, 1, 10)),
        ("Today's huddle today at 5pm", "Today's huddle", datetime(2026, 11, 22, 17)),
        ('"Review" in 60 days at 10am', "Review", datetime(2027, 1, 21, 10)),
        ('"Review" next Friday at 2pm', "Review", datetime(2026, 11, 27, 14)),
        ('"Review" on 12/3 at 2pm', "Review", datetime(2026, 12, 3, 14)),
    ],
)
def test_titles_are_optional_and_days_read_as_people_type_them(text, title, start):
    request = parse_request(text)
    assert (request.title, request.schedule(NY, NOW).start_local) == (title, start)


def test_skip_and_move_read_the_same_days():
    assert parse_command("skip 3 today") == Skip(3, DayPhrase(days=0))
    assert parse_command("skip 3 in 2 weeks") == Skip(3, DayPhrase(days=14))
    assert parse_command("move 3 next Friday to next June").target.day == DayPhrase(month=6)
