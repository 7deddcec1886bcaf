"""What a care team hits in its first hour with /conference, over signed HTTP against the fake Slack: moves that
calendars follow, agendas that survive a skip, reminders for a meeting set up at short notice, a schedule without a
title, public holidays with one-click answers, the dates people type, and help that Slack can read."""

import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from icalendar import Calendar
from sqlmodel import select

from bot.conferences import commands, views
from bot.conferences.planning import load_schedule
from bot.conferences.recurrence import next_occurrences
from bot.platform.clock import utcnow
from bot.platform.dates import MONTH_ABBREVIATIONS
from bot.runtime import jobs
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceOverride, ConferenceSeries
from models.platform import OutboxMessage

CHANNEL = "<#C0CASES|case-conf>"
# Slack reads <…> as a control sequence; only these may appear in what the bot sends.
SLACK_SEQUENCE = re.compile(r"<(?![@#!]|https?://|mailto:|tel:)[^>]*>")


def rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def reply(fake_slack):
    return fake_slack.calls("response_url")[-1].args


def short(day):
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}"


def upcoming(db, count):
    with db.session() as session:
        series = session.exec(select(ConferenceSeries)).first()
        return next_occurrences(load_schedule(session, series), count, utcnow())


def test_a_move_beyond_the_planned_weeks_is_in_the_calendar_file_and_the_errors(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Monthly" every first Tuesday at 10am')
    third = upcoming(slack.db, 3)[2].start_local  # always more than five weeks out: not a row yet
    next_day = third + timedelta(days=1)
    slack.command("/conference", f"move 1 {short(third)} to {short(next_day)} 11am")
    assert "Moved" in reply(fake_slack)["text"]
    fake_slack.reset()
    slack.command("/conference", "ics 1")
    calendar = Calendar.from_ical(fake_slack.calls("upload")[0].args["content"])
    moved = [event for event in calendar.walk("VEVENT") if "RECURRENCE-ID" in event]
    assert len(moved) == 1, "no override (RECURRENCE-ID) for the moved meeting"
    assert moved[0]["DTSTART"].dt.replace(tzinfo=None) == next_day.replace(hour=11)
    slack.command("/conference", f"skip 1 {short(third)}")
    assert f"{short(next_day)}, {next_day.year}" in reply(fake_slack)["text"]


def test_agenda_items_of_a_skipped_meeting_go_to_the_next_one_and_the_person_is_told(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Huddle" every Tuesday at 10am')
    slack.command("/conference", "agenda 1 add Housing barriers after respite discharge")
    first, second = sorted(rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)[:2]
    slack.command("/conference", "skip 1 next")
    text = reply(fake_slack)["text"]
    assert "Skipped" in text and "1 agenda item moved to the next meeting" in text
    assert [item.occurrence_id for item in rows(slack.db, AgendaItem)] == [second.id]
    slack.command("/conference", "agenda 1")
    assert "Housing barriers after respite discharge" in reply(fake_slack)["text"]


def test_a_meeting_set_up_at_short_notice_still_gets_the_agenda_and_rsvp_reminder(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Quick case review" in 3 hours')
    day_before = [row for row in rows(slack.db, OutboxMessage) if row.kind == "conference.day_before"]
    assert len(day_before) == 1 and day_before[0].due_at <= utcnow()
    fake_slack.reset()
    jobs.tick(slack.db, slack.client, now=utcnow())
    posts = [c for c in fake_slack.calls("chat.postMessage") if c.args.get("channel") == "C0CASES"]
    assert len(posts) == 1
    blocks = json.dumps(posts[0].args["blocks"])
    assert views.RSVP_GOING in blocks and views.ADD_CASE in blocks


def test_a_schedule_without_a_title_is_a_case_conference(slack, fake_slack):
    slack.command("/conference", f"{CHANNEL} every first Tuesday at 10am")
    series = rows(slack.db, ConferenceSeries)
    assert [(s.title, s.rrule) for s in series] == [("Case conference", "FREQ=MONTHLY;BYDAY=1TU")]
    assert "Scheduled" in reply(fake_slack)["text"]


def _holiday_buttons(fake_slack):
    elements = [e for block in reply(fake_slack)["blocks"] if block["type"] == "actions" for e in block["elements"]]
    return ([e for e in elements if e["action_id"] == views.HOLIDAY_SKIP],
            [e for e in elements if e["action_id"] == views.HOLIDAY_MOVE])


def test_dates_on_public_holidays_are_flagged_with_skip_and_move_in_one_click(slack, fake_slack):
    # Every Thursday meets on Thanksgiving within the year, so at least one date clashes whatever today is.
    slack.command("/conference", f'{CHANNEL} "Huddle" every Thursday at 10am')
    assert "public holiday" in json.dumps(reply(fake_slack)["blocks"])
    skips, moves = _holiday_buttons(fake_slack)
    assert skips and moves
    skip, move = json.loads(skips[0]["value"]), json.loads(moves[-1]["value"])
    slack.click(views.HOLIDAY_SKIP, skips[0]["value"], channel="C0CASES")
    assert "Skipped" in reply(fake_slack)["text"]
    slack.click(views.HOLIDAY_MOVE, moves[-1]["value"], channel="C0CASES")
    assert "Moved" in reply(fake_slack)["text"]
    overrides = {o.original_local.date().isoformat(): o.new_start_local for o in rows(slack.db, ConferenceOverride)}
    assert overrides[skip["day"]] is None
    assert overrides[move["day"]].date().isoformat() == move["to"]
    # Someone else cannot use the buttons to change it.
    slack.click(views.HOLIDAY_SKIP, skips[-1]["value"], user="U2", channel="C0CASES")
    assert "Only <@U1>" in reply(fake_slack)["text"]
    slack.click(views.HOLIDAY_SKIP, "not json", channel="C0CASES")
    assert "out of date" in reply(fake_slack)["text"]


def test_dates_people_type(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Quarterly review" in 60 days at 10am')
    series = rows(slack.db, ConferenceSeries)
    assert len(series) == 1, reply(fake_slack)["text"]
    assert (series[0].start_local.date() - utcnow().date()).days in (59, 60, 61)
    slack.command("/conference", f'{CHANNEL} "Daily huddle" every day at 10am')
    slack.command("/conference", "skip 2 tomorrow")
    assert "Skipped" in reply(fake_slack)["text"]
    slack.command("/conference", "skip 2 in 2 days")
    assert "Skipped" in reply(fake_slack)["text"]


def test_what_slack_reads_carries_no_placeholders_and_no_mass_mentions(slack, fake_slack):
    slack.command("/conference", "help")
    slack.command("/conference", f'{CHANNEL} "Huddle" every Tuesday at 10am')
    slack.command("/conference", "agenda 1")
    slack.command("/conference", "skip 1")
    slack.command("/conference", "move 1 Dec 1")
    for call in fake_slack.calls("response_url"):
        found = SLACK_SEQUENCE.findall(json.dumps(call.args, ensure_ascii=False).replace("\\n", " "))
        assert not found, found
    # The conferences section of the global help is the feature's own summary, placeholders and all.
    slack.command("/partnerbot", "help")
    assert commands.SUMMARY in reply(fake_slack)["text"] and not SLACK_SEQUENCE.findall(commands.SUMMARY)
    slack.command("/conference", "skip 1 <!channel>")
    assert "<!channel>" not in json.dumps(reply(fake_slack))


def test_a_reminder_names_the_meeting_time_once():
    start_local = datetime(2027, 1, 5, 10, 0)
    details = SimpleNamespace(
        series=SimpleNamespace(title="Case conference", timezone="America/Chicago", video_link=""),
        occurrence=SimpleNamespace(id=7, start_local=start_local, start_utc=datetime(2027, 1, 5, 16, 0, tzinfo=UTC),
                                   facilitator_user_id=None),
        agenda=[], next_facilitator=None, going=[], not_going=[])
    for render in (views.agenda_call_message, views.day_before_message):
        _, blocks = render(details)
        first = blocks[0]["text"]["text"]
        assert first.count("Jan") == 1 and first.count("<!date^") == 1
