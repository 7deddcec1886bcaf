"""Exactly-once delivery of scheduled messages (conference reminders, renewals, recaps, digests).

Planners enqueue rows under a unique key; a short tick claims a few due rows and hands each to the sender listed
for its kind. A row moves pending -> claimed -> sending -> sent, or ends failed | skipped | cancelled.

The guarantee: every row that falls due (and is not cancelled, or older than the grace window) is posted to Slack
exactly once, whichever process dies at whichever moment, in one process on SQLite or in any number of replicas on
PostgreSQL. It rests on two assumptions: a send (one post, or an upload's three calls) ends, one way or the other,
within SEND_BOUND after it started (each call times out after 10 s), and the replicas' clocks agree within seconds.

Proof sketch.
1. One holder. A claim is one atomic compare-and-set (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a single UPDATE
   under BEGIN IMMEDIATE) from "due" to `claimed` with a fresh token and a 30 s `lease_until`. A row is due when it
   is pending and its time has come, when it is claimed and its lease ran out, or when it is sending, its lease ran
   out and its send started more than SEND_BOUND ago. A live holder renews its leases from a heartbeat thread, so
   only a dead holder's lease runs out. A process that finds a dead process of its own host releases that
   process's rows at once: a dead process has no call in flight, so its last send is looked for in Slack
   DEAD_SEND_MARGIN after it started rather than SEND_BOUND.
2. One Slack call at a time. The sender's post goes through `OutboxClient`, which first moves the row claimed ->
   sending, only if it is still claimed under this holder's token, stamping `sending_at` and the channel. If the
   claim was lost, nothing is sent. So a send for a row is made only by its current holder, once per claim.
3. Nothing doubled. `sending_at` stays set unless Slack answered that it posted nothing (ok=false, a 429), so a row
   that may have been posted always carries it. Whoever holds such a row next reconciles before sending: it reads
   the channel's history since `sending_at` (`conversations.history` with message metadata) and looks for the
   row's key, which every outbox post carries in its metadata (event type `partnerbot_outbox`), or for a file whose
   name carries the row's token (uploads get a unique name). By then the earlier send has ended (assumption 1):
   found means posted, so the row is marked sent without posting; not found means not posted, so it is sent.
4. Nothing lost. Every non-final row is either held under a live lease or becomes due: a dead holder's rows fall due
   when the lease runs out, errors reschedule the row (a 429 at Retry-After, other passing errors with backoff),
   and a row only ends `failed` after MAX_ATTEMPTS or on an error retrying cannot fix, which is logged and told to
   the row's owner by DM: never silently.
Retry-After is honoured by rescheduling the row and pausing the workspace, never by sleeping while holding claims;
the dispatcher's Web API client has no retry handlers (a blind retry of a post could double it).

After downtime, a row that fell due within the grace window is still sent, marked late; an older one is skipped
and logged. A row may name another row's key in its payload as `after_key`: it is sent only once that row is sent
(the digest's chart waits for the digest) and skipped if that row ends without being sent.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from bot.platform.clock import utcnow
from bot.platform.db import Database
from bot.platform.outbox_slack import (
    METADATA_EVENT_TYPE,
    SLACK_TIMEOUT_SECONDS,
    OneSendPerRow,
    OutboxClient,
    dispatch_client,
    find_posted,
    row_token,
    unique_filename,
)
from models.platform import OutboxMessage

__all__ = [
    "METADATA_EVENT_TYPE", "ClaimLost", "Delivery", "Dispatcher", "OneSendPerRow", "OutboxClient",
    "PermanentFailure", "Sender", "Senders", "TickResult", "cancel_pending", "dispatch_client", "enqueue",
    "enqueue_many", "find_posted", "row_token", "tick", "unique_filename",
]

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=2)
LEASE = timedelta(seconds=30)
# The longest a send can still be in flight: an upload is three calls of at most SLACK_TIMEOUT_SECONDS each, plus
# a margin. A row left `sending` is only looked for in Slack once its send started longer ago than this.
SEND_BOUND = timedelta(seconds=3 * SLACK_TIMEOUT_SECONDS + 5)
# A process that no longer exists has no call in flight: its connection closed when it died. Slack may still be
# finishing a request it had received, so such a process's last send is looked for after this margin instead.
DEAD_SEND_MARGIN = timedelta(seconds=5)
MAX_BATCH = 10
MAX_ATTEMPTS = 5
WAIT_FOR_PREDECESSOR = timedelta(seconds=5)
# Slack errors that retrying cannot fix: the message is marked failed and the owner is told once.
PERMANENT_SLACK_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "cannot_dm_bot",
    "restricted_action", "channel_is_archived", "invalid_blocks", "msg_too_long", "user_disabled",
    "missing_scope", "not_authed", "invalid_auth", "account_inactive", "token_revoked",
})
FAILURE_NOTICE_KIND = "failure_notice"
FINAL_STATUSES = ("sent", "failed", "skipped", "cancelled")

_table = OutboxMessage.__table__


class PermanentFailure(Exception):
    """Raised by a sender when retrying cannot help. `notify_user` gets `notice` by DM, once per failure group."""

    def __init__(self, reason: str, *, notify_user: str | None = None, notice: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.notify_user = notify_user
        self.notice = notice


class ClaimLost(Exception):
    """The row is no longer claimed by this process (its lease ran out and another process took it)."""


class ChannelPaused(Exception):
    """Slack rate-limited posts to this channel; the row waits until `until` without a call."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


@dataclass(frozen=True)
class Delivery:
    client: OutboxClient
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
    reconciled: int = 0
    keys_sent: list[str] = field(default_factory=list)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Dispatcher:
    """Claims due rows and sends them. Safe to run in several processes against one database."""

    def __init__(
        self, db: Database, client: WebClient, senders: Senders, *, worker_id: str | None = None,
        grace: timedelta = timedelta(hours=1), lease: timedelta = LEASE, max_batch: int = MAX_BATCH,
        send_bound: timedelta = SEND_BOUND,
    ) -> None:
        self.db = db
        self.client = dispatch_client(client)
        self.senders = {FAILURE_NOTICE_KIND: _send_failure_notice, **senders}
        self.worker_id = worker_id or default_worker_id()
        self.grace = grace
        self.lease = lease
        self.max_batch = max_batch
        self.send_bound = send_bound
        self._seconds_per_row = 0.5  # a running estimate, so a batch is sent well within its lease
        self._claims = count(1)
        # Slack rate-limits posting per channel: after a 429, rows for that channel wait out Retry-After unsent.
        self._paused_until: dict[tuple[str, str], datetime] = {}

    # -- the tick ------------------------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> TickResult:
        """Sends everything due at `now` (default: the clock), a few rows per claim, renewing leases meanwhile."""
        clock = _TickClock(now or utcnow())
        result = TickResult()
        self._skip_missed(clock.now(), result)
        token = f"{self.worker_id}#{next(self._claims)}"[:100]
        self._release_dead_neighbours(clock.now())
        with _Heartbeat(self, token, clock):
            while True:
                claimed = self._claim(token, clock.now())
                for row in claimed:
                    started = time.monotonic()
                    self._process(row, token, clock, result)
                    self._seconds_per_row = 0.8 * self._seconds_per_row + 0.2 * (time.monotonic() - started)
                if not claimed:
                    return result

    def _release_dead_neighbours(self, now: datetime) -> None:
        """Rows held by a process of this host that no longer exists (a restart after a kill) need not wait out
        their lease: they are released, and a send it had started is looked for in Slack after DEAD_SEND_MARGIN.
        A reused process id only looks alive, which errs on the safe side."""
        host = socket.gethostname()
        held = and_(_table.c.status.in_(("claimed", "sending")), _table.c.lease_until >= now,
                    _table.c.claimed_by.like(f"{host}:%"))
        with self.db.session() as session:
            owners = session.execute(select(_table.c.claimed_by).where(held).distinct()).scalars().all()
            dead = [owner for owner in owners if _is_dead(owner, host)]
            if dead:
                # Released rows have no holder; a `sending` row without one is due after DEAD_SEND_MARGIN.
                session.execute(update(_table).where(held, _table.c.claimed_by.in_(dead))
                                .values(lease_until=now - timedelta(seconds=1), claimed_by=None))
        for owner in dead:
            log.warning("outbox: %s has stopped; its rows are due again", owner.split("#", 1)[0])

    def batch_size(self) -> int:
        """As many rows as can be sent within half a lease at the recent pace, at most `max_batch`."""
        fits = int(self.lease.total_seconds() / 2 / max(self._seconds_per_row, 0.01))
        return max(1, min(self.max_batch, fits))

    def _skip_missed(self, now: datetime, result: TickResult) -> None:
        """Skips rows older than the grace window that were surely never posted (no send had started)."""
        missed = or_(_table.c.status == "pending", and_(_table.c.status == "claimed", _table.c.lease_until < now))
        with self.db.session() as session:
            skipped = session.execute(
                update(_table)
                .where(missed, _table.c.sending_at.is_(None), _table.c.due_at < now - self.grace)
                .values(status="skipped", claimed_by=None, last_error="missed: due more than the grace window ago")
                .returning(_table.c.key, _table.c.due_at)
            ).all()
        for key, due_at in skipped:
            log.warning("outbox: skipped %s, due %s, older than the %s grace window", key, due_at, self.grace)
        result.skipped += len(skipped)

    def _claim(self, token: str, now: datetime) -> list[Any]:
        due = or_(
            and_(_table.c.status == "pending", _table.c.due_at <= now,
                 or_(_table.c.next_attempt_at.is_(None), _table.c.next_attempt_at <= now)),
            and_(_table.c.status == "claimed", _table.c.lease_until < now),
            and_(_table.c.status == "sending", _table.c.lease_until < now, _table.c.sending_at < now - self.send_bound),
            and_(_table.c.status == "sending", _table.c.claimed_by.is_(None),
                 _table.c.sending_at < now - DEAD_SEND_MARGIN),
        )
        candidates = select(_table.c.id).where(due).order_by(_table.c.due_at, _table.c.id).limit(self.batch_size())
        claim = {"status": "claimed", "claimed_by": token, "claimed_at": now, "lease_until": now + self.lease}
        with self.db.session() as session:
            if self.db.dialect == "postgresql":
                ids = session.execute(candidates.with_for_update(skip_locked=True)).scalars().all()
                if not ids:
                    return []
                rows = session.execute(
                    update(_table).where(_table.c.id.in_(ids)).values(**claim).returning(*_table.c)).all()
            else:  # one statement under BEGIN IMMEDIATE: no other writer runs between the choice and the claim
                rows = session.execute(
                    update(_table).where(_table.c.id.in_(candidates.scalar_subquery()), due)
                    .values(**claim).returning(*_table.c)).all()
        return sorted(rows, key=lambda row: (row.due_at, row.id))

    # -- one row ---------------------------------------------------------------------------------------------------
    def _process(self, row: Any, token: str, clock: "_TickClock", result: TickResult) -> None:
        now = clock.now()
        if row.sending_at is not None and not self._reconcile(row, token, now, result):
            return
        if row.due_at < now - self.grace:  # its earlier send was not posted, and it is now too old to go out
            self._finish(row, token, status="skipped", last_error="missed: due more than the grace window ago")
            result.skipped += 1
            return
        if not self._predecessor_sent(row, token, now, result):
            return
        self._send(row, token, clock, result)

    def _reconcile(self, row: Any, token: str, now: datetime, result: TickResult) -> bool:
        """A row whose send may have gone out: marks it sent if Slack has it, or returns True to send it."""
        try:
            ts = find_posted(self.client, row)
        except SlackApiError as error:
            self._after_slack_error(row, token, now, result, error, channel=None)
            return False
        except (OSError, SlackClientError) as error:
            self._retry_later(row, token, now, result, type(error).__name__, None, clear_sending=False)
            return False
        if ts is not None:
            self._finish(row, token, status="sent", sent_at=row.sending_at, slack_ts=ts, last_error=None)
            log.info("outbox: %s was already posted by a process that stopped; marked sent, not re-sent", row.key)
            result.reconciled += 1
            return False
        log.info("outbox: %s was not posted by a process that stopped; sending it now", row.key)
        return True

    def _predecessor_sent(self, row: Any, token: str, now: datetime, result: TickResult) -> bool:
        after_key = (row.payload or {}).get("after_key")
        if not after_key:
            return True
        with self.db.session() as session:
            status = session.execute(select(_table.c.status).where(
                _table.c.team_id == row.team_id, _table.c.key == after_key)).scalar()
        if status is None or status == "sent":
            return True
        if status in FINAL_STATUSES:
            self._finish(row, token, status="skipped", last_error=f"not sent: {after_key} ended {status}")
            result.skipped += 1
        else:
            self._reschedule(row, token, now + WAIT_FOR_PREDECESSOR, clear_sending=False)
        return False

    def _send(self, row: Any, token: str, clock: "_TickClock", result: TickResult) -> None:
        now = clock.now()
        late = now - row.due_at > LATE_AFTER
        client = OutboxClient(self.client, lambda channel: self._begin_send(row, token, channel, clock.now()),
                              row.team_id, row.key)
        send = self.senders.get(row.kind)
        try:
            if send is None:
                raise PermanentFailure(f"no sender for kind {row.kind!r}")
            send(Delivery(client, self.db, row.team_id, row.key, row.kind, dict(row.payload), row.due_at, late))
        except ClaimLost:
            log.warning("outbox: %s was taken over by another process before it was sent", row.key)
            return
        except ChannelPaused as paused:
            self._reschedule(row, token, paused.until, clear_sending=False)
            result.retried += 1
            return
        except SlackApiError as error:
            if client.posted:  # the post went out; what failed came after it
                self._sent(row, token, clock.now(), late, client.posted, result)
            else:
                self._after_slack_error(row, token, clock.now(), result, error, channel=client.channel or "")
            return
        except PermanentFailure as failure:
            self._fail(row, token, failure.reason, clock.now(), result, failure)
            return
        except (OSError, SlackClientError) as error:  # the network or an upload broke: it may or may not be posted
            self._retry_later(row, token, clock.now(), result, type(error).__name__, None,
                              clear_sending=client.posted is None)
            return
        except Exception as error:  # a bug in a sender: record it, never crash the tick
            log.exception("outbox: sender for %s raised %s", row.kind, type(error).__name__)
            if client.posted:
                self._sent(row, token, clock.now(), late, client.posted, result)
            else:
                self._fail(row, token, f"error: {type(error).__name__}", clock.now(), result,
                           PermanentFailure(type(error).__name__))
            return
        self._sent(row, token, clock.now(), late, client.posted, result)

    def _begin_send(self, row: Any, token: str, channel: str, now: datetime) -> None:
        """claimed -> sending, only while this process still holds the claim and the channel is not rate-limited."""
        paused_until = self._paused_until.get((row.team_id, channel))
        if paused_until is not None and paused_until > now:
            raise ChannelPaused(paused_until)
        with self.db.session() as session:
            moved = session.execute(
                update(_table).where(_table.c.id == row.id, _table.c.status == "claimed",
                                     _table.c.claimed_by == token)
                .values(status="sending", sending_at=now, target=channel[:100] or None,
                        lease_until=now + self.lease)
                .returning(_table.c.id)
            ).first()
        if moved is None:
            raise ClaimLost(row.key)

    def _sent(self, row: Any, token: str, now: datetime, late: bool, posted: dict[str, Any] | None,
              result: TickResult) -> None:
        done = self._finish(row, token, status="sent", sent_at=now, sent_late=late, last_error=None,
                            slack_ts=(posted or {}).get("ts"))
        if not done:
            if posted is None:  # the sender swallowed ClaimLost: another process has the row
                log.warning("outbox: %s was taken over by another process before it was sent", row.key)
                return
            log.warning("outbox: %s was sent, but another process had taken it over meanwhile", row.key)
        result.sent += 1
        result.sent_late += int(late)
        result.keys_sent.append(row.key)
        if late:
            log.info("outbox: sent %s late (due %s)", row.key, row.due_at)

    def _after_slack_error(self, row: Any, token: str, now: datetime, result: TickResult, error: SlackApiError,
                           *, channel: str | None) -> None:
        """`channel`: where the failed post went, or None when the failed call was reconciliation's look-up."""
        status = error.response.status_code
        code = str(error.response.get("error") or status)
        if status == 429:  # Slack refused the call: nothing was posted. Wait as told, without holding anything.
            wait = _retry_after(error) or timedelta(seconds=1)
            if channel:
                self._paused_until[(row.team_id, channel)] = now + wait
            self._reschedule(row, token, now + wait, clear_sending=channel is not None, last_error="ratelimited")
            result.retried += 1
            log.warning("outbox: %s rate limited; retrying in %ss", row.key, int(wait.total_seconds()))
        elif status >= 500:  # Slack may or may not have posted it: reconcile before trying again
            self._retry_later(row, token, now, result, code, error, clear_sending=False)
        elif code in PERMANENT_SLACK_ERRORS:
            self._fail(row, token, code, now, result, PermanentFailure(code))
        else:  # Slack answered ok=false: nothing was posted
            self._retry_later(row, token, now, result, code, error, clear_sending=channel is not None)

    def _retry_later(self, row: Any, token: str, now: datetime, result: TickResult, code: str,
                     error: SlackApiError | None, *, clear_sending: bool) -> None:
        attempts = row.attempts + 1
        # A passing failure (5xx, the network) is retried until the grace window runs out; only an unknown
        # refusal from Slack gives up after MAX_ATTEMPTS.
        transient = error is None or error.response.status_code >= 500
        if attempts >= MAX_ATTEMPTS and not transient:
            reason = code if clear_sending or row.sending_at is None else f"{code}; it may have been posted"
            self._fail(row, token, reason, now, result, PermanentFailure(code))
            return
        wait = (_retry_after(error) if error is not None else None) or timedelta(seconds=min(60, 3 * 2 ** (attempts - 1)))
        self._reschedule(row, token, now + wait, clear_sending=clear_sending, last_error=code[:200],
                         attempts=attempts)
        result.retried += 1
        log.warning("outbox: %s got %s from Slack; retrying in %ss", row.key, code, int(wait.total_seconds()))

    def _reschedule(self, row: Any, token: str, at: datetime, *, clear_sending: bool, **values: Any) -> None:
        extra = {"sending_at": None, "target": None} if clear_sending else {}
        self._finish(row, token, status="pending", next_attempt_at=at, claimed_by=None, lease_until=None,
                     **extra, **values)

    def _fail(self, row: Any, token: str, reason: str, now: datetime, result: TickResult,
              failure: PermanentFailure) -> None:
        self._finish(row, token, status="failed", last_error=reason[:200])
        result.failed += 1
        log.error("outbox: %s failed: %s", row.key, reason)
        owner = failure.notify_user or row.payload.get("owner_user_id")
        if owner and row.kind != FAILURE_NOTICE_KIND:
            group = row.payload.get("failure_group") or row.key
            notice = failure.notice or row.payload.get("failure_notice") or _default_notice(row.payload, reason)
            with self.db.session() as session:
                enqueue(session, team_id=row.team_id, key=f"notice:{group}", kind=FAILURE_NOTICE_KIND,
                        due_at=now, payload={"user_id": owner, "text": notice})

    def _finish(self, row: Any, token: str, **values: Any) -> bool:
        """Records an outcome, only while this process still holds the row; False if it no longer does."""
        with self.db.session() as session:
            return session.execute(
                update(_table).where(_table.c.id == row.id, _table.c.claimed_by == token,
                                     _table.c.status.in_(("claimed", "sending")))
                .values(**values).returning(_table.c.id)
            ).first() is not None

    def renew(self, token: str, now: datetime) -> None:
        """Extends the leases this process holds (the heartbeat calls it every third of a lease)."""
        with self.db.session() as session:
            session.execute(update(_table).where(_table.c.claimed_by == token,
                                                 _table.c.status.in_(("claimed", "sending")))
                            .values(lease_until=now + self.lease))


class _TickClock:
    """The tick's `now`, moving on with real time (tests pass a `now` far from the wall clock)."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)


class _Heartbeat:
    """Renews this tick's leases every third of a lease while the tick runs, so a slow process is never taken for
    a dead one."""

    def __init__(self, dispatcher: Dispatcher, token: str, clock: _TickClock) -> None:
        self._dispatcher, self._token, self._clock = dispatcher, token, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-heartbeat", daemon=True)

    def _run(self) -> None:
        every = self._dispatcher.lease.total_seconds() / 3
        while not self._stop.wait(every):
            try:
                self._dispatcher.renew(self._token, self._clock.now())
            except Exception as error:  # the next beat tries again; the lease has room for a missed one
                log.warning("outbox: could not renew leases: %s", type(error).__name__)

    def __enter__(self) -> "_Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _is_dead(owner: str, host: str) -> bool:
    pid = owner[len(host) + 1:].split("#", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, under another user
        return False
    return False


def _retry_after(error: SlackApiError | None) -> timedelta | None:
    if error is None:
        return None
    headers = error.response.headers or {}
    value = str(headers.get("Retry-After") or headers.get("retry-after") or "")
    return timedelta(seconds=int(value)) if value.isdigit() else None


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
