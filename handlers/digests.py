"""Slack adapter for /digest: subscribe, unsubscribe, preview, help."""

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digests import commands as digests_commands
from bot.digests import jobs as digests_jobs
from bot.digests import service as digests_service
from bot.digests import views
from bot.platform.clock import utcnow

log = logging.getLogger(__name__)


def user_timezone(client: WebClient, user_id: str, default: str) -> str:
    """The person's Slack time zone, or the workspace default when Slack does not say or names an unknown zone."""
    try:
        zone = (client.users_info(user=user_id).get("user") or {}).get("tz") or ""
        ZoneInfo(zone)
        return zone
    except SlackApiError as error:
        log.warning(
            "digests: users.info failed (%s); using the default time zone", error.response.get("error")
        )
    except (ZoneInfoNotFoundError, ValueError):
        pass
    return default


def register(app: App) -> None:
    @app.command("/digest")
    def digest_command(ack, command, respond, client: WebClient, context) -> None:
        ack()
        db, settings = context["db"], context["settings"]
        team_id, user_id = command["team_id"], command["user_id"]
        try:
            parsed = digests_commands.parse_command(command.get("text") or "")
        except digests_commands.DigestCommandError as error:
            respond(text=str(error), response_type="ephemeral")
            return

        if parsed.action == "help":
            respond(text=views.HELP_TEXT, response_type="ephemeral")
        elif parsed.action == "subscribe":
            timezone = user_timezone(client, user_id, settings.default_timezone)
            with db.session() as session:
                subscription, created = digests_service.subscribe(
                    session,
                    team_id=team_id,
                    user_id=user_id,
                    schedule=parsed.schedule,
                    timezone=timezone,
                    now=utcnow(),
                )
                schedule = digests_commands.describe_schedule(
                    subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
                )
            respond(text=views.subscribed_text(schedule, created), response_type="ephemeral")
        elif parsed.action == "unsubscribe":
            with db.session() as session:
                was_subscribed = digests_service.unsubscribe(session, team_id=team_id, user_id=user_id)
            respond(text=views.unsubscribed_text(was_subscribed), response_type="ephemeral")
        elif parsed.action == "preview":
            timezone = user_timezone(client, user_id, settings.default_timezone)
            with db.session() as session:
                subscription = digests_service.get_subscription(session, team_id, user_id)
            days = (
                1 if subscription and subscription.cadence == "daily" else 7
            )  # the span their digest covers
            channel_id = digests_jobs.send_preview(
                client, db, team_id=team_id, user_id=user_id, timezone=timezone, days=days, now=utcnow()
            )
            respond(text=views.preview_sent_text(channel_id, days), response_type="ephemeral")
        else:
            with db.session() as session:
                subscription = digests_service.get_subscription(session, team_id, user_id)
                schedule = subscription and digests_commands.describe_schedule(
                    subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
                )
            respond(text=views.status_text(schedule), response_type="ephemeral")
