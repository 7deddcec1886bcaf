"""Case conferences over real HTTP against the fake Slack, on SQLite and PostgreSQL: scheduling by text and by
form, skip/move/cancel, facilitators, agenda, RSVPs, the calendar file, and reminders that are sent exactly once."""

import json
import logging
from datetime import timedelta

from icalendar import Calendar
from sqlmodel import select

from bot.conferences import views
from bot.conferences.ics import series_uid
from bot.platform import dates
from bot.platform.clock import utcnow
from bot.runtime import jobs
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from models.platform import OutboxMessage
from tests.factories import conference_form_values

CHANNEL = "<#C0CASES|case-conf>"


def all_rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def outbox_rows(db):
    return {row.key: row for row in all_rows(db, OutboxMessage)}


def last_reply(fake_slack):
    return fake_slack.calls("response_url")[-1].args


def create(slack, text, user="U1"):
    slack.command("/conference", f"{CHANNEL} {text}", user=user)
    series = all_rows(slack.db, ConferenceSeries)
    return series[-1] if series else None


def tick(slack, at, **kw):
    return jobs.tick(slack.db, slack.client, now=at, **kw)


def posts_to(fake_slack, channel):
    return [c for c in fake_slack.calls("chat.postMessage") if c.args.get("channel") == channel]


# --- scheduling ---------------------------------------------------------------------------------------------------


def test_text_creates_series_restates_it_and_plans_reminders(slack, fake_slack):
    series = create(slack, '"Monthly case conference" every first Tuesday at 10am in America/Chicago')
    assert series.rrule == "FREQ=MONTHLY;BYDAY=1TU" and series.timezone == "America/Chicago"
    assert series.channel_id == "C0CASES" and series.owner_user_id == "U1"
    reply = last_reply(fake_slack)
    assert reply["response_type"] == "ephemeral"
    assert "every first Tuesday at 10am (America/Chicago)" in reply["text"]
    body = json.dumps(reply["blocks"])
    assert body.count("at 10am") >= 3  # the next three dates
    assert views.UNDO in body
    occurrences = all_rows(slack.db, ConferenceOccurrence)
    assert 1 <= len(occurrences) <= 2  # the next five weeks hold one or two first Tuesdays
    assert all(
        o.start_local.weekday() == 1 and o.start_local.day <= 7 and o.start_local.hour == 10
        for o in occurrences
    )
    keys = set(outbox_rows(slack.db))
    first = min(occurrences, key=lambda o: o.start_utc)
    assert {f"conf:{first.id}:starting", f"conf:{first.id}:followup"} <= keys
    due = {
        row.kind: row.due_at
        for row in outbox_rows(slack.db).values()
        if row.key.startswith(f"conf:{first.id}:")
    }
    assert due["conference.starting"] == first.start_utc


def test_zone_defaults_to_the_users_slack_zone(slack, fake_slack):
    fake_slack.users["U1"] = {"tz": "Europe/Berlin"}
    series = create(slack, '"Huddle" every other Thursday at 3pm')
    assert series.timezone == "Europe/Berlin"
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert any(c.args.get("user") == "U1" for c in fake_slack.calls("users.info"))


def test_what_cannot_be_parsed_gets_examples_and_saves_nothing(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Review" every blue moon')
    reply = last_reply(fake_slack)["text"]
    assert "how often it repeats" in reply and "every first Tuesday at 10am" in reply
    assert all_rows(slack.db, ConferenceSeries) == [] and outbox_rows(slack.db) == {}


def test_title_is_redacted_and_the_user_is_told(slack, fake_slack):
    series = create(slack, '"Case review for patient John Smith" tomorrow at 9am')
    assert "Smith" not in series.title
    reply = json.dumps(last_reply(fake_slack))
    assert "Removed for privacy: 1 name" in reply and "Smith" not in reply


def test_undo_cancels_the_series_and_its_reminders(slack, fake_slack):
    series = create(slack, '"Huddle" every Tuesday at 10am')
    slack.click(views.UNDO, str(series.id))
    assert all_rows(slack.db, ConferenceSeries)[0].cancelled_at is not None
    assert {row.status for row in outbox_rows(slack.db).values()} == {"cancelled"}
    assert "Undone" in last_reply(fake_slack)["text"]
    # Someone else cannot undo another person's conference.
    other = create(slack, '"Other" every Wednesday at 10am')
    slack.click(views.UNDO, str(other.id), user="U2")
    assert all_rows(slack.db, ConferenceSeries)[-1].cancelled_at is None


def test_list_shows_numbers_and_next_dates(slack, fake_slack):
    create(slack, '"Monthly case conference" every first Tuesday at 10am')
    create(slack, '"Housing review" on Dec 3 at 2pm')
    slack.command("/conference", "list")
    text = last_reply(fake_slack)["text"]
    assert "Monthly case conference" in text and "Housing review" in text
    assert "every first Tuesday at 10am" in text


def test_help(slack, fake_slack):
    slack.command("/conference", "help")
    assert "/conference skip" in last_reply(fake_slack)["text"]


# --- reminders: exactly once -------------------------------------------------------------------------------------------


def test_reminder_due_in_seconds_is_posted_once(slack, fake_slack):
    series = create(slack, '"Quick sync" in 1 minute')
    starting = next(r for r in outbox_rows(slack.db).values() if r.kind == "conference.starting")
    assert starting.due_at - utcnow() < timedelta(seconds=61)
    fake_slack.reset()
    assert tick(slack, starting.due_at - timedelta(seconds=1)).sent == 0
    first = tick(slack, starting.due_at + timedelta(seconds=3))
    second = tick(slack, starting.due_at + timedelta(seconds=8))
    assert (first.sent, second.sent) == (1, 0)
    posts = posts_to(fake_slack, series.channel_id)
    assert len(posts) == 1 and "starting now" in posts[0].args["text"]
    assert "Sent late" not in json.dumps(posts[0].args)


def test_restart_mid_window_sends_late_once_and_skips_old_ones(slack, fake_slack, caplog):
    create(slack, '"Recent" in 10 minutes')
    create(slack, '"Ancient" in 10 minutes')
    rows = outbox_rows(slack.db)
    recent = next(r for r in rows.values() if r.kind == "conference.starting" and r.payload["series_id"] == 1)
    ancient = next(
        r for r in rows.values() if r.kind == "conference.starting" and r.payload["series_id"] == 2
    )
    # The bot was down: the "Ancient" reminder's due time slips far into the past while "Recent" is 20 min late.
    with slack.db.session() as session:
        row = session.get(OutboxMessage, ancient.id)
        row.due_at = recent.due_at - timedelta(hours=3)
        session.add(row)
    fake_slack.reset()
    back_up = recent.due_at + timedelta(minutes=20)
    with caplog.at_level(logging.WARNING, logger="bot.platform.outbox"):
        result = tick(slack, back_up, grace=timedelta(hours=1))
    assert result.sent_late == 1 and result.skipped >= 1
    posts = posts_to(fake_slack, "C0CASES")
    assert len(posts) == 1 and "Recent" in posts[0].args["text"]
    assert views.LATE_NOTE in json.dumps(posts[0].args["blocks"])
    assert outbox_rows(slack.db)[ancient.key].status == "skipped"
    assert any(ancient.key in message for message in caplog.messages)
    assert tick(slack, back_up + timedelta(seconds=10)).sent == 0
    assert len(posts_to(fake_slack, "C0CASES")) == 1


def test_rate_limited_post_is_retried_and_sent_once(slack, fake_slack):
    create(slack, '"Quick sync" in 1 minute')
    starting = next(r for r in outbox_rows(slack.db).values() if r.kind == "conference.starting")
    fake_slack.reset()
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    assert tick(slack, starting.due_at + timedelta(seconds=1)).retried == 1
    # The outbox rescheduled the row at Retry-After instead of sleeping: one 429, then one success.
    result = tick(slack, starting.due_at + timedelta(seconds=3))
    calls = fake_slack.calls("chat.postMessage")
    assert len(calls) == 2 and calls[0].args == calls[1].args
    assert result.sent == 1 and outbox_rows(slack.db)[starting.key].status == "sent"
    assert tick(slack, starting.due_at + timedelta(seconds=5)).sent == 0


def test_channel_errors_fail_the_reminders_and_dm_the_owner_once(slack, fake_slack):
    create(slack, '"Quick sync" in 1 minute', user="UOWNER")
    rows = [
        r for r in outbox_rows(slack.db).values() if r.kind in ("conference.starting", "conference.followup")
    ]
    fake_slack.reset()
    in_the_channel = lambda args: args.get("channel") == "C0CASES"  # noqa: E731
    fake_slack.fail_next("chat.postMessage", error="channel_not_found", where=in_the_channel)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel", where=in_the_channel)
    for row in sorted(rows, key=lambda r: r.due_at):
        tick(slack, row.due_at + timedelta(seconds=1))
        tick(slack, row.due_at + timedelta(seconds=2))
    statuses = {key: row.status for key, row in outbox_rows(slack.db).items()}
    assert all(statuses[r.key] == "failed" for r in rows)
    dms = posts_to(fake_slack, "UOWNER")
    assert len(dms) == 1
    assert "Quick sync" in dms[0].args["text"] and "/invite @partnerbot" in dms[0].args["text"]
    # One attempt per reminder, both refused by Slack, neither retried.
    assert len(posts_to(fake_slack, "C0CASES")) == 2


def test_agenda_call_and_day_before_reminders_carry_buttons_agenda_and_rsvps(slack, fake_slack):
    # A weekday three days out: the day-before reminder is still ahead, whatever day the test runs.
    weekday = dates.WEEKDAY_NAMES[(utcnow().weekday() + 3) % 7]
    series = create(slack, f'"Case conference" every {weekday} at 10am in UTC')
    slack.command("/conference", f"facilitators {series.id} <@UA|ann> <@UB|bo>")
    slack.command("/conference", f"agenda {series.id} add Housing barriers after respite discharge")
    first = min(all_rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)
    rows = outbox_rows(slack.db)
    fake_slack.reset()
    agenda_call = rows.get(f"conf:{first.id}:agenda_call")
    day_before = rows[f"conf:{first.id}:day_before"]
    if agenda_call is not None and agenda_call.status == "pending":
        tick(slack, agenda_call.due_at)
        call = posts_to(fake_slack, series.channel_id)[-1]
        assert views.ADD_CASE in json.dumps(call.args["blocks"])
    tick(slack, day_before.due_at)
    post = posts_to(fake_slack, series.channel_id)[-1]
    blocks = json.dumps(post.args["blocks"])
    assert "Housing barriers after respite discharge" in blocks
    assert "<@UA>" in blocks and views.RSVP_GOING in blocks and views.SWAP in blocks
    message = {"ts": "1700000000.000100", "blocks": post.args["blocks"]}
    slack.click(views.RSVP_GOING, str(first.id), user="U7", channel=series.channel_id, message=message)
    slack.click(views.RSVP_NOT_GOING, str(first.id), user="U8", channel=series.channel_id, message=message)
    slack.click(views.RSVP_GOING, str(first.id), user="U8", channel=series.channel_id, message=message)
    answers = {r.user_id: r.response for r in all_rows(slack.db, Rsvp)}
    assert answers == {"U7": "going", "U8": "going"}
    update = fake_slack.calls("chat.update")[-1].args
    assert update["ts"] == "1700000000.000100"
    assert "Going (2)" in json.dumps(update["blocks"]) and "Can't make it (0)" in json.dumps(update["blocks"])


# --- changing meetings ----------------------------------------------------------------------------------------------------


def test_skip_cancels_that_meetings_reminders_and_the_list_leaves_it_out(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    occurrences = sorted(all_rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)
    first, second = occurrences[0], occurrences[1]
    date_words = f"{dates.MONTH_ABBREVIATIONS[first.start_local.month - 1]} {first.start_local.day}"
    slack.command("/conference", f"skip {series.id} {date_words}")
    assert "Skipped" in last_reply(fake_slack)["text"]
    rows = outbox_rows(slack.db)
    assert {r.status for k, r in rows.items() if k.startswith(f"conf:{first.id}:")} <= {"cancelled"}
    assert {r.status for k, r in rows.items() if k.startswith(f"conf:{second.id}:")} == {"pending"}
    by_id = {o.id: o for o in all_rows(slack.db, ConferenceOccurrence)}
    assert by_id[first.id].status == "skipped"
    fake_slack.reset()
    tick(slack, first.start_utc + timedelta(seconds=1))
    assert not any("starting now" in c.args["text"] for c in posts_to(fake_slack, series.channel_id))
    assert {r.status for k, r in outbox_rows(slack.db).items() if k.startswith(f"conf:{first.id}:")} <= {
        "cancelled"
    }


def test_move_replans_reminders_at_the_new_time(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    first = min(all_rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)
    slack.command("/conference", f"move {series.id} next to 2pm")
    assert "Moved" in last_reply(fake_slack)["text"]
    moved = next(o for o in all_rows(slack.db, ConferenceOccurrence) if o.id == first.id)
    assert moved.start_local == first.start_local.replace(hour=14) and moved.revision == 1
    rows = outbox_rows(slack.db)
    assert rows[f"conf:{first.id}:starting"].status == "cancelled"
    new_row = rows[f"conf:{first.id}:starting:r1"]
    assert new_row.status == "pending" and new_row.due_at == moved.start_utc
    fake_slack.reset()

    def starting_posts():
        return [c for c in posts_to(fake_slack, series.channel_id) if "starting now" in c.args["text"]]

    tick(slack, first.start_utc + timedelta(seconds=1))
    assert starting_posts() == []
    tick(slack, moved.start_utc + timedelta(seconds=1))
    assert len(starting_posts()) == 1
    slack.command("/conference", "list")
    assert "2pm (moved)" in last_reply(fake_slack)["text"]


def test_only_the_owner_changes_a_series_and_cancel_stops_everything(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    slack.command("/conference", f"cancel {series.id}", user="U2")
    assert "Only <@U1>" in last_reply(fake_slack)["text"]
    slack.command("/conference", f"cancel {series.id}", user="UADMIN")
    assert "Cancelled" in last_reply(fake_slack)["text"]
    assert {r.status for r in outbox_rows(slack.db).values()} == {"cancelled"}
    slack.command("/conference", f"skip {series.id} next")
    assert "couldn't find conference" in last_reply(fake_slack)["text"]


def test_unknown_meeting_date_is_explained(slack, fake_slack):
    series = create(slack, '"Monthly" every first Tuesday at 10am')
    slack.command("/conference", f"skip {series.id} 2030-01-09")
    assert "doesn't meet on" in last_reply(fake_slack)["text"]


def test_facilitators_rotate_and_swap(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    slack.command("/conference", f"facilitators {series.id} <@UA|ann> <@UB|bo> <@UC|cy>")
    reply = last_reply(fake_slack)["text"]
    assert "<@UA> → <@UB> → <@UC>" in reply
    occurrences = sorted(all_rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)
    assert [o.facilitator_user_id for o in occurrences[:4]] == ["UA", "UB", "UC", "UA"]
    slack.click(views.SWAP, str(occurrences[0].id), user="UA", channel=series.channel_id)
    swapped = {o.id: o.facilitator_user_id for o in all_rows(slack.db, ConferenceOccurrence)}
    assert (swapped[occurrences[0].id], swapped[occurrences[1].id]) == ("UB", "UA")
    assert "swapped" in last_reply(fake_slack)["text"]
    slack.click(views.SWAP, str(occurrences[0].id), user="UZ", channel=series.channel_id)
    assert "Only the facilitators" in last_reply(fake_slack)["text"]


def test_agenda_items_are_redacted_and_the_user_is_told(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    slack.command(
        "/conference", f"agenda {series.id} add Patient Maria Lopez DOB 03/14/1961 needs a shelter bed"
    )
    items = all_rows(slack.db, AgendaItem)
    assert len(items) == 1
    assert "Lopez" not in items[0].text and "1961" not in items[0].text and "shelter bed" in items[0].text
    reply = last_reply(fake_slack)["text"]
    assert "Removed for privacy" in reply and "Lopez" not in reply
    slack.command("/conference", f"agenda {series.id}")
    assert "shelter bed" in last_reply(fake_slack)["text"]


def test_add_a_case_button_opens_a_form_that_adds_to_that_meeting(slack, fake_slack):
    series = create(slack, '"Weekly huddle" every Tuesday at 10am')
    first = min(all_rows(slack.db, ConferenceOccurrence), key=lambda o: o.start_utc)
    slack.click(views.ADD_CASE, str(first.id), channel=series.channel_id)
    view = fake_slack.calls("views.open")[-1].args["view"]
    assert view["callback_id"] == views.ADD_CASE_CALLBACK
    slack.submit(
        views.ADD_CASE_CALLBACK,
        {"case": {"value": "Client (Mr. Jones) lost SNAP benefits"}},
        private_metadata=view["private_metadata"],
    )
    item = all_rows(slack.db, AgendaItem)[0]
    assert item.occurrence_id == first.id and "Jones" not in item.text
    note = fake_slack.calls("chat.postEphemeral")[-1].args
    assert note["user"] == "U1" and "Removed for privacy" in note["text"]
    response = slack.submit(
        views.ADD_CASE_CALLBACK, {"case": {"value": ""}}, private_metadata=view["private_metadata"]
    )
    assert response.json()["response_action"] == "errors"


def test_ics_is_uploaded_through_the_external_upload_flow(slack, fake_slack):
    series = create(slack, '"Monthly case conference" every first Tuesday at 10am')
    slack.command("/conference", f"skip {series.id} next")
    fake_slack.reset()
    slack.command("/conference", f"ics {series.id}")
    get_url = fake_slack.calls("files.getUploadURLExternal")
    uploads = fake_slack.calls("upload")
    complete = fake_slack.calls("files.completeUploadExternal")
    assert len(get_url) == len(uploads) == len(complete) == 1
    assert get_url[0].args["filename"].endswith(".ics")
    assert complete[0].args["channel_id"].startswith("D")
    content = uploads[0].args["content"]
    assert b"BEGIN:VCALENDAR" in content
    calendar = Calendar.from_ical(content)
    event = calendar.walk("VEVENT")[0]
    assert event["UID"] == series_uid("T1", series.id)
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TU"
    assert len(event["EXDATE"].dts) == 1
    assert "calendar file" in last_reply(fake_slack)["text"]


# --- the form -----------------------------------------------------------------------------------------------------------


def test_command_without_text_and_the_home_button_open_the_form(slack, fake_slack):
    slack.command("/conference", "")
    slack.click(views.OPEN_MODAL, "")
    opened = fake_slack.calls("views.open")
    assert len(opened) == 2 and all(c.args["view"]["callback_id"] == views.CREATE_CALLBACK for c in opened)
    blocks = {b["block_id"] for b in opened[0].args["view"]["blocks"]}
    assert {
        "title",
        "channel",
        "start_date",
        "start_time",
        "repeat",
        "interval",
        "week_of_month",
        "weekday",
        "timezone",
        "video_link",
        "facilitators",
        "agenda_call_days",
        "reminder_hours",
    } <= blocks


def test_form_submission_creates_the_series(slack, fake_slack):
    response = slack.submit(views.CREATE_CALLBACK, conference_form_values())
    assert response.status == 200 and not response.body
    series = all_rows(slack.db, ConferenceSeries)[0]
    assert series.rrule == "FREQ=MONTHLY;BYDAY=-1FR" and series.timezone == "America/Chicago"
    assert series.start_local.weekday() == 4 and series.facilitator_user_ids == ["UA", "UB"]
    assert (series.agenda_call_minutes, series.day_before_minutes) == (5 * 1440, 120)
    assert series.video_link == "https://meet.example.org/case-conf"
    dm = posts_to(fake_slack, "U1")[-1]
    assert "every last Friday at 10am" in dm.args["text"]


def test_form_errors_are_shown_per_field_and_nothing_is_saved(slack, fake_slack):
    past = (utcnow() - timedelta(days=3)).date().isoformat()
    response = slack.submit(views.CREATE_CALLBACK, conference_form_values(
        timezone={"value": "Mars/Base"}, title={"value": ""},
        start_date={"value": {"type": "datepicker", "selected_date": past}},
        repeat={"value": {"type": "static_select", "selected_option": {"value": "none"}}},
    ))  # fmt: skip
    errors = response.json()["errors"]
    assert {"timezone", "title"} <= set(errors)
    response = slack.submit(views.CREATE_CALLBACK, conference_form_values(
        start_date={"value": {"type": "datepicker", "selected_date": past}},
        repeat={"value": {"type": "static_select", "selected_option": {"value": "none"}}},
    ))  # fmt: skip
    assert "start_date" in response.json()["errors"]
    assert all_rows(slack.db, ConferenceSeries) == []


def test_early_morning_start_gets_a_warning(slack, fake_slack):
    create(slack, '"Night shift huddle" every Tuesday at 3am')
    assert "middle of the night" in json.dumps(last_reply(fake_slack)["blocks"])


def test_without_a_channel_in_a_dm_the_user_is_asked_for_one(slack, fake_slack):
    slack.command("/conference", '"Quick sync" tomorrow at 9am', channel="D0USER")
    assert "Which channel" in last_reply(fake_slack)["text"]
    assert all_rows(slack.db, ConferenceSeries) == []
    # Typed in a channel, the channel itself is used.
    slack.command("/conference", '"Quick sync" tomorrow at 9am', channel="C0HERE")
    assert all_rows(slack.db, ConferenceSeries)[0].channel_id == "C0HERE"


def test_when_slack_cannot_tell_the_users_zone_the_default_is_used(slack, fake_slack):
    fake_slack.fail_next("users.info", error="user_not_found")
    series = create(slack, '"Huddle" every Tuesday at 10am')
    assert series.timezone == slack.app_settings.default_timezone


def test_typed_text_never_reaches_the_logs(slack, fake_slack, caplog):
    with caplog.at_level(logging.DEBUG):
        series = create(slack, '"Review for patient Ada Quimby" every Tuesday at 10am')
        slack.command(
            "/conference", f"agenda {series.id} add Patient Ada Quimby MRN 4482913 needs dialysis rides"
        )
        slack.command("/conference", f'{CHANNEL} "Quimby" every blue moon')
    assert "Quimby" not in caplog.text and "4482913" not in caplog.text
    assert "Quimby" not in json.dumps([c.args for c in fake_slack.calls("response_url")][:2])
