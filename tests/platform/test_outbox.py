"""The outbox sends each planned message exactly once: across ticks, restarts, rate limits and processes."""

import logging
import threading
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


def test_rate_limit_is_retried_after_retry_after_and_lands(db, client, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    plan(db, "busy", utcnow())
    result = outbox.tick(db, client, SENDERS)
    assert result.sent == 1
    attempts = fake_slack.calls("chat.postMessage")
    assert len(attempts) == 2 and attempts[1].at - attempts[0].at >= 0.9


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


def test_a_message_interrupted_mid_send_is_never_sent_twice(db, client, fake_slack, caplog):
    now = utcnow()
    plan(db, "interrupted", now - timedelta(minutes=30))
    with db.session() as session:  # a process claimed it and died before recording the result
        row = session.exec(select(OutboxMessage)).one()
        row.status, row.claimed_at, row.claimed_by = "claimed", now - timedelta(minutes=29), "dead-worker"
    with caplog.at_level(logging.ERROR, logger="bot.platform.outbox"):
        outbox.tick(db, client, SENDERS, now=now)
    assert rows(db)["interrupted"].status == "failed"
    assert fake_slack.calls("chat.postMessage") == []
    assert any("interrupted" in message for message in caplog.messages)


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
        results.append(outbox.Dispatcher(db, client, SENDERS, worker_id=worker, batch_size=25).tick(now))

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
