"""Digest delivery: planning each subscriber's next digest in the outbox and sending it (message and chart)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.digests.chart import CHART_TITLE, chart_alt_text, needs_chart_png
from bot.digests.commands import CADENCE_DAYS
from bot.digests.contents import DigestData, WeekOfNeeds, build_digest, period_for
from bot.digests.views import digest_blocks, digest_fallback_text
from bot.platform import outbox
from bot.platform.clock import as_utc, at_local_time, to_local
from bot.platform.dates import format_time
from bot.platform.db import Database
from models.digests import DigestSubscription

log = logging.getLogger(__name__)


# --- Planning and delivery through the outbox ------------------------------------------------------------------

PLANNER_SECONDS = 300
DIGEST_KIND = "digest"
CHART_KIND = "digest_chart"


def key_prefix(subscription_id: int) -> str:
    return f"digest:{subscription_id}:"


def delivery_key(subscription_id: int, cadence: str, period_start_day: date) -> str:
    # The cadence is part of the key: a weekly digest and a daily one can start on the same day.
    return f"{key_prefix(subscription_id)}{period_start_day.isoformat()}:{cadence}"


def first_delivery_day(subscription: DigestSubscription) -> date:
    """The local day of the first delivery at or after the moment the schedule was set (`updated_at`): the anchor
    every later delivery counts from, which is what keeps "every other Friday" on the same Fridays."""
    tz = subscription.timezone
    set_at = as_utc(subscription.updated_at)
    day = to_local(set_at, tz).date()
    if subscription.cadence != "daily":
        day += timedelta(days=((subscription.weekday or 0) - day.weekday()) % 7)
    if at_local_time(day, subscription.local_time, tz) < set_at:
        day += timedelta(days=1 if subscription.cadence == "daily" else 7)  # the next such day, not a period
    return day


def deliveries_around(subscription: DigestSubscription, now: datetime) -> tuple[date, date]:
    """The local delivery days of the latest delivery at or before `now` and of the next one after it."""
    tz = subscription.timezone
    step = CADENCE_DAYS[subscription.cadence]
    anchor = first_delivery_day(subscription)
    candidate = anchor + timedelta(days=step * ((to_local(now, tz).date() - anchor).days // step))
    if at_local_time(candidate, subscription.local_time, tz) > now:
        return candidate - timedelta(days=step), candidate
    return candidate, candidate + timedelta(days=step)


def plan_subscription(session: Session, subscription: DigestSubscription, now: datetime) -> int:
    """Enqueues the next digest and, if it fell due while nothing was running, the latest one (the outbox sends it
    late within its grace window, or skips and logs it). Idempotent: one outbox row per subscription per period."""
    planned = 0
    for day in deliveries_around(subscription, now):
        due_at = at_local_time(day, subscription.local_time, subscription.timezone)
        if due_at < as_utc(subscription.updated_at):
            continue  # due before this schedule existed
        period_start, period_end = period_for(subscription.cadence, day, subscription.timezone)
        planned += outbox.enqueue(
            session,
            team_id=subscription.team_id,
            key=delivery_key(
                subscription.id, subscription.cadence, to_local(period_start, subscription.timezone).date()
            ),
            kind=DIGEST_KIND,
            due_at=due_at,
            payload={
                "subscription_id": subscription.id,
                "user_id": subscription.user_id,
                "timezone": subscription.timezone,
                "period_start": period_start.isoformat(),
                "period_end": period_end.isoformat(),
                "description": "your partnership digest",
            },
        )
    return planned


def plan_digests(db: Database, now: datetime) -> None:
    with db.session() as session:
        subscriptions = session.exec(select(DigestSubscription).order_by(DigestSubscription.id)).all()
        planned = sum(plan_subscription(session, subscription, now) for subscription in subscriptions)
    if planned:
        log.info("digests: planned %d deliveries", planned)


def open_dm(client: WebClient, user_id: str) -> str:
    return client.conversations_open(users=user_id)["channel"]["id"]


def late_note(due_at: datetime, timezone: str) -> str:
    local = to_local(due_at, timezone)
    return (
        f"This digest was due at {format_time(local.time())} on {local:%a} {local.day} {local:%b} and is late "
        "because partnerbot was offline."
    )


def post_digest(client: WebClient, channel_id: str, data: DigestData, *, note: str | None = None) -> None:
    client.chat_postMessage(
        channel=channel_id, text=digest_fallback_text(data), blocks=digest_blocks(data, late_note=note)
    )


def upload_chart(client: WebClient, channel_id: str, weeks: list[WeekOfNeeds], timezone: str) -> None:
    client.files_upload_v2(
        channel=channel_id,
        file=needs_chart_png(weeks, timezone),
        filename="needs-per-week.png",
        title=CHART_TITLE,
        alt_txt=chart_alt_text(weeks, timezone),
    )


def send_digest(delivery: outbox.Delivery) -> None:
    """DMs one scheduled digest and plans its chart as its own outbox row, sent after the digest: a failed upload
    is retried alone and can never send the digest twice."""
    payload = delivery.payload
    with delivery.db.session() as session:
        subscription = session.get(DigestSubscription, payload["subscription_id"])
        if subscription is None or subscription.user_id != payload["user_id"]:
            log.info("digests: %s is for a subscription that no longer exists; not sent", delivery.key)
            return
        data = build_digest(
            session,
            delivery.team_id,
            datetime.fromisoformat(payload["period_start"]),
            datetime.fromisoformat(payload["period_end"]),
            timezone=payload["timezone"],
        )
    channel_id = open_dm(delivery.client, payload["user_id"])
    # Planned before the post (a crash after the post loses nothing) and sent only once the digest is sent.
    with delivery.db.session() as session:
        outbox.enqueue(
            session,
            team_id=delivery.team_id,
            key=delivery.key.replace("digest:", "digest-chart:", 1),
            kind=CHART_KIND,
            # Due with the digest, so the same tick (or the next) picks it up within the same grace window.
            due_at=delivery.due_at,
            payload={
                "channel_id": channel_id,
                "timezone": payload["timezone"],
                "weeks": [[w.week_start.isoformat(), w.asked, w.unmet] for w in data.weeks],
                "description": "the chart for your partnership digest",
                "after_key": delivery.key,
            },
        )
    note = late_note(delivery.due_at, payload["timezone"]) if delivery.late else None
    post_digest(delivery.client, channel_id, data, note=note)


def send_digest_chart(delivery: outbox.Delivery) -> None:
    payload = delivery.payload
    weeks = [
        WeekOfNeeds(datetime.fromisoformat(start), asked, unmet) for start, asked, unmet in payload["weeks"]
    ]
    upload_chart(delivery.client, payload["channel_id"], weeks, payload["timezone"])


def post_digest_now(client: WebClient, user_id: str, data: DigestData, *, note: str) -> str:
    """DMs a digest and its chart at once, not through the outbox: the person asked and is waiting for it (a
    preview). Returns the DM channel id."""
    channel_id = open_dm(client, user_id)
    post_digest(client, channel_id, data, note=note)
    upload_chart(client, channel_id, data.weeks, data.timezone)
    return channel_id
