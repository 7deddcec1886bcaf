"""The Slack side of the outbox: the client a sender posts through, and finding a post again after a crash.

Every outbox post carries message metadata naming its row (event type `partnerbot_outbox`, the row's key and
workspace) and every upload a file name carrying the row's token, so `find_posted` can tell from the channel's
history whether a send whose process died reached Slack (see bot.platform.outbox for the guarantee).
"""

import hashlib
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

SLACK_TIMEOUT_SECONDS = 10
METADATA_EVENT_TYPE = "partnerbot_outbox"
HISTORY_PAGES = 10


class OneSendPerRow(Exception):
    """A sender tried a second post for one row; each row is one Slack message or one file."""


def row_token(team_id: str, key: str) -> str:
    """A short name for a row, unique in practice, put into uploaded file names so a file can be found again."""
    return hashlib.sha256(f"{team_id}:{key}".encode()).hexdigest()[:10]


def unique_filename(filename: str, token: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-{token}.{extension}" if dot and stem else f"{filename}-{token}"


class OutboxClient:
    """The Web API as a sender sees it: reads pass through; the row's one post (`chat_postMessage`) or upload
    (`files_upload_v2`) is fenced by the claim and made findable (message metadata, a unique file name)."""

    READS = frozenset({"conversations_open", "conversations_info", "users_info", "chat_getPermalink", "auth_test"})

    def __init__(self, client: WebClient, begin_send: Callable[[str], None], team_id: str, key: str) -> None:
        self._client = client
        self._begin_send = begin_send
        self._team_id = team_id
        self._key = key
        self.posted: dict[str, Any] | None = None
        self.channel: str | None = None

    def __getattr__(self, name: str) -> Any:
        if name in self.READS:
            return getattr(self._client, name)
        raise AttributeError(f"an outbox sender may read ({', '.join(sorted(self.READS))}) and make one post; "
                             f"{name} is neither")

    def _start(self, channel: str) -> None:
        if self.posted is not None:
            raise OneSendPerRow(self._key)
        self._begin_send(channel)
        self.channel = channel
        self.posted = {}

    def chat_postMessage(self, **kwargs: Any) -> Any:  # noqa: N802 (Slack's method name)
        self._start(str(kwargs.get("channel") or ""))
        kwargs["metadata"] = {"event_type": METADATA_EVENT_TYPE,
                              "event_payload": {"key": self._key, "team_id": self._team_id}}
        response = self._client.chat_postMessage(**kwargs)
        self.posted = {"ts": response.get("ts"), "channel": response.get("channel")}
        return response

    def files_upload_v2(self, **kwargs: Any) -> Any:
        self._start(str(kwargs.get("channel") or ""))
        kwargs["filename"] = unique_filename(str(kwargs.get("filename") or "file"), row_token(self._team_id, self._key))
        response = self._client.files_upload_v2(**kwargs)
        self.posted = {"ts": None, "channel": kwargs.get("channel")}
        return response


def dispatch_client(client: WebClient) -> WebClient:
    """The same Slack connection without retry handlers: the dispatcher must never sleep for Retry-After while it
    holds claims, nor retry a post blindly after a dropped connection (it may have been posted)."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=SLACK_TIMEOUT_SECONDS,
                     headers=dict(client.headers or {}), retry_handlers=[])


def find_posted(client: WebClient, row: Any) -> str | None:
    """The ts of the row's message (or file share) in its channel since its send started, or None if absent."""
    channel = row.target
    if not channel:
        return None
    if channel[:1] in ("U", "W"):  # posted to a person: Slack put it in the bot's DM with them
        channel = client.conversations_open(users=channel)["channel"]["id"]
    token = row_token(row.team_id, row.key)
    oldest = f"{row.sending_at.timestamp() - 5:.6f}"
    cursor = None
    for _page in range(HISTORY_PAGES):
        page = client.conversations_history(channel=channel, oldest=oldest, limit=200, include_all_metadata=True,
                                            cursor=cursor)
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            carried = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT_TYPE and carried.get("key") == row.key \
                    and carried.get("team_id", row.team_id) == row.team_id:
                return str(message.get("ts") or "")
            if any(token in str(item.get("name") or "") for item in message.get("files") or []):
                return str(message.get("ts") or "")
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
