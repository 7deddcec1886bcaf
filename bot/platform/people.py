"""Who a Slack user is, looked up once and cached: their time zone and the workspace they belong to.

Lookups call `users.info`, so they happen after the ack, only when a feature needs the answer (see `Actor`), and are
cached per process for an hour. A failed lookup is logged without the payload and answered with defaults.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

CACHE_SECONDS = 3600
CACHE_SIZE = 5000


@dataclass(frozen=True)
class Profile:
    user_id: str
    team_id: str | None  # the person's own workspace
    enterprise_id: str | None
    timezone: str | None  # a zone zoneinfo knows, or None when Slack names none (or one we don't know)
    is_bot: bool = False


def known_zone(name: str | None) -> str | None:
    """`name` when it is an IANA zone this machine knows, else None."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def profile_from_user(user: dict[str, Any]) -> Profile:
    enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
    return Profile(user_id=str(user.get("id") or ""), team_id=user.get("team_id"), enterprise_id=enterprise,
                   timezone=known_zone(user.get("tz")), is_bot=bool(user.get("is_bot")))


class People:
    """A small per-process cache of `users.info` answers, safe to share between threads."""

    def __init__(self, *, ttl_seconds: float = CACHE_SECONDS, size: int = CACHE_SIZE) -> None:
        self._ttl = ttl_seconds
        self._size = size
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()
        self._lock = threading.Lock()

    def profile(self, client: Any, user_id: str) -> Profile | None:
        """The person's profile, or None when Slack cannot say (the error is logged, never the payload)."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(user_id)
            if cached and cached[0] > now:
                self._cache.move_to_end(user_id)
                return cached[1]
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except Exception as error:  # SlackApiError, a network error: answer with defaults
            code = getattr(getattr(error, "response", None), "get", lambda _k: None)("error")
            log.warning("people: users.info failed (%s)", code or type(error).__name__)
            return None
        found = profile_from_user(user)
        with self._lock:
            self._cache[user_id] = (now + self._ttl, found)
            self._cache.move_to_end(user_id)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
