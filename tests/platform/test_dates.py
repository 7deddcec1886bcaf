"""The shared grammar of days, times and repeats: what people type becomes the right date, or a friendly error that
echoes nothing unsafe."""

from datetime import date, time

import pytest

from bot.platform import dates
from bot.platform.dates import DateError, DateText, DayPhrase, Repeat
from bot.platform.errors import FeatureError

TODAY = date(2026, 11, 29)  # a Sunday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", date(2026, 11, 29)),
        ("Tonight", date(2026, 11, 29)),
        ("tomorrow", date(2026, 11, 30)),
        ("in 60 days", date(2027, 1, 28)),
        ("in 2 weeks", date(2026, 12, 13)),
        ("in a week", date(2026, 12, 6)),
        ("in three months", date(2027, 2, 28)),
        ("in 1 year", date(2027, 11, 29)),
        ("next June", date(2027, 6, 1)),
        ("next week", date(2026, 12, 6)),
        ("next month", date(2026, 12, 1)),  # the first of it, like "next June"
        ("June", date(2027, 6, 1)),
        ("June 2028", date(2028, 6, 1)),
        ("next December", date(2026, 12, 1)),
        ("Friday", date(2026, 12, 4)),
        ("next friday", date(2026, 12, 4)),
        ("on Fri", date(2026, 12, 4)),
        ("Sunday", date(2026, 11, 29)),
        ("next Sunday", date(2026, 12, 6)),
        ("Dec 3", date(2026, 12, 3)),
        ("December 3rd, 2027", date(2027, 12, 3)),
        ("3 Dec", date(2026, 12, 3)),
        ("Jan 5", date(2027, 1, 5)),
        ("2027-03-31", date(2027, 3, 31)),
        ("3/31/2027", date(2027, 3, 31)),
        ("3/31/27", date(2027, 3, 31)),
        ("Thu Dec 3, 2026", date(2026, 12, 3)),
    ],
)
def test_days_people_type(text, expected):
    assert dates.parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("blursday", "couldn't read the date"),
        ("Feb 30 2027", "not a date"),
        ("13/45", "not a date"),
        ("in 900 years", "within 10 years"),
        ("", "couldn't read the date"),
    ],
)
def test_what_is_not_a_day_is_refused_kindly(text, fragment):
    with pytest.raises(DateError) as caught:
        dates.parse_day(text, TODAY)
    assert fragment in caught.value.message
    assert isinstance(caught.value, FeatureError)


def test_errors_quote_only_a_short_redacted_safe_fragment():
    with pytest.raises(DateError) as caught:
        dates.parse_day("<!channel> patient John Smith DOB 03/14/1961 " + "x" * 200, TODAY)
    message = caught.value.message
    assert "<!channel>" not in message and "1961" not in message and len(message) < 200


def test_a_phrase_can_be_read_now_and_resolved_later():
    phrase = dates.parse_day_phrase("Dec 3")
    assert phrase == DayPhrase(on=DateText(12, 3))
    assert phrase.resolve(date(2026, 12, 4)) == date(2027, 12, 3)
    assert phrase.later(date(2026, 12, 3)) == date(2027, 12, 3)
    assert dates.parse_day_phrase("Friday").later(date(2026, 12, 4)) == date(2026, 12, 11)
    assert dates.parse_day_phrase("tomorrow").later(date(2026, 11, 30)) is None
    assert dates.match_day_phrase("every other friday") is None


@pytest.mark.parametrize(
    "text, rule, frequency, interval, weekdays",
    [
        ("every other friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "WEEKLY", 2, (4,)),
        ("every Friday", "FREQ=WEEKLY;BYDAY=FR", "WEEKLY", 1, (4,)),
        ("weekly on monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH", "WEEKLY", 1, (0, 3)),
        ("daily", "FREQ=DAILY", "DAILY", 1, ()),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "WEEKLY", 1, (0, 1, 2, 3, 4)),
        ("every first Tuesday", "FREQ=MONTHLY;BYDAY=1TU", "MONTHLY", 1, (1,)),
        ("every month on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR", "MONTHLY", 1, (4,)),
        ("every other month on the 15th", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15", "MONTHLY", 2, ()),
    ],
)
def test_repeats(text, rule, frequency, interval, weekdays):
    repeat = dates.parse_repeat(text)
    assert repeat == Repeat(rule)
    assert (repeat.frequency, repeat.interval, repeat.weekdays) == (frequency, interval, weekdays)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("every blue moon", "how often it repeats"),
        ("every 2 tuesday", "Did you mean"),
        ("every month on the 31st", "last day"),
        ("every 99 weeks on monday", "between 1 and 52"),
    ],
)
def test_repeats_that_cannot_be_read(text, fragment):
    with pytest.raises(DateError, match=fragment):
        dates.parse_repeat(text)
    assert dates.parse_repeat("tomorrow") is None


@pytest.mark.parametrize(
    "text, rest, at",
    [
        ("every other friday at 9am", "every other friday", time(9)),
        ("on dec 3 at 2:30 pm", "on dec 3", time(14, 30)),
        ("tomorrow 15:00", "tomorrow", time(15)),
        ("next friday noon", "next friday", time(12)),
        ("on dec 3", "on dec 3", None),
        ("at 4", "", time(4)),
    ],
)
def test_the_time_is_taken_out_of_a_phrase(text, rest, at):
    assert dates.take_time(text) == (rest, at)


@pytest.mark.parametrize("text, fragment", [("25pm", "1 to 12"), ("10:75", "not a time of day"), ("soon", "Try")])
def test_times_that_are_not_times(text, fragment):
    with pytest.raises(DateError, match=fragment):
        dates.parse_time(text)


def test_saying_them_back():
    assert dates.format_time(time(16, 5)) == "4:05pm"
    assert dates.format_time(time(12)) == "noon" and dates.format_time(time(0)) == "midnight"
    assert dates.format_date(date(2026, 12, 1)) == "Tue Dec 1, 2026"
    assert dates.format_date(date(2026, 12, 1), weekday=False) == "Dec 1, 2026"


def test_every_phrase_of_the_grammar_reads_in_linear_time():
    long_text = "every " + "first and " * 5000 + "tuesday"
    with pytest.raises(DateError):
        dates.parse_repeat(long_text + " x")
    assert dates.match_day_phrase("in " + "9" * 10000 + " days") is None
