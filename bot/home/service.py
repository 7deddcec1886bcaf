"""The App Home's data for one person: their recent resources, upcoming conferences, successes and digest.

Each part of the Home is one loader, `(session, HomeRequest) -> its rows`, listed once in `LOADERS` under the
name of its `HomeData` field. A new part (open referrals, say) is a dataclass for its rows, a loader, a field on
`HomeData`, an entry in `LOADERS`, and a section in `bot/home/views.py`'s `SECTIONS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from bot.digests import service as digests_service
from bot.digests.contents import UPCOMING_CONFERENCE_DAYS, upcoming_meetings
from bot.platform import vocabulary
from bot.platform.actor import Actor
from bot.referrals import service as referrals_service
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
class HomeRequest:
    """What every loader may use: whose Home, in which workspace, the channels they are in, and now."""

    team_id: str
    user_id: str
    channel_ids: tuple[str, ...]
    now: datetime


@dataclass(frozen=True)
class HomeData:
    user_id: str
    timezone: str  # the person's, for the few dates Slack cannot show in each reader's zone
    resources: list[HomeResource]
    conferences: list[HomeConference]
    successes: list[HomeSuccess]
    digest_schedule: str | None  # "every Monday at 9am (America/New_York)", or None without a digest
    referrals: list = field(default_factory=list)  # the person's open referrals (bot.referrals.service)


def _home_resources(session: Session, request: HomeRequest) -> list[HomeResource]:
    team_id, user_id = request.team_id, request.user_id
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
            name, organization, [vocabulary.label(c) for c in categories.split(";") if c], created, verified
        )
        for name, organization, categories, created, verified in rows
    ]


def _home_conferences(session: Session, request: HomeRequest) -> list[HomeConference]:
    """Meetings in the person's channels, or ones they run, facilitate or answered."""
    team_id, user_id, channel_ids, now = request.team_id, request.user_id, request.channel_ids, request.now
    mine = (
        select(Rsvp.response)
        .where(Rsvp.occurrence_id == ConferenceOccurrence.id, Rsvp.user_id == user_id)
        .correlate(ConferenceOccurrence)
        .scalar_subquery()
    )
    window = now + timedelta(days=HOME_CONFERENCE_DAYS)
    rows = session.execute(
        upcoming_meetings(team_id, now, window, mine)
        .where(
            or_(
                ConferenceSeries.channel_id.in_(channel_ids),
                ConferenceSeries.owner_user_id == user_id,
                ConferenceOccurrence.facilitator_user_id == user_id,
                mine.is_not(None),
            )
        )
        .limit(HOME_LIST_LIMIT)
    ).all()
    return [HomeConference(t, c, s, int(a), int(g), m) for t, c, s, a, g, m in rows]


def _home_successes(session: Session, request: HomeRequest) -> list[HomeSuccess]:
    """Recent successes the person can already see: in their channels, written by them or crediting them."""
    team_id, user_id, channel_ids, now = request.team_id, request.user_id, request.channel_ids, request.now
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


def _digest_schedule(session: Session, request: HomeRequest) -> str | None:
    return digests_service.schedule_text(
        digests_service.get_subscription(session, request.team_id, request.user_id)
    )


def _home_referrals(session: Session, request: HomeRequest) -> list:
    return referrals_service.open_for(session, request.team_id, request.user_id, HOME_LIST_LIMIT)


# HomeData's fields, each with the loader that fills it, in the order they are read.
LOADERS: dict[str, Callable[[Session, HomeRequest], object]] = {
    "resources": _home_resources,
    "conferences": _home_conferences,
    "successes": _home_successes,
    "digest_schedule": _digest_schedule,
    "referrals": _home_referrals,
}


def home_data(session: Session, actor: Actor, channel_ids: Iterable[str], *, now: datetime) -> HomeData:
    """Everything the person's Home shows. `channel_ids`: the channels they are in, as Slack said."""
    request = HomeRequest(actor.team_id, actor.user_id, tuple(channel_ids), now)
    return HomeData(
        user_id=actor.user_id,
        timezone=actor.timezone,
        **{name: load(session, request) for name, load in LOADERS.items()},
    )
