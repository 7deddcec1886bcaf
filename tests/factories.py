"""Shared builders for tests: one way to make an actor, a resource, a partner or a conference, instead of private
copies in each test file."""

from datetime import datetime, timedelta

from bot.conferences import service as conferences_service
from bot.conferences.commands import NewSeries, Reminders
from bot.conferences.recurrence import Schedule
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.dates import WEEKDAY_CODES
from bot.platform.people import Profile


def make_actor(user_id: str = "U1", *, team_id: str = "T1", admin: bool = False, timezone: str | None = None,
               user_team_id: str | None = None, default_timezone: str = "America/New_York") -> Actor:
    """An actor as the middleware builds one; `timezone` is what users.info would say (None: Slack says none)."""
    profile = Profile(user_id=user_id, team_id=user_team_id or team_id, enterprise_id=None, timezone=timezone)
    return Actor(team_id=team_id, user_id=user_id, is_admin=admin, default_timezone=default_timezone,
                 user_team_id=user_team_id, lookup=lambda: profile)


# --- case conferences ---------------------------------------------------------------------------------------------


def weekly_from(now: datetime, *, days_ahead: int = 2, hour: int = 10, timezone: str = "UTC") -> Schedule:
    """A weekly schedule whose first meeting is `days_ahead` days after `now`, at `hour` o'clock."""
    start = datetime.combine((now + timedelta(days=days_ahead)).date(), datetime.min.time()).replace(hour=hour)
    return Schedule(start, timezone, f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[start.weekday()]}")


def make_conference(db, *, team_id: str = "T1", owner: str = "U1", schedule: Schedule | None = None,
                    now: datetime | None = None, title: str = "Weekly huddle", channel_id: str = "C0CASES",
                    facilitators=(), reminders: Reminders = Reminders(), video_link: str = "",
                    holiday_country: str | None = None) -> conferences_service.Created:
    """A saved series (weekly, two days out, unless `schedule` says otherwise) with its meetings planned."""
    now = now or utcnow()
    new = NewSeries(title=title, channel_id=channel_id, schedule=schedule or weekly_from(now), video_link=video_link,
                    facilitator_user_ids=tuple(facilitators), reminders=reminders)
    with db.session() as session:
        return conferences_service.create_series(session, make_actor(owner, team_id=team_id), new, now=now,
                                                 holiday_country=holiday_country)


def conference_form_values(**changes) -> dict:
    """What the conference form sends when filled in: a monthly meeting on the last Friday, ten days out."""
    start = (utcnow() + timedelta(days=10)).date().isoformat()
    values = {
        "title": {"value": "Partner case conference"},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C0CASES"}},
        "start_date": {"value": {"type": "datepicker", "selected_date": start}},
        "start_time": {"value": {"type": "timepicker", "selected_time": "10:00"}},
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": "monthly"}}},
        "interval": {"value": "1"},
        "week_of_month": {"value": {"type": "static_select", "selected_option": {"value": "-1"}}},
        "weekday": {"value": {"type": "static_select", "selected_option": {"value": "FR"}}},
        "timezone": {"value": "America/Chicago"},
        "video_link": {"value": "https://meet.example.org/case-conf"},
        "facilitators": {"value": {"type": "multi_users_select", "selected_users": ["UA", "UB"]}},
        "agenda_call_days": {"value": "5"},
        "reminder_hours": {"value": "2"},
    }
    values.update(changes)
    return values
