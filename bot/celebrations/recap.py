"""A month of celebrations grouped by partner, for /celebrate recap and the monthly recap post."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import distinct, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from bot.platform.clock import at_local_time
from models.celebrations import Success, SuccessPartner, SuccessPerson
from models.partners import Partner, PartnerChannel

log = logging.getLogger(__name__)
HIGHLIGHTS_PER_PARTNER = 3


# --------------------------------------------------------------------------------------------------------------
# Recaps: successes by partner for a month
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecapHighlight:
    success_id: int
    text: str
    user_ids: tuple[str, ...]
    celebrated_at: datetime
    channel_id: str


@dataclass(frozen=True)
class RecapGroup:
    partner_id: int | None
    partner_name: str  # "" for successes without a partner organization
    success_count: int
    people_count: int
    highlights: tuple[RecapHighlight, ...]


@dataclass(frozen=True)
class Recap:
    year: int
    month: int
    groups: tuple[RecapGroup, ...]
    total_successes: int
    total_people: int
    channel_only: str | None = None  # set when only successes shared in this channel are included
    timezone: str = "UTC"  # for showing dates

    @property
    def label(self) -> str:
        return f"{date(self.year, self.month, 1):%B %Y}"


def month_bounds(year: int, month: int, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in `timezone`, as aware UTC instants."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return at_local_time(date(year, month, 1), time(0), timezone), at_local_time(nxt, time(0), timezone)


def build_recap(
    session: Session,
    team_id: str,
    year: int,
    month: int,
    timezone: str,
    *,
    partner_ids: list[int] | None = None,
    channel_id: str | None = None,
    highlights_per_partner: int = HIGHLIGHTS_PER_PARTNER,
) -> Recap:
    """Successes by partner in one month, in three aggregate queries whatever the number of successes.
    `partner_ids` limits it to those partners; `channel_id` to successes posted in that channel (used for shared
    channels, so a partner only sees what was already shared with them)."""
    start, end = month_bounds(year, month, timezone)
    conditions = [Success.team_id == team_id, Success.celebrated_at >= start, Success.celebrated_at < end]
    if channel_id is not None:  # "" (no channel) matches nothing rather than everything
        conditions.append(Success.channel_id == channel_id)
    partner_col = SuccessPartner.partner_id
    base = (
        select(Success.id)
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
    )
    if partner_ids is not None:
        conditions.append(partner_col.in_(partner_ids or [-1]))

    counts = session.exec(
        select(partner_col, func.count(distinct(Success.id)), func.count(distinct(SuccessPerson.user_id)))
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
        .outerjoin(SuccessPerson, SuccessPerson.success_id == Success.id)
        .where(*conditions)
        .group_by(partner_col)
    ).all()
    if not counts:
        return Recap(year, month, (), 0, 0, channel_id, timezone)
    totals = session.exec(
        select(func.count(distinct(Success.id)), func.count(distinct(SuccessPerson.user_id)))
        .select_from(Success)
        .outerjoin(SuccessPartner, SuccessPartner.success_id == Success.id)
        .outerjoin(SuccessPerson, SuccessPerson.success_id == Success.id)
        .where(*conditions)
    ).one()

    rank = func.row_number().over(
        partition_by=partner_col, order_by=(Success.celebrated_at.desc(), Success.id.desc())
    )
    ranked = (
        base.add_columns(
            partner_col.label("partner_id"),
            Success.text,
            Success.celebrated_at,
            Success.channel_id,
            rank.label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    top = session.execute(sa_select(ranked).where(ranked.c.rank <= highlights_per_partner)).all()
    success_ids = {row.id for row in top}
    people: dict[int, list[str]] = defaultdict(list)
    if success_ids:
        for success_id, user_id in session.exec(
            select(SuccessPerson.success_id, SuccessPerson.user_id)
            .where(SuccessPerson.success_id.in_(success_ids))
            .order_by(SuccessPerson.user_id)
        ):
            people[success_id].append(user_id)
    highlights: dict[int | None, list[RecapHighlight]] = defaultdict(list)
    for row in sorted(top, key=lambda r: r.rank):
        highlights[row.partner_id].append(
            RecapHighlight(row.id, row.text, tuple(people[row.id]), row.celebrated_at, row.channel_id)
        )
    names = dict(
        session.exec(
            select(Partner.id, Partner.name).where(
                Partner.id.in_([pid for pid, _, _ in counts if pid is not None] or [-1])
            )
        ).all()
    )
    groups = [
        RecapGroup(
            pid, names.get(pid, "") if pid is not None else "", n_successes, n_people, tuple(highlights[pid])
        )
        for pid, n_successes, n_people in counts
    ]
    # Partners by number of successes; successes without a partner last.
    groups.sort(key=lambda g: (g.partner_id is None, -g.success_count, g.partner_name.lower()))
    return Recap(year, month, tuple(groups), totals[0], totals[1], channel_id, timezone)


def recap_for_channel(session: Session, team_id: str, channel_id: str, year: int, month: int) -> Recap | None:
    """The recap a partner channel gets: its partners' successes; in a shared channel only those celebrated there.
    None when the channel is no longer linked or its recap was turned off."""
    links = session.exec(
        select(PartnerChannel, Partner)
        .join(Partner, Partner.id == PartnerChannel.partner_id)
        .where(PartnerChannel.team_id == team_id, PartnerChannel.channel_id == channel_id)
    ).all()
    if not links or not all(link.monthly_recap for link, _ in links):
        return None
    shared = any(link.is_shared for link, _ in links)
    return build_recap(
        session,
        team_id,
        year,
        month,
        links[0][1].timezone,
        partner_ids=[partner.id for _, partner in links],
        channel_id=channel_id if shared else None,
    )
