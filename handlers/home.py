"""Slack adapter for the App Home tab: rebuilt and published each time someone opens it."""

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home import service as home_service
from bot.home.views import home_view
from bot.platform.clock import utcnow

log = logging.getLogger(__name__)

MAX_CHANNEL_PAGES = 5  # 1,000 channels is plenty for picking the conferences and successes someone can see


def user_channel_ids(client: WebClient, user_id: str) -> list[str]:
    """Channels the person is in that the bot can see. Empty if Slack refuses (the Home then shows only what the
    person runs, answered, wrote or was credited in)."""
    channel_ids: list[str] = []
    cursor = None
    try:
        for _ in range(MAX_CHANNEL_PAGES):
            page = client.users_conversations(
                user=user_id,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=200,
                cursor=cursor,
            )
            channel_ids += [channel["id"] for channel in page.get("channels") or []]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as error:
        log.warning("home: users.conversations failed (%s)", error.response.get("error"))
    return channel_ids


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)


def publish_home(event, client: WebClient, context) -> None:
    if event.get("tab") != "home":
        return  # the Messages tab opened
    actor = context["actor"]
    channel_ids = user_channel_ids(client, actor.user_id)
    with context["db"].session() as session:
        data = home_service.home_data(session, actor, channel_ids, now=utcnow())
    client.views_publish(user_id=actor.user_id, view=home_view(data))
