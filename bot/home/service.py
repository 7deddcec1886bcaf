"""The App Home's figures for one person: their recent resources, upcoming conferences and successes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from bot.digests.commands import describe_schedule
from bot.digests.contents import (
    CANCELLED_OCCURRENCE_STATUSES,
    UPCOMING_CONFERENCE_DAYS,
    _agenda_size,
    _category_label,
    _in,
    _rsvps,
)
from bot.digests.service import get_subscription
from models.celebrations import Success, SuccessPartner, SuccessPerson
from models.conferences import ConferenceOccurrence, ConferenceSeries, Rsvp
from models.directory import Resource
from models.partners import Partner

log = logging.getLogger(__name__)


# --- The App Home: each person's own view of the same data --------------------------------------------------

HOME_LIST_LIMIT = 5
HOME_CONFERENCE_DAYS = UPCOMING_CONFERENCE_DAYS
HOME_SUCCESS_DAYS = 90


@dataclass(frozen=True)
class HomeResource:
    name: str
    organization: str
    category_labels: list[str]
    created_at: datetime
    verified_at: datetime | None


@dataclass(frozen=True)
class HomeConference:
    title: str
    channel_id: str
    start_utc: datetime
    agenda_items: int
    going: int
    my_response: str | None  # "going" | "not_going" | None


@dataclass(frozen=True)
class HomeSuccess:
    text: str  # redacted when it was stored
    channel_id: str
    author_user_id: str
    celebrated_at: datetime
    partner_names: list[str]


@dataclass(frozen=True)
class HomeData:
    user_id: str
    resources: list[HomeResource]
    conferences: list[HomeConference]
    successes: list[HomeSuccess]
    digest_schedule: str | None  # describe_schedule() of their subscription, if any


def _home_resources(session: Session, team_id: str, user_id: str) -> list[HomeResource]:
    rows = session.execute(
        select(
            Resource.name,
            Resource.organization,
            Resource.categories,
            Resource.created_at,
            Resource.verified_at,
        )
        .where(Resource.team_id == team_id, Resource.created_by == user_id, Resource.retired_at.is_(None))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .limit(HOME_LIST_LIMIT)
    ).all()
    return [
        HomeResource(
            name, organization, [_category_label(c) for c in categories.split(";") if c], created, verified
        )
        for name, organization, categories, created, verified in rows
    ]


def _home_conferences(session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime):
    """Meetings in the person's channels, or ones they run, facilitate or answered."""
    mine = (
        select(Rsvp.response)
        .where(Rsvp.occurrence_id == ConferenceOccurrence.id, Rsvp.user_id == user_id)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )
    agenda_items = _agenda_size()
    going = _rsvps("going")
    rows = session.execute(
        select(
            ConferenceSeries.title,
            ConferenceSeries.channel_id,
            ConferenceOccurrence.start_utc,
            agenda_items,
            going,
            mine,
        )
        .join(ConferenceSeries, ConferenceSeries.id == ConferenceOccurrence.series_id)
        .where(
            ConferenceOccurrence.team_id == team_id,
            _in(ConferenceOccurrence.start_utc, now, now + timedelta(days=HOME_CONFERENCE_DAYS)),
            ConferenceOccurrence.status.not_in(CANCELLED_OCCURRENCE_STATUSES),
            ConferenceSeries.cancelled_at.is_(None),
            or_(
                ConferenceSeries.channel_id.in_(channel_ids),
                ConferenceSeries.owner_user_id == user_id,
                ConferenceOccurrence.facilitator_user_id == user_id,
                mine.is_not(None),
            ),
        )
        .order_by(ConferenceOccurrence.start_utc, ConferenceOccurrence.id)
        .limit(HOME_LIST_LIMIT)
    ).all()
    return [HomeConference(t, c, s, int(a), int(g), m) for t, c, s, a, g, m in rows]


def _home_successes(session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime):
    """Recent successes the person can already see: in their channels, written by them or crediting them."""
    credited = (
        select(SuccessPerson.success_id)
        .where(SuccessPerson.team_id == team_id, SuccessPerson.user_id == user_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Success.id, Success.text, Success.channel_id, Success.author_user_id, Success.celebrated_at)
        .where(
            Success.team_id == team_id,
            Success.celebrated_at >= now - timedelta(days=HOME_SUCCESS_DAYS),
            or_(
                Success.channel_id.in_(channel_ids),
                Success.author_user_id == user_id,
                Success.id.in_(credited),
            ),
        )
        .order_by(Success.celebrated_at.desc(), Success.id.desc())
        .limit(HOME_LIST_LIMIT)
    ).all()
    names: dict[int, list[str]] = {row.id: [] for row in rows}
    for success_id, name in session.execute(
        select(SuccessPartner.success_id, Partner.name)
        .join(Partner, Partner.id == SuccessPartner.partner_id)
        .where(SuccessPartner.success_id.in_(list(names)))
        .order_by(Partner.name)
    ):
        names[success_id].append(name)
    return [HomeSuccess(r.text, r.channel_id, r.author_user_id, r.celebrated_at, names[r.id]) for r in rows]


def home_data(
    session: Session, team_id: str, user_id: str, channel_ids: list[str], now: datetime
) -> HomeData:
    subscription = get_subscription(session, team_id, user_id)
    schedule = (
        describe_schedule(
            subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
        )
        if subscription
        else None
    )
    return HomeData(
        user_id=user_id,
        resources=_home_resources(session, team_id, user_id),
        conferences=_home_conferences(session, team_id, user_id, channel_ids, now),
        successes=_home_successes(session, team_id, user_id, channel_ids, now),
        digest_schedule=schedule,
    )
