"""A real dispatcher process that kills itself with SIGKILL at a chosen point (run by test_outbox_crash.py).

    python -m tests.platform.outbox_crash_worker DATABASE_URL SLACK_API_URL POINT LEASE_SECONDS

POINT: after_claim (rows claimed, nothing sent), after_sending_mark (a row moved to sending, its Slack call not
made), after_slack_call (Slack has the post, the row is not marked sent) or after_upload (the same for a file).
The kill comes on the second row, so one row was sent before it and the rest of the batch is left claimed.
"""

import os
import signal
import sys
from datetime import timedelta

import models  # noqa: F401
from bot.platform import outbox
from bot.platform.db import Database
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client

NOTE_KIND = "crash_note"
FILE_KIND = "crash_file"


def post_note(delivery: outbox.Delivery) -> None:
    delivery.client.chat_postMessage(channel=delivery.payload["channel"], text=f"note {delivery.key}")


def upload_file(delivery: outbox.Delivery) -> None:
    delivery.client.files_upload_v2(channel=delivery.payload["channel"], content=delivery.key.encode(),
                                    filename="agenda.ics", title=f"file {delivery.key}")


SENDERS = {NOTE_KIND: post_note, FILE_KIND: upload_file}


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(point: str) -> None:
    """Wraps one step of the dispatcher so the process dies right after it, on the second row."""
    seen = {"rows": 0}
    dispatcher = outbox.Dispatcher
    if point == "after_claim":
        claim = dispatcher._claim

        def claim_then_die(self, token, now):
            rows = claim(self, token, now)
            if rows and seen["rows"] > 0:
                die()
            seen["rows"] += len(rows)
            return rows

        dispatcher._claim = claim_then_die
    elif point == "after_sending_mark":
        begin = dispatcher._begin_send

        def begin_then_die(self, row, token, channel, now):
            begin(self, row, token, channel, now)
            seen["rows"] += 1
            if seen["rows"] == 2:
                die()

        dispatcher._begin_send = begin_then_die
    elif point in ("after_slack_call", "after_upload"):
        sent = dispatcher._sent

        def die_before_marking_sent(self, row, *args, **kwargs):
            seen["rows"] += 1
            if seen["rows"] == 2:
                die()
            return sent(self, row, *args, **kwargs)

        dispatcher._sent = die_before_marking_sent
    else:
        raise SystemExit(f"unknown point {point}")


def main(database_url: str, api_url: str, point: str, lease_seconds: str) -> None:
    arm(point)
    db = Database(database_url)
    client = build_client(Settings(slack_bot_token="xoxb-test", slack_api_url=api_url, database_url=database_url))
    batch = 1 if point == "after_claim" else 10  # after_claim: one row per claim, so the second claim is the kill
    outbox.Dispatcher(db, client, SENDERS, worker_id="doomed", lease=timedelta(seconds=float(lease_seconds)),
                      max_batch=batch).tick()
    sys.exit(3)  # never reached: the kill comes first


if __name__ == "__main__":
    main(*sys.argv[1:])
