"""The outbox sends each planned message exactly once: across ticks, restarts, rate limits and processes."""

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.platform import outbox
from bot.platform.clock import utcnow
from bot.runtime.slack_client import build_client
from models.platform import OutboxMessage
from tests.conftest import settings_for

KIND = "test_note"


def _post_note(delivery: outbox.Delivery) -> None:
    late = " (sent late)" if delivery.late else ""
    delivery.client.chat_postMessage(channel=delivery.payload["channel"], text=delivery.payload["text"] + late)


SENDERS = {KIND: _post_note}


@pytest.fixture
def client(fake_slack, db):
    return build_client(settings_for(fake_slack, db))


def build_client_like(client):
    """A plain client to the same fake Slack (what a process that has since died had used)."""
    return outbox.dispatch_client(client)


def plan(db, key: str, due_at, channel: str = "C1", **payload) -> bool:
    with db.session() as session:
        return outbox.enqueue(session, team_id="T1", key=key, kind=KIND, due_at=due_at,
                              payload={"channel": channel, "text": f"note {key}", **payload})


def rows(db) -> dict[str, OutboxMessage]:
    with db.session() as session:
        return {row.key: row for row in session.exec(select(OutboxMessage))}


def test_enqueue_is_idempotent_on_the_key(db):
    due = utcnow()
    assert plan(db, "a", due) is True
    assert plan(db, "a", due + timedelta(hours=1)) is False
    assert len(rows(db)) == 1
    assert rows(db)["a"].due_at == due


def test_due_message_is_sent_once_and_future_one_waits(db, client, fake_slack):
    now = utcnow()
    plan(db, "due", now - timedelta(seconds=5))
    plan(db, "later", now + timedelta(minutes=5))
    first = outbox.tick(db, client, SENDERS, now=now)
    second = outbox.tick(db, client, SENDERS, now=now)
    assert (first.sent, second.sent) == (1, 0)
    posts = fake_slack.calls("chat.postMessage")
    assert [call.args["text"] for call in posts] == ["note due"]
    assert rows(db)["due"].status == "sent" and rows(db)["later"].status == "pending"


def test_after_downtime_recent_messages_go_late_and_old_ones_are_skipped(db, client, fake_slack, caplog):
    now = utcnow()
    plan(db, "recent", now - timedelta(minutes=20))
    plan(db, "ancient", now - timedelta(hours=3))
    with caplog.at_level(logging.WARNING, logger="bot.platform.outbox"):
        result = outbox.tick(db, client, SENDERS, now=now, grace=timedelta(hours=1))
    assert (result.sent, result.sent_late, result.skipped) == (1, 1, 1)
    assert [call.args["text"] for call in fake_slack.calls("chat.postMessage")] == ["note recent (sent late)"]
    assert rows(db)["ancient"].status == "skipped"
    assert any("ancient" in message for message in caplog.messages)
    assert outbox.tick(db, client, SENDERS, now=now).sent == 0


def test_cancelled_messages_are_not_sent(db, client, fake_slack):
    now = utcnow()
    plan(db, "conf:1:week_before", now)
    plan(db, "conf:1:day_before", now)
    plan(db, "conf:10:day_before", now)
    with db.session() as session:
        assert outbox.cancel_pending(session, "T1", "conf:1:") == 2
    outbox.tick(db, client, SENDERS, now=now)
    assert [call.args["text"] for call in fake_slack.calls("chat.postMessage")] == ["note conf:10:day_before"]


def test_rate_limit_reschedules_the_row_without_sleeping_on_its_claim(db, client, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=2)
    now = utcnow()
    plan(db, "busy", now)
    plan(db, "also-busy", now)
    started = time.monotonic()
    result = outbox.tick(db, client, SENDERS, now=now)
    assert time.monotonic() - started < 1.5  # no Retry-After sleep inside the tick
    assert (result.sent, result.retried) == (0, 2)
    assert len(fake_slack.calls("chat.postMessage")) == 1  # the channel is paused: the second row waits unsent
    for row in rows(db).values():
        assert row.status == "pending" and row.claimed_by is None and row.sending_at is None
        assert row.next_attempt_at >= now + timedelta(seconds=2)
        assert row.attempts == 0  # a rate limit is not a failed attempt
    assert outbox.tick(db, client, SENDERS, now=now + timedelta(seconds=1)).sent == 0
    assert outbox.tick(db, client, SENDERS, now=now + timedelta(seconds=3)).sent == 2
    assert len(fake_slack.calls("chat.postMessage")) == 3


def test_the_dispatcher_never_lets_slack_sdk_retry_or_sleep(client):
    assert client.retry_handlers  # the request-side client retries...
    assert outbox.dispatch_client(client).retry_handlers == []  # ...the dispatcher's never does


def test_channel_errors_fail_the_message_and_tell_the_owner_once(db, client, fake_slack):
    now = utcnow()
    for key in ("conf:7:week_before", "conf:7:day_before"):
        fake_slack.fail_next("chat.postMessage", error="channel_not_found", where=lambda args: args["channel"] == "CGONE")
        plan(db, key, now, channel="CGONE", owner_user_id="UOWNER", failure_group="series:7:channel")
    outbox.tick(db, client, SENDERS, now=now)
    outbox.tick(db, client, SENDERS, now=now)
    assert {rows(db)[key].status for key in ("conf:7:week_before", "conf:7:day_before")} == {"failed"}
    notices = [call for call in fake_slack.calls("chat.postMessage") if call.args["channel"] == "UOWNER"]
    assert len(notices) == 1
    assert "channel_not_found" in notices[0].args["text"]


def test_passing_errors_are_retried_later_not_lost(db, client, fake_slack):
    now = utcnow()
    fake_slack.fail_next("chat.postMessage", error="internal_error")
    plan(db, "flaky", now)
    assert outbox.tick(db, client, SENDERS, now=now).retried == 1
    assert rows(db)["flaky"].status == "pending"
    assert outbox.tick(db, client, SENDERS, now=now + timedelta(minutes=5)).sent == 1


def test_two_dispatchers_racing_send_each_message_exactly_once(db, client, fake_slack):
    now = utcnow()
    with db.session() as session:
        for number in range(300):
            outbox.enqueue(session, team_id="T1", key=f"race:{number}", kind=KIND, due_at=now,
                           payload={"channel": "C1", "text": f"note {number}"})
    results = []
    start = threading.Barrier(3)

    def run(worker: str) -> None:
        start.wait()
        results.append(outbox.Dispatcher(db, client, SENDERS, worker_id=worker, max_batch=25).tick(now))

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [call.args["text"] for call in fake_slack.calls("chat.postMessage")]
    assert len(texts) == 300 and len(set(texts)) == 300
    assert sum(result.sent for result in results) == 300
    assert {row.status for row in rows(db).values()} == {"sent"}


def test_a_broken_connection_is_retried_later(db, client, fake_slack):
    now = utcnow()
    plan(db, "offline", now, channel="COFFLINE")
    client.base_url = "http://127.0.0.1:9/api/"  # nothing listens there: the connection is refused
    client.retry_handlers.clear()
    assert outbox.tick(db, client, SENDERS, now=now).retried == 1
    assert rows(db)["offline"].status == "pending"
    client.base_url = fake_slack.api_url
    assert outbox.tick(db, client, SENDERS, now=now + timedelta(minutes=5)).sent == 1


def test_every_post_carries_the_rows_key_in_its_metadata(db, client, fake_slack):
    now = utcnow()
    plan(db, "conf:5:day_before", now)
    outbox.tick(db, client, SENDERS, now=now)
    [post] = fake_slack.calls("chat.postMessage")
    assert post.args["metadata"] == {"event_type": "partnerbot_outbox",
                                     "event_payload": {"key": "conf:5:day_before", "team_id": "T1"}}
    row = rows(db)["conf:5:day_before"]
    assert (row.status, row.target) == ("sent", "C1") and row.slack_ts


def _left_by_a_dead_process(db, key: str, status: str, *, sending_at=None, target="C1") -> None:
    with db.session() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        row.status, row.claimed_by, row.claimed_at = status, "dead-host:1#1", utcnow() - timedelta(minutes=1)
        row.lease_until = utcnow() - timedelta(seconds=1)
        row.sending_at, row.target = sending_at, target if sending_at else None


def test_a_claim_that_ran_out_before_sending_is_simply_due_again(db, client, fake_slack):
    plan(db, "claimed-then-died", utcnow() - timedelta(seconds=40))
    _left_by_a_dead_process(db, "claimed-then-died", "claimed")
    result = outbox.tick(db, client, SENDERS)
    assert (result.sent, result.reconciled) == (1, 0)
    assert fake_slack.calls("conversations.history") == []  # nothing could have been posted: no need to look
    assert rows(db)["claimed-then-died"].status == "sent"


def test_a_live_claim_is_left_alone(db, client, fake_slack):
    plan(db, "held", utcnow() - timedelta(seconds=5))
    _left_by_a_dead_process(db, "held", "claimed")
    with db.session() as session:
        session.exec(select(OutboxMessage)).one().lease_until = utcnow() + timedelta(seconds=20)
    assert outbox.tick(db, client, SENDERS).sent == 0
    assert fake_slack.calls("chat.postMessage") == []


def test_a_send_that_reached_slack_before_its_process_died_is_marked_sent_not_posted_again(db, client, fake_slack):
    plan(db, "posted-then-died", utcnow() - timedelta(seconds=40))
    sending_at = utcnow() - timedelta(seconds=35)
    # The dead process's post reached Slack (with its metadata) before it could record it.
    build_client_like(client).chat_postMessage(channel="C1", text="note posted-then-died", metadata={
        "event_type": "partnerbot_outbox", "event_payload": {"key": "posted-then-died", "team_id": "T1"}})
    _left_by_a_dead_process(db, "posted-then-died", "sending", sending_at=sending_at)
    result = outbox.tick(db, client, SENDERS)
    assert (result.sent, result.reconciled) == (0, 1)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    history = fake_slack.calls("conversations.history")[0].args
    assert history["channel"] == "C1" and str(history["include_all_metadata"]).lower() in ("1", "true")
    row = rows(db)["posted-then-died"]
    assert row.status == "sent" and row.slack_ts


def test_a_send_that_never_reached_slack_is_sent_once(db, client, fake_slack):
    plan(db, "died-before-posting", utcnow() - timedelta(seconds=40))
    build_client_like(client).chat_postMessage(channel="C1", text="someone else's message", metadata={
        "event_type": "partnerbot_outbox", "event_payload": {"key": "another-row", "team_id": "T1"}})
    _left_by_a_dead_process(db, "died-before-posting", "sending", sending_at=utcnow() - timedelta(seconds=35))
    result = outbox.tick(db, client, SENDERS)
    assert (result.sent, result.reconciled) == (1, 0)
    texts = [call.args["text"] for call in fake_slack.calls("chat.postMessage")]
    assert texts.count("note died-before-posting") == 1


def test_a_dm_to_a_person_is_looked_for_in_the_bots_dm_with_them(db, client, fake_slack):
    plan(db, "dm", utcnow() - timedelta(seconds=40), channel="UOWNER")
    outbox.tick(db, client, SENDERS)
    _left_by_a_dead_process(db, "dm", "sending", sending_at=utcnow() - timedelta(seconds=40), target="UOWNER")
    assert outbox.tick(db, client, SENDERS).reconciled == 1
    assert fake_slack.calls("conversations.history")[0].args["channel"] == "DOWNER"
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_an_uncertain_server_error_is_checked_before_it_is_retried(db, client, fake_slack):
    now = utcnow()
    fake_slack.fail_next("chat.postMessage", status=500, error="internal_error")
    plan(db, "flaky-500", now)
    assert outbox.tick(db, client, SENDERS, now=now).retried == 1
    row = rows(db)["flaky-500"]
    assert row.status == "pending" and row.sending_at is not None  # it may have been posted
    assert outbox.tick(db, client, SENDERS, now=now + timedelta(seconds=30)).sent == 1
    assert len(fake_slack.calls("conversations.history")) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_a_sender_whose_claim_was_taken_over_posts_nothing(db, client, fake_slack):
    def slow_then_post(delivery: outbox.Delivery) -> None:
        with db.session() as session:  # meanwhile the lease ran out and another process claimed the row
            session.exec(select(OutboxMessage)).one().claimed_by = "other-host:2#7"
        _post_note(delivery)

    plan(db, "taken-over", utcnow())
    outbox.tick(db, client, {KIND: slow_then_post})
    assert fake_slack.calls("chat.postMessage") == []
    assert rows(db)["taken-over"].claimed_by == "other-host:2#7"


def test_a_slow_sender_keeps_its_claim_alive(db, client, fake_slack):
    lease = timedelta(seconds=1)
    rivals = []

    def slow(delivery: outbox.Delivery) -> None:
        time.sleep(1.6)  # longer than the lease: only the heartbeat keeps the row ours
        rivals.append(outbox.Dispatcher(db, client, SENDERS, worker_id="rival", lease=lease).tick())
        _post_note(delivery)

    plan(db, "slow", utcnow())
    outbox.Dispatcher(db, client, {KIND: slow}, worker_id="slow", lease=lease).tick()
    assert rivals[0].sent == 0
    assert len(fake_slack.calls("chat.postMessage")) == 1 and rows(db)["slow"].status == "sent"


def _upload_note(delivery: outbox.Delivery) -> None:
    delivery.client.files_upload_v2(channel=delivery.payload["channel"], content=b"BEGIN:VCALENDAR",
                                    filename="meeting.ics", title="Meeting")


def test_an_upload_gets_a_unique_name_and_is_found_by_it(db, client, fake_slack):
    plan(db, "ics:1", utcnow() - timedelta(seconds=40))
    outbox.tick(db, client, {KIND: _upload_note})
    [named] = fake_slack.calls("files.getUploadURLExternal")
    token = outbox.row_token("T1", "ics:1")
    assert named.args["filename"] == f"meeting-{token}.ics"
    _left_by_a_dead_process(db, "ics:1", "sending", sending_at=utcnow() - timedelta(seconds=40))
    assert outbox.tick(db, client, {KIND: _upload_note}).reconciled == 1
    assert len(fake_slack.calls("files.completeUploadExternal")) == 1


def test_a_row_after_another_waits_for_it_and_is_dropped_if_it_fails(db, client, fake_slack):
    now = utcnow()
    plan(db, "digest:1", now + timedelta(seconds=10))
    plan(db, "chart:1", now, after_key="digest:1")
    plan(db, "digest:2", now, channel="CGONE")
    plan(db, "chart:2", now, after_key="digest:2")
    fake_slack.fail_next("chat.postMessage", error="channel_not_found", where=lambda args: args["channel"] == "CGONE")
    outbox.tick(db, client, SENDERS, now=now)
    assert rows(db)["chart:1"].status == "pending" and rows(db)["chart:2"].status == "skipped"
    outbox.tick(db, client, SENDERS, now=now + timedelta(seconds=11))
    outbox.tick(db, client, SENDERS, now=now + timedelta(seconds=17))
    texts = [call.args["text"] for call in fake_slack.calls("chat.postMessage")]
    assert texts[-2:] == ["note digest:1", "note chart:1"] and "note chart:2" not in texts


def test_claims_are_few_and_fit_in_the_lease(db, client):
    dispatcher = outbox.Dispatcher(db, client, SENDERS, lease=timedelta(seconds=30))
    assert dispatcher.batch_size() <= outbox.MAX_BATCH
    dispatcher._seconds_per_row = 5.0
    assert dispatcher.batch_size() == 3  # 15 s of sending in a 30 s lease


def test_the_status_check_knows_sending_and_refuses_anything_else(db):
    from sqlalchemy.exc import IntegrityError

    plan(db, "checked", utcnow())
    with db.session() as session:
        session.exec(select(OutboxMessage)).one().status = "sending"
    with pytest.raises(IntegrityError), db.session() as session:
        session.exec(select(OutboxMessage)).one().status = "limbo"


def test_a_rate_limit_on_one_channel_does_not_hold_back_another(db, client, fake_slack):
    now = utcnow()
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    plan(db, "a-busy", now, channel="CBUSY")
    plan(db, "b-busy", now, channel="CBUSY")
    plan(db, "c-quiet", now, channel="CQUIET")
    result = outbox.tick(db, client, SENDERS, now=now)
    assert (result.sent, result.retried) == (1, 2)
    assert [call.args["channel"] for call in fake_slack.calls("chat.postMessage")] == ["CBUSY", "CQUIET"]


def test_a_send_that_may_still_be_in_flight_is_not_looked_for_yet(db, client, fake_slack):
    plan(db, "in-flight", utcnow() - timedelta(seconds=20))
    _left_by_a_dead_process(db, "in-flight", "sending", sending_at=utcnow() - timedelta(seconds=5))
    assert outbox.tick(db, client, SENDERS).reconciled == 0  # within SEND_BOUND its call may still land
    assert fake_slack.calls("conversations.history") == [] and fake_slack.calls("chat.postMessage") == []


def test_rows_held_by_a_dead_process_of_this_host_are_due_at_once(db, client, fake_slack):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    plan(db, "orphan", utcnow() - timedelta(seconds=5))
    with db.session() as session:
        row = session.exec(select(OutboxMessage)).one()
        row.status, row.claimed_by = "claimed", f"{socket.gethostname()}:{dead.pid}#1"
        row.claimed_at, row.lease_until = utcnow(), utcnow() + timedelta(seconds=30)
    assert outbox.tick(db, client, SENDERS).sent == 1


def _sending_by(db, key: str, owner: str, *, started: timedelta) -> None:
    with db.session() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        row.status, row.claimed_by, row.target = "sending", owner, "C1"
        row.claimed_at = row.sending_at = utcnow() - started
        row.lease_until = utcnow() + timedelta(seconds=25)


def test_a_dead_process_of_this_host_has_no_send_in_flight_so_its_row_is_looked_for_soon(db, client, fake_slack):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    owner = f"{socket.gethostname()}:{dead.pid}#1"
    plan(db, "killed-while-sending", utcnow() - timedelta(seconds=10))
    _sending_by(db, "killed-while-sending", owner, started=outbox.DEAD_SEND_MARGIN - timedelta(seconds=3))
    assert outbox.tick(db, client, SENDERS).sent == 0  # Slack may still be finishing the request it received
    assert fake_slack.calls("chat.postMessage") == []
    later = utcnow() + timedelta(seconds=4)
    result = outbox.tick(db, client, SENDERS, now=later)
    assert (result.sent, result.reconciled) == (1, 0)  # looked for first, not found, then sent once
    assert len(fake_slack.calls("conversations.history")) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_a_live_process_of_this_host_keeps_its_send_in_flight(db, client, fake_slack):
    plan(db, "still-sending", utcnow() - timedelta(seconds=10))
    _sending_by(db, "still-sending", f"{socket.gethostname()}:{os.getppid()}#1", started=timedelta(seconds=20))
    assert outbox.tick(db, client, SENDERS).sent == 0
    assert fake_slack.calls("conversations.history") == [] and fake_slack.calls("chat.postMessage") == []
