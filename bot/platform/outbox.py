"""Exactly-once delivery of scheduled messages (conference reminders, renewals, recaps, digests).

Planners enqueue rows under a unique key; a short tick claims the rows that are due and hands each to the sender
registered for its kind. Claiming is atomic (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: compare-and-set on the
status), so any number of processes can tick against one database and a row is sent at most once.

After downtime, a row that fell due within the grace window is still sent, marked late; an older one is skipped
and logged. A row left "claimed" by a process that died mid-send is never re-sent (we cannot know whether Slack got
it): after the lease it is marked failed and logged, so nothing is lost silently and nothing is sent twice.
"""

import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from bot.platform.clock import utcnow
from bot.platform.db import Database
from models.platform import OutboxMessage

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=2)
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Slack errors that retrying cannot fix: the message is marked failed and the owner is told once.
PERMANENT_SLACK_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "cannot_dm_bot",
    "restricted_action", "channel_is_archived", "invalid_blocks", "msg_too_long", "user_disabled",
})
FAILURE_NOTICE_KIND = "failure_notice"

_table = OutboxMessage.__table__


class PermanentFailure(Exception):
    """Raised by a sender when retrying cannot help. `notify_user` gets `notice` by DM, once per failure group."""

    def __init__(self, reason: str, *, notify_user: str | None = None, notice: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.notify_user = notify_user
        self.notice = notice


@dataclass(frozen=True)
class Delivery:
    client: WebClient
    db: Database
    team_id: str
    key: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    late: bool


Sender = Callable[[Delivery], None]
Senders = Mapping[str, Sender]  # the function that sends each kind of row (the runtime lists them all)


def _insert_if_new(session: Session):
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(_table).on_conflict_do_nothing(index_elements=["team_id", "key"])


def _new_row(team_id: str, key: str, kind: str, due_at: datetime, payload: dict[str, Any] | None,
             created_at: datetime) -> dict[str, Any]:
    return {"team_id": team_id, "key": key, "kind": kind, "payload": payload or {}, "due_at": due_at,
            "status": "pending", "attempts": 0, "sent_late": False, "created_at": created_at}


def enqueue(
    session: Session, *, team_id: str, key: str, kind: str, due_at: datetime, payload: dict[str, Any] | None = None
) -> bool:
    """Plans a message. Idempotent: returns False and changes nothing when (team_id, key) already exists."""
    statement = _insert_if_new(session).values(**_new_row(team_id, key, kind, due_at, payload, utcnow()))
    # RETURNING tells inserted from skipped on both databases (psycopg reports no rowcount here).
    return session.execute(statement.returning(_table.c.id)).first() is not None


def enqueue_many(session: Session, messages: Sequence[dict[str, Any]]) -> None:
    """`enqueue` for many messages in one executemany (dicts with team_id, key, kind, due_at, payload)."""
    if not messages:
        return
    created_at = utcnow()
    session.execute(_insert_if_new(session), [
        _new_row(m["team_id"], m["key"], m["kind"], m["due_at"], m.get("payload"), created_at) for m in messages
    ])


def cancel_pending(session: Session, team_id: str, key_prefix: str) -> int:
    """Cancels planned messages whose key starts with `key_prefix` (e.g. a skipped conference date)."""
    escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    statement = (
        update(_table)
        .where(_table.c.team_id == team_id, _table.c.status == "pending",
               _table.c.key.like(escaped + "%", escape="\\"))
        .values(status="cancelled")
    )
    return session.execute(statement).rowcount


@dataclass
class TickResult:
    sent: int = 0
    sent_late: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    keys_sent: list[str] = field(default_factory=list)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Dispatcher:
    """Claims due rows and sends them. Safe to run in several processes against one database."""

    def __init__(
        self, db: Database, client: WebClient, senders: Senders, *, worker_id: str | None = None,
        grace: timedelta = timedelta(hours=1), batch_size: int = 100,
    ) -> None:
        self.db = db
        self.client = client
        self.senders = {FAILURE_NOTICE_KIND: _send_failure_notice, **senders}
        self.worker_id = worker_id or default_worker_id()
        self.grace = grace
        self.batch_size = batch_size

    def tick(self, now: datetime | None = None) -> TickResult:
        now = now or utcnow()
        result = TickResult()
        self._expire(now, result)
        while True:
            claimed = self._claim(now)
            for row in claimed:
                self._send(row, now, result)
            if len(claimed) < self.batch_size:
                return result

    def _expire(self, now: datetime, result: TickResult) -> None:
        """Skips rows older than the grace window and fails rows whose sender died mid-send."""
        with self.db.session() as session:
            missed = session.execute(
                update(_table)
                .where(_table.c.status == "pending", _table.c.due_at < now - self.grace)
                .values(status="skipped", last_error="missed: due more than the grace window ago")
                .returning(_table.c.key, _table.c.due_at)
            ).all()
            interrupted = session.execute(
                update(_table)
                .where(_table.c.status == "claimed", _table.c.claimed_at < now - CLAIM_LEASE)
                .values(status="failed", last_error="interrupted while sending; not re-sent to avoid a duplicate")
                .returning(_table.c.key)
            ).all()
        for key, due_at in missed:
            log.warning("outbox: skipped %s, due %s, older than the %s grace window", key, due_at, self.grace)
        for (key,) in interrupted:
            log.error("outbox: %s was interrupted while sending and will not be re-sent", key)
        result.skipped += len(missed)
        result.failed += len(interrupted)

    def _claim(self, now: datetime) -> list[Any]:
        due = and_(
            _table.c.status == "pending",
            _table.c.due_at <= now,
            or_(_table.c.next_attempt_at.is_(None), _table.c.next_attempt_at <= now),
        )
        claim_values = {"status": "claimed", "claimed_by": self.worker_id, "claimed_at": now,
                        "attempts": _table.c.attempts + 1}
        with self.db.session() as session:
            if self.db.dialect == "postgresql":
                ids = session.execute(
                    select(_table.c.id).where(due).order_by(_table.c.due_at).limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                ).scalars().all()
                if not ids:
                    return []
                return session.execute(
                    update(_table).where(_table.c.id.in_(ids)).values(**claim_values).returning(*_table.c)
                ).all()
            # SQLite has no row locks: claim each candidate only if it is still pending (compare-and-set).
            candidates = session.execute(
                select(_table.c.id).where(due).order_by(_table.c.due_at).limit(self.batch_size)
            ).scalars().all()
            claimed = []
            for row_id in candidates:
                row = session.execute(
                    update(_table).where(_table.c.id == row_id, _table.c.status == "pending")
                    .values(**claim_values).returning(*_table.c)
                ).first()
                if row is not None:
                    claimed.append(row)
            return claimed

    def _send(self, row: Any, now: datetime, result: TickResult) -> None:
        late = now - row.due_at > LATE_AFTER
        send = self.senders.get(row.kind)
        try:
            if send is None:
                raise PermanentFailure(f"no sender for kind {row.kind!r}")
            send(Delivery(self.client, self.db, row.team_id, row.key, row.kind, dict(row.payload), row.due_at, late))
        except SlackApiError as error:
            code = str(error.response.get("error") or error.response.status_code)
            if code in PERMANENT_SLACK_ERRORS:
                self._fail(row, code, now, result, PermanentFailure(code))
            else:
                self._retry_later(row, code, now, result, error)
        except PermanentFailure as failure:
            self._fail(row, failure.reason, now, result, failure)
        except (OSError, SlackClientError) as error:  # the network or an upload broke: try again later
            self._retry_later(row, type(error).__name__, now, result, None)
        except Exception as error:  # a bug in a sender: record it, never crash the tick
            log.exception("outbox: sender for %s raised %s", row.kind, type(error).__name__)
            self._fail(row, f"error: {type(error).__name__}", now, result, PermanentFailure(type(error).__name__))
        else:
            self._set(row.id, status="sent", sent_at=now, sent_late=late, last_error=None)
            result.sent += 1
            result.sent_late += int(late)
            result.keys_sent.append(row.key)
            if late:
                log.info("outbox: sent %s late (due %s)", row.key, row.due_at)

    def _retry_later(self, row: Any, code: str, now: datetime, result: TickResult,
                     error: SlackApiError | None) -> None:
        if row.attempts >= MAX_ATTEMPTS:
            self._fail(row, code, now, result, PermanentFailure(code))
            return
        headers = error.response.headers if error is not None else {}
        retry_after = headers.get("Retry-After") or headers.get("retry-after")
        wait = timedelta(seconds=int(retry_after)) if str(retry_after or "").isdigit() else timedelta(
            seconds=30 * 2 ** (row.attempts - 1))
        self._set(row.id, status="pending", next_attempt_at=now + wait, last_error=code[:200])
        result.retried += 1
        log.warning("outbox: %s got %s from Slack; retrying in %ss", row.key, code, int(wait.total_seconds()))

    def _fail(self, row: Any, reason: str, now: datetime, result: TickResult, failure: PermanentFailure) -> None:
        self._set(row.id, status="failed", last_error=reason[:200])
        result.failed += 1
        log.error("outbox: %s failed: %s", row.key, reason)
        owner = failure.notify_user or row.payload.get("owner_user_id")
        if owner and row.kind != FAILURE_NOTICE_KIND:
            group = row.payload.get("failure_group") or row.key
            notice = failure.notice or row.payload.get("failure_notice") or _default_notice(row.payload, reason)
            with self.db.session() as session:
                enqueue(session, team_id=row.team_id, key=f"notice:{group}", kind=FAILURE_NOTICE_KIND,
                        due_at=now, payload={"user_id": owner, "text": notice})

    def _set(self, row_id: int, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(update(_table).where(_table.c.id == row_id).values(**values))


def _default_notice(payload: dict[str, Any], reason: str) -> str:
    what = payload.get("description") or "a scheduled message"
    channel = payload.get("channel")
    where = f" in <#{channel}>" if channel else ""
    hint = " Invite me to the channel with `/invite @partnerbot`." if reason == "not_in_channel" else ""
    return f":warning: I couldn't post {what}{where} (Slack said `{reason}`).{hint}"


def _send_failure_notice(delivery: Delivery) -> None:
    delivery.client.chat_postMessage(channel=delivery.payload["user_id"], text=delivery.payload["text"])


def tick(db: Database, client: WebClient, senders: Senders, *, now: datetime | None = None,
         grace: timedelta = timedelta(hours=1), worker_id: str | None = None) -> TickResult:
    """One pass of the dispatcher (what the scheduler runs every few seconds)."""
    return Dispatcher(db, client, senders, worker_id=worker_id, grace=grace).tick(now)
