"""What Slack says about a channel, looked up by a handler after the ack and passed to services as data: whether
another organization reads it (Slack Connect), whether the bot is in it, and which other workspaces are."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.platform.slacktext import unescape

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelFacts:
    channel_id: str
    is_shared: bool  # shared with another organization (Slack Connect)
    bot_is_member: bool
    other_teams: tuple[str, ...] = ()  # the other organizations' workspaces in it
    known: bool = True  # False when Slack could not say; callers pick the safe reading

    @property
    def maybe_shared(self) -> bool:
        """Shared, or Slack could not say: the reading to use before telling another organization anything."""
        return self.is_shared or not self.known


def channel_facts(client: Any, channel_id: str, home_team: str) -> ChannelFacts:
    """conversations.info for one channel; a failure is logged (the error code only) and answered as unknown."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except Exception as error:  # SlackApiError, a network error
        code = getattr(getattr(error, "response", None), "get", lambda _key: None)("error")
        log.info("conversations.info failed (%s)", code or type(error).__name__)
        return ChannelFacts(channel_id, is_shared=False, bot_is_member=False, known=False)
    teams = channel.get("connected_team_ids") or channel.get("shared_team_ids") or []
    return ChannelFacts(
        channel_id,
        is_shared=bool(channel.get("is_ext_shared")),
        bot_is_member=bool(channel.get("is_member", True)),
        other_teams=tuple(team for team in teams if team != home_team),
    )


def message_text(client: Any, channel_id: str, message_ts: str) -> str:
    """A message's text as typed, read back from the Web API (which returns it escaped, as Slack stores it), or ""
    when Slack does not give it to us. Text read this way enters here, so it is unescaped here, once."""
    try:
        response = client.conversations_history(
            channel=channel_id, latest=message_ts, oldest=message_ts, inclusive=True, limit=1
        )
        messages = response.get("messages") or []
        if not messages:
            replies = client.conversations_replies(channel=channel_id, ts=message_ts, oldest=message_ts,
                                                   inclusive=True, limit=2)
            messages = replies.get("messages") or []
    except SlackApiError as error:
        log.info("could not read the message: %s", error.response.get("error"))
        return ""
    message = next((m for m in messages if m.get("ts") == message_ts), None)
    return unescape(message.get("text") or "") if message else ""
