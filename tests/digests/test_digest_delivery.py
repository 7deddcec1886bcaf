"""/digest over signed HTTP, and scheduled digests through the outbox: on time, late, skipped, exactly once."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from bot.digests import jobs as digests_jobs
from bot.digests import service as digests_service
from bot.digests.commands import (
    Preview,
    Schedule,
    ShowStatus,
    Subscribe,
    Unsubscribe,
    describe_schedule,
    parse_command,
    parse_schedule,
)
from bot.platform import clock
from bot.platform.errors import FeatureError
from bot.runtime import jobs
from bot.runtime.slack_client import build_client
from models.digests import DigestSubscription
from models.directory import Resource
from models.platform import OutboxMessage
from models.search import QuestionLog
from tests.conftest import settings_for
from tests.factories import digest_subscription_row, make_actor, subscribe_to_digest

TZ = "America/New_York"
# Wednesday 11 Nov 2026, noon in New York. The next Monday 9:00 AM there is 16 Nov 14:00 UTC.
WEDNESDAY = datetime(2026, 11, 11, 17, tzinfo=UTC)
MONDAY_9AM = datetime(2026, 11, 16, 14, tzinfo=UTC)


@pytest.fixture
def client(fake_slack, db):
    return build_client(settings_for(fake_slack, db))


def subscribe(db, schedule=Schedule("weekly", 0, time(9, 0)), *, user="UMGR", now=WEDNESDAY, timezone=TZ):
    with db.session() as session:
        return subscribe_to_digest(session, user, schedule=schedule, timezone=timezone, now=now).id


def outbox_rows(db, kind=None) -> list[OutboxMessage]:
    with db.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.exec(query))


def run(db, client, now):
    """One scheduler cycle as a process would run it at `now`: the planner, then outbox ticks until idle."""
    digests_jobs.plan_digests(db, now)
    results = [jobs.tick(db, client, now=now)]
    while results[-1].sent or results[-1].retried:
        results.append(jobs.tick(db, client, now=now))
        if len(results) > 5:
            break
    return results


def sent_digests(fake_slack):
    return [
        call for call in fake_slack.calls("chat.postMessage") if "Partnership digest" in call.text_content()
    ]


# --- Parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Schedule("weekly", 0, time(9, 0))),
        ("daily", Schedule("daily", None, time(9, 0))),
        ("daily at 8am", Schedule("daily", None, time(8, 0))),
        ("weekly on friday at 4:30pm", Schedule("weekly", 4, time(16, 30))),
        ("at 7:15 weekly on Tue", Schedule("weekly", 1, time(7, 15))),
        ("on sundays at noon", Schedule("weekly", 6, time(12, 0))),
        ("every day at 12am", Schedule("daily", None, time(0, 0))),
        ("weekly 16:45", Schedule("weekly", 0, time(16, 45))),
        ("Weekly On Thursday At 9 A.M.", Schedule("weekly", 3, time(9, 0))),
        ("every other friday", Schedule("biweekly", 4, time(9, 0))),
        ("every other Friday at 4pm", Schedule("biweekly", 4, time(16, 0))),
        ("biweekly on tue", Schedule("biweekly", 1, time(9, 0))),
        ("every two weeks at 8am", Schedule("biweekly", 0, time(8, 0))),
        ("fortnightly on thursdays", Schedule("biweekly", 3, time(9, 0))),
        ("every second wednesday", Schedule("biweekly", 2, time(9, 0))),
    ],
)
def test_parse_schedule(text, expected):
    assert parse_schedule(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("monthly", "didn't understand that schedule"),
        ("every other day", "didn't understand that schedule"),
        ("daily on monday", "can't also be on Monday"),
        ("weekly at 13pm", "with am/pm the hour goes from 1 to 12"),
        ("weekly at 25:00", "`25:00` is not a time of day"),
        ("weekly at 9:75", "`9:75` is not a time of day"),
        ("weekly <!channel>", "didn't understand that schedule"),
        ("weekly for John Smith DOB 01/02/1960", "Try `/digest subscribe weekly on monday at 9am`"),
    ],
)
def test_parse_schedule_rejects_with_a_friendly_message(text, message):
    with pytest.raises(FeatureError) as error:
        parse_schedule(text)
    assert message in error.value.message


def test_parse_command():
    assert parse_command("  ") == ShowStatus()
    assert parse_command("PREVIEW") == Preview()
    assert parse_command("stop") == Unsubscribe()
    assert parse_command("subscribe daily") == Subscribe(Schedule("daily", None, time(9, 0)))
    with pytest.raises(FeatureError):
        parse_command("preview tomorrow")
    with pytest.raises(FeatureError):
        parse_command("subscribed")


def test_schedules_are_described_in_the_words_the_parser_reads():
    for text in ("every other friday at 4pm", "daily at 7:15am", "weekly on sunday at noon"):
        schedule = parse_schedule(text)
        words = describe_schedule(schedule.cadence, schedule.weekday, schedule.local_time, TZ)
        assert parse_schedule(words.removesuffix(f" ({TZ})")) == schedule
    assert describe_schedule("biweekly", 4, time(16, 5), TZ) == f"every other Friday at 4:05pm ({TZ})"


def test_deliveries_around_weekly_and_daily():
    weekly = digest_subscription_row(WEDNESDAY)
    assert [d.isoformat() for d in digests_jobs.deliveries_around(weekly, WEDNESDAY)] == [
        "2026-11-09",
        "2026-11-16",
    ]
    assert [d.isoformat() for d in digests_jobs.deliveries_around(weekly, MONDAY_9AM)] == [
        "2026-11-16",
        "2026-11-23",
    ]
    just_before = MONDAY_9AM - timedelta(seconds=1)
    assert [d.isoformat() for d in digests_jobs.deliveries_around(weekly, just_before)] == [
        "2026-11-09",
        "2026-11-16",
    ]
    daily = digest_subscription_row(WEDNESDAY, cadence="daily", at=time(18, 30))
    # 17:00 UTC is noon in New York: today's 6:30 PM is still ahead.
    assert [d.isoformat() for d in digests_jobs.deliveries_around(daily, WEDNESDAY)] == [
        "2026-11-10",
        "2026-11-11",
    ]


# --- /digest over HTTP -------------------------------------------------------------------------------------------


def reply_texts(fake_slack) -> list[str]:
    return [call.args.get("text", "") for call in fake_slack.calls("response_url")]


def test_subscribe_uses_the_slack_time_zone_and_plans_the_next_digest(slack, fake_slack, db):
    fake_slack.users["UMGR"] = {"tz": "America/Los_Angeles"}
    response = slack.command("/digest", "subscribe weekly on friday at 4pm", user="UMGR")
    assert response.status == 200
    assert "every Friday at 4pm (America/Los_Angeles)" in reply_texts(fake_slack)[-1]
    assert fake_slack.calls("response_url")[-1].args.get("response_type") == "ephemeral"
    with db.session() as session:
        subscription = session.exec(select(DigestSubscription)).one()
    assert (subscription.team_id, subscription.user_id, subscription.cadence, subscription.weekday) == (
        "T1",
        "UMGR",
        "weekly",
        4,
    )
    assert (subscription.local_time, subscription.timezone) == (time(16, 0), "America/Los_Angeles")
    planned = outbox_rows(db, "digest")
    assert len(planned) == 1
    local_due = clock.to_local(planned[0].due_at, "America/Los_Angeles")
    assert (local_due.weekday(), local_due.time()) == (4, time(16, 0))
    assert planned[0].payload["user_id"] == "UMGR"

    # Changing the schedule keeps one subscription and re-plans the delivery at the new time.
    slack.command("/digest", "subscribe daily at 7am", user="UMGR")
    assert (
        "Your digest schedule is updated: I'll DM you the partnership digest every day at 7am"
        in (reply_texts(fake_slack)[-1])
    )
    planned = [row for row in outbox_rows(db, "digest") if row.status == "pending"]
    assert len(planned) == 1 and clock.to_local(planned[0].due_at, "America/Los_Angeles").time() == time(
        7, 0
    )

    slack.command("/digest", "", user="UMGR")
    assert "You get the partnership digest every day at 7am" in reply_texts(fake_slack)[-1]


def test_unknown_zone_falls_back_to_the_workspace_default(slack, fake_slack, db):
    fake_slack.users["UMGR"] = {"tz": "Mars/Olympus_Mons"}
    slack.command("/digest", "subscribe", user="UMGR")
    assert "every Monday at 9am (America/New_York)" in reply_texts(fake_slack)[-1]


def test_bad_subscribe_changes_nothing(slack, fake_slack, db):
    slack.command("/digest", "subscribe fortnightly on the moon", user="UMGR")
    assert "I didn't understand" in reply_texts(fake_slack)[-1]
    with db.session() as session:
        assert session.exec(select(DigestSubscription)).all() == []
    assert outbox_rows(db) == []


def test_unsubscribe_cancels_the_planned_digest(slack, fake_slack, db, client):
    slack.command("/digest", "subscribe", user="UMGR")
    slack.command("/digest", "unsubscribe", user="UMGR")
    assert reply_texts(fake_slack)[-1].startswith("Done: no more digests")
    assert [row.status for row in outbox_rows(db, "digest")] == ["cancelled"]
    slack.command("/digest", "unsubscribe", user="UMGR")
    assert reply_texts(fake_slack)[-1] == "You weren't subscribed, so nothing changed."


def test_help_and_unknown_subcommand(slack, fake_slack):
    slack.command("/digest", "help")
    assert "/digest subscribe weekly on friday at 4pm" in reply_texts(fake_slack)[-1]
    slack.command("/digest", "explode")
    assert "I know `/digest subscribe`" in reply_texts(fake_slack)[-1]


def test_preview_dms_the_digest_and_its_chart_now(slack, fake_slack, db):
    with db.session() as session:
        for hours in (1, 2, 30):
            session.add(
                QuestionLog(
                    team_id="T1",
                    asked_at=datetime.now(UTC) - timedelta(hours=hours),
                    need_key="food",
                    category="food",
                    result_count=0,
                )
            )
    slack.command("/digest", "preview", user="UMGR")
    assert fake_slack.calls("conversations.open")[-1].args["users"] == "UMGR"
    message = fake_slack.calls("chat.postMessage")[-1]
    assert message.args["channel"] == "DMGR"
    assert "Preview: the figures up to now." in message.text_content()
    assert "Food: 3 (up 3 from 0)" in message.text_content()
    complete = fake_slack.calls("files.completeUploadExternal")[-1]
    assert complete.args["channel_id"] == "DMGR"
    url_call = fake_slack.calls("files.getUploadURLExternal")[-1]
    assert "In all 3 asked and 3 unmet" in url_call.args["alt_txt"]
    assert url_call.args["filename"] == "needs-per-week.png"
    assert len(fake_slack.calls("upload")) == 1
    assert reply_texts(fake_slack)[-1] == "I sent you a preview of the digest for the last week as a direct message from me."
    assert outbox_rows(db) == []  # a preview is not a scheduled delivery

    # Someone with a daily digest previews a day.
    slack.command("/digest", "subscribe daily", user="UMGR")
    slack.command("/digest", "preview", user="UMGR")
    assert "for the last day" in reply_texts(fake_slack)[-1]
    assert "Food: 2 (up 1 from 1)" in fake_slack.calls("chat.postMessage")[-1].text_content()


# --- Scheduled delivery through the outbox ---------------------------------------------------------------------


def test_weekly_digest_is_sent_once_at_its_time_with_its_chart(db, client, fake_slack):
    subscription_id = subscribe(db)
    run(db, client, WEDNESDAY)
    run(db, client, MONDAY_9AM - timedelta(minutes=1))
    assert sent_digests(fake_slack) == []

    run(db, client, MONDAY_9AM + timedelta(seconds=30))
    [message] = sent_digests(fake_slack)
    assert message.args["channel"] == "DMGR"
    assert "9 Nov 2026 to 15 Nov 2026" in message.text_content()
    assert ":hourglass:" not in message.text_content()
    get_url = fake_slack.calls("files.getUploadURLExternal")
    complete = fake_slack.calls("files.completeUploadExternal")
    assert len(get_url) == len(complete) == len(fake_slack.calls("upload")) == 1
    assert (
        get_url[0]
        .args["alt_txt"]
        .startswith("Needs asked vs needs unmet per week, 8 weeks from 21 Sep to 9 Nov")
    )
    assert complete[0].args["channel_id"] == "DMGR"
    [upload] = fake_slack.calls("upload")
    assert upload.args["content"][:8] == b"\x89PNG\r\n\x1a\n" and upload.args["size"] == int(
        get_url[0].args["length"]
    )
    assert complete[0].args["files"][0]["title"] == "Needs asked vs needs unmet per week"

    keys = {row.key: row.status for row in outbox_rows(db)}
    assert keys[f"digest:{subscription_id}:2026-11-09:weekly"] == "sent"
    assert keys[f"digest-chart:{subscription_id}:2026-11-09:weekly"] == "sent"
    # The next Monday is already planned.
    assert keys[f"digest:{subscription_id}:2026-11-16:weekly"] == "pending"

    # Exactly once: more cycles, in this process and in another one after a restart, send nothing more.
    run(db, client, MONDAY_9AM + timedelta(minutes=1))
    jobs.tick(db, client, now=MONDAY_9AM + timedelta(minutes=2), worker_id="replica-2")
    assert len(sent_digests(fake_slack)) == 1
    assert len(fake_slack.calls("files.completeUploadExternal")) == 1


def test_digest_due_while_offline_is_sent_late_once_after_a_restart(db, client, fake_slack):
    with db.session() as session:
        # Subscribed on Wednesday, then nothing ran until Monday 9:40 AM.
        session.add(digest_subscription_row(WEDNESDAY))
    restart = MONDAY_9AM + timedelta(minutes=40)
    run(db, client, restart)
    [message] = sent_digests(fake_slack)
    assert "This digest was due at 9am on Mon 16 Nov and is late" in message.text_content()
    run(db, client, restart + timedelta(minutes=5))
    assert len(sent_digests(fake_slack)) == 1


def test_digest_missed_beyond_the_grace_window_is_skipped_not_sent(db, client, fake_slack):
    with db.session() as session:
        session.add(digest_subscription_row(WEDNESDAY, cadence="daily"))
    run(db, client, MONDAY_9AM + timedelta(hours=3))
    assert sent_digests(fake_slack) == []
    statuses = {row.key.rsplit(":", 2)[-2]: row.status for row in outbox_rows(db, "digest")}
    assert statuses == {"2026-11-15": "skipped", "2026-11-16": "pending"}


def test_a_new_subscription_does_not_get_the_digest_that_was_due_before_it(db, client, fake_slack):
    subscribe(db, now=MONDAY_9AM + timedelta(minutes=5))
    run(db, client, MONDAY_9AM + timedelta(minutes=6))
    assert sent_digests(fake_slack) == []
    assert [row.due_at for row in outbox_rows(db, "digest")] == [MONDAY_9AM + timedelta(days=7)]


def test_rescheduling_moves_the_planned_digest(db, client, fake_slack):
    subscription_id = subscribe(db)
    run(db, client, WEDNESDAY)
    subscribe(db, Schedule("weekly", 4, time(16, 0)), now=WEDNESDAY + timedelta(hours=1))
    friday_4pm = datetime(2026, 11, 13, 21, tzinfo=UTC)
    run(db, client, friday_4pm - timedelta(minutes=1))
    assert sent_digests(fake_slack) == []
    run(db, client, friday_4pm)
    [message] = sent_digests(fake_slack)
    assert "6 Nov 2026 to 12 Nov 2026" in message.text_content()
    # The Monday delivery planned before the change is gone.
    run(db, client, MONDAY_9AM + timedelta(minutes=1))
    assert len(sent_digests(fake_slack)) == 1
    keys = {row.key for row in outbox_rows(db)}
    assert f"digest:{subscription_id}:2026-11-06:weekly" in keys
    assert f"digest:{subscription_id}:2026-11-09:weekly" not in keys


def test_a_failed_chart_upload_is_retried_without_resending_the_digest(db, client, fake_slack):
    subscribe(db)
    run(db, client, WEDNESDAY)
    fake_slack.fail_next("files.completeUploadExternal", error="internal_error")
    run(db, client, MONDAY_9AM)
    assert len(sent_digests(fake_slack)) == 1
    [chart] = outbox_rows(db, "digest_chart")
    assert (chart.status, chart.last_error) == ("pending", "internal_error")
    run(db, client, chart.next_attempt_at)
    assert len(sent_digests(fake_slack)) == 1
    assert len(fake_slack.calls("files.completeUploadExternal")) == 2
    assert outbox_rows(db, "digest_chart")[0].status == "sent"


def test_subscribing_twice_keeps_one_subscription(db):
    first = subscribe(db)
    with db.session() as session:
        actor = make_actor("UMGR", timezone=TZ)
        done = digests_service.subscribe(
            session, actor, Subscribe(Schedule("weekly", 0, time(9, 0))), now=WEDNESDAY + timedelta(minutes=1)
        )
        assert done.created is False
        subscription = digests_service.get_subscription(session, "T1", "UMGR")
        assert subscription.id == first
        assert subscription.updated_at == WEDNESDAY  # nothing changed, so nothing was re-planned
        assert len(session.exec(select(DigestSubscription)).all()) == 1
    assert len(outbox_rows(db, "digest")) == 1


def test_unsubscribed_before_delivery_sends_nothing(db, client, fake_slack):
    subscribe(db)
    run(db, client, WEDNESDAY)
    with db.session() as session:
        assert digests_service.unsubscribe(session, make_actor("UMGR")).was_subscribed
    run(db, client, MONDAY_9AM)
    assert sent_digests(fake_slack) == []


def test_subscribing_in_slack_leads_to_one_digest_at_the_planned_time(slack, fake_slack, db, client):
    slack.command("/digest", "subscribe daily at 6:45am", user="UMGR")
    [planned] = outbox_rows(db, "digest")
    fake_slack.reset()
    run(db, client, planned.due_at)
    run(db, client, planned.due_at + timedelta(minutes=1))
    [message] = sent_digests(fake_slack)
    assert message.args["channel"] == "DMGR"
    assert len(fake_slack.calls("files.completeUploadExternal")) == 1


# --- Every other week --------------------------------------------------------------------------------------------

FRIDAY_13_9AM = datetime(2026, 11, 13, 14, tzinfo=UTC)  # 9am in New York


def test_every_other_friday_over_slack(slack, fake_slack, db):
    slack.command("/digest", "subscribe every other friday at 4pm", user="UMGR")
    assert "every other Friday at 4pm (America/New_York)" in reply_texts(fake_slack)[-1]
    with db.session() as session:
        subscription = session.exec(select(DigestSubscription)).one()
    assert (subscription.cadence, subscription.weekday, subscription.local_time) == ("biweekly", 4, time(16))
    [planned] = outbox_rows(db, "digest")
    local_due = clock.to_local(planned.due_at, TZ)
    assert (local_due.weekday(), local_due.time()) == (4, time(16, 0))
    assert planned.key.endswith(":biweekly")
    slack.command("/digest", "", user="UMGR")
    assert "You get the partnership digest every other Friday at 4pm" in reply_texts(fake_slack)[-1]


def test_every_other_friday_covers_two_weeks_and_skips_the_friday_between(db, client, fake_slack):
    subscription_id = subscribe(db, Schedule("biweekly", 4, time(9, 0)))  # on Wednesday 11 Nov
    run(db, client, WEDNESDAY)
    run(db, client, FRIDAY_13_9AM)
    [message] = sent_digests(fake_slack)
    assert "30 Oct 2026 to 12 Nov 2026 (America/New_York), compared with the two weeks before" in (
        message.text_content()
    )
    # The Friday in between gets nothing; the one after it does.
    run(db, client, FRIDAY_13_9AM + timedelta(days=7))
    assert len(sent_digests(fake_slack)) == 1
    run(db, client, FRIDAY_13_9AM + timedelta(days=14))
    assert len(sent_digests(fake_slack)) == 2
    keys = {row.key for row in outbox_rows(db, "digest")}
    assert keys == {
        f"digest:{subscription_id}:2026-10-30:biweekly",
        f"digest:{subscription_id}:2026-11-13:biweekly",
        f"digest:{subscription_id}:2026-11-27:biweekly",
    }


def test_subscribing_again_keeps_the_fortnight_rhythm(db):
    subscribe(db, Schedule("biweekly", 4, time(9, 0)))
    subscribe(db, Schedule("biweekly", 4, time(9, 0)), now=FRIDAY_13_9AM + timedelta(days=3))
    with db.session() as session:
        subscription = session.exec(select(DigestSubscription)).one()
    later = FRIDAY_13_9AM + timedelta(days=3)
    assert [d.isoformat() for d in digests_jobs.deliveries_around(subscription, later)] == [
        "2026-11-13",
        "2026-11-27",
    ]


# --- Who may get a digest, and what it says ------------------------------------------------------------------------


def test_a_guest_from_another_organization_gets_no_digest(slack, fake_slack, db):
    fake_slack.users["UGUEST"] = {"team_id": "TPARTNER"}
    for text in ("subscribe", "preview"):
        slack.command("/digest", text, user="UGUEST")
        assert "for its members" in reply_texts(fake_slack)[-1]
    with db.session() as session:
        assert session.exec(select(DigestSubscription)).all() == []
    assert fake_slack.calls("chat.postMessage") == [] and outbox_rows(db) == []


def test_preview_does_not_claim_unverified_resources_were_verified(slack, fake_slack, db):
    """16 resources logged this month, one verified: nothing is overdue, yet 15 were never verified."""
    logged = datetime.now(UTC) - timedelta(days=20)
    with db.session() as session:
        for i in range(16):
            session.add(Resource(team_id="T1", name=f"Pantry {i}", normalized_name=f"pantry {i}", created_at=logged,
                                 updated_at=logged, verified_at=logged if i == 0 else None))
    slack.command("/digest", "preview", user="UMGR")
    digest = fake_slack.calls("chat.postMessage")[-1].text_content()
    assert "Every active resource was verified" not in digest
    assert "15 of the 16 active resources have never been verified" in digest
    assert "<#D" not in reply_texts(fake_slack)[-1]  # a DM has no #name
