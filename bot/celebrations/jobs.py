"""Monthly recaps: planned for each partner channel on the first working day, sent through the outbox."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.celebrations.recap import recap_for_channel
from bot.celebrations.views import recap_blocks
from bot.platform import outbox
from bot.platform.clock import at_local_time
from bot.platform.db import Database
from models.partners import Partner, PartnerChannel

log = logging.getLogger(__name__)

RECAP_KIND = "celebration_recap"
PLANNER_SECONDS = 3600
RECAP_LOCAL_TIME = time(9, 0)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5:  # Saturday, Sunday
        day += timedelta(days=1)
    return day


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def recap_key(channel_id: str, year: int, month: int) -> str:
    return f"recap:{channel_id}:{year:04d}-{month:02d}"


@dataclass
class _RecapChannel:
    team_id: str
    channel_id: str
    timezone: str
    owner_user_id: str
    partner_ids: list[int] = field(default_factory=list)


def _recap_channels(session: Session, team_id: str | None = None) -> list[_RecapChannel]:
    query = (
        select(PartnerChannel, Partner)
        .join(Partner, Partner.id == PartnerChannel.partner_id)
        .where(PartnerChannel.monthly_recap.is_(True))
        .order_by(PartnerChannel.id)
    )
    if team_id:
        query = query.where(PartnerChannel.team_id == team_id)
    channels: dict[tuple[str, str], _RecapChannel] = {}
    for link, partner in session.exec(query):
        entry = channels.setdefault(
            (link.team_id, link.channel_id),
            _RecapChannel(link.team_id, link.channel_id, partner.timezone, partner.owner_user_id),
        )
        entry.partner_ids.append(partner.id)
    return list(channels.values())


def plan_monthly_recaps(db: Database, now: datetime) -> None:
    """Plans each partner channel's recap of the previous month, due at 9:00 local time on the first working day
    of this month (and already next month's, so a restart around the 1st loses nothing). The outbox key makes it
    exactly once per channel and month."""
    with db.session() as session:
        for channel in _recap_channels(session):
            today = now.astimezone(ZoneInfo(channel.timezone)).date()
            next_month = (today.year + (today.month == 12), today.month % 12 + 1)
            for year, month in ((today.year, today.month), next_month):
                due_at = at_local_time(first_working_day(year, month), RECAP_LOCAL_TIME, channel.timezone)
                if due_at < now - timedelta(hours=1):
                    continue  # this month's recap is past; never post a stale one
                recap_year, recap_month = _previous_month(year, month)
                outbox.enqueue(
                    session,
                    team_id=channel.team_id,
                    key=recap_key(channel.channel_id, recap_year, recap_month),
                    kind=RECAP_KIND,
                    due_at=due_at,
                    payload={
                        "channel": channel.channel_id,
                        "year": recap_year,
                        "month": recap_month,
                        "owner_user_id": channel.owner_user_id,
                        "description": f"the {date(recap_year, recap_month, 1):%B} recap of shared successes",
                    },
                )


def send_monthly_recap(delivery: outbox.Delivery) -> None:

    payload = delivery.payload
    with delivery.db.session() as session:
        recap = recap_for_channel(
            session, delivery.team_id, payload["channel"], payload["year"], payload["month"]
        )
    if recap is None or recap.total_successes == 0:
        return  # unlinked, turned off, or a quiet month: nothing to post
    text, blocks = recap_blocks(recap, monthly=True, late=delivery.late)
    delivery.client.chat_postMessage(channel=payload["channel"], text=text, blocks=blocks, unfurl_links=False)
