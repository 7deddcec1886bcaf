"""Settings from the environment and `.env` (python-dotenv; a variable already in the environment wins).

A missing or invalid setting stops start-up with one line that names the variable and says how to fix it.
"""

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.platform.public_holidays import check_country
from bot.runtime.work import default_work_threads, machine_cores

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///./partnerbot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(Exception):
    """A setting is missing or invalid; str(error) is the one line to show the operator."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    # Where HTTP mode (and Socket Mode's health check) listens; 0.0.0.0 is every interface.
    host: str = "0.0.0.0"
    # Server processes (PostgreSQL only: the embedded SQLite shape is always one process) and the threads in each
    # that accept Slack's requests; they only verify, acknowledge and hand over.
    web_processes: int = 1
    web_threads: int = 8
    # The pool that does the work after the ack, per process, and how many jobs may wait for it.
    work_threads: int = field(default_factory=default_work_threads)
    work_queue: int = 0  # 0: eight per work thread
    default_timezone: str = "America/New_York"
    log_level: str = "INFO"
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    tick_seconds: float = 5.0
    reminder_grace_minutes: int = 60
    celebration_emoji: str = "tada"
    celebration_daily_limit: int = 10
    holiday_country: str | None = "US"  # public holidays flagged on conference dates; None: no checks
    referral_answer_days: int = 2  # business days without an answer before the partner is nudged
    referral_outcome_days: int = 14  # days after acceptance without an outcome before the referrer is nudged

    def __post_init__(self) -> None:
        if not self.work_queue:
            object.__setattr__(self, "work_queue", 8 * self.work_threads)

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def require_slack(self) -> None:
        """Connecting to Slack needs a bot token and, in HTTP mode, the signing secret."""
        if not self.slack_bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be the bot token (xoxb-…) from your Slack app's OAuth & Permissions page.")
        if self.socket_mode and not self.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write, or be left empty for HTTP mode.")
        if not self.socket_mode and not self.slack_signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET is required in HTTP mode: copy it from your Slack app's Basic Information page.")


N = TypeVar("N", int, float)


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    return _number(env, name, default, minimum, maximum, int, "a whole number")


def _float(env: Mapping[str, str], name: str, default: float, minimum: float, maximum: float) -> float:
    return _number(env, name, default, minimum, maximum, float, "a number of seconds")


def _number(env: Mapping[str, str], name: str, default: N, minimum: N, maximum: N, read: Callable[[str], N],
            what: str) -> N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = read(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {what} (got {raw!r}); for example {name}={default}.") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum} (got {value}).")
    return value


def _user_ids(env: Mapping[str, str], name: str) -> frozenset[str]:
    ids = [part.strip() for part in env.get(name, "").replace(";", ",").split(",") if part.strip()]
    for user_id in ids:
        if not (user_id[:1] in "UW" and user_id[1:].isalnum() and user_id.isupper()):
            raise SettingsError(f"{name} must list Slack member ids such as U0123ABCD, separated by commas (got {user_id!r}).")
    return frozenset(ids)


def _host(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip() or Settings.host
    bare = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", bare):
        return bare
    raise SettingsError(f"{name} must be an address to listen on such as 0.0.0.0, 127.0.0.1 or :: (got {raw!r}).")


def settings_from(env: Mapping[str, str]) -> Settings:
    """Builds Settings from a mapping of variables; raises SettingsError with a fix-it message."""
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_SLACK_API_URL} (got {api_url!r}).")
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if database_url.startswith(("postgres://", "postgresql://")):
        # psycopg 3 is the driver we ship; accept the common spellings of a PostgreSQL URL.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    if not database_url.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgresql+psycopg:// "
            f"(for example {DEFAULT_DATABASE_URL})."
        )

    timezone = env.get("DEFAULT_TIMEZONE", "").strip() or Settings.default_timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"DEFAULT_TIMEZONE must be an IANA time zone name such as America/Chicago (got {timezone!r})."
        ) from None

    log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {log_level!r}).")

    emoji = env.get("CELEBRATION_EMOJI", "").strip().strip(":") or Settings.celebration_emoji
    if not all(ch.isalnum() or ch in "_+-" for ch in emoji):
        raise SettingsError(f"CELEBRATION_EMOJI must be an emoji name such as tada (got {emoji!r}).")

    try:
        holiday_country = check_country(env.get("HOLIDAY_COUNTRY", "").strip() or "US")
    except ValueError as error:
        raise SettingsError(str(error)) from None
    sqlite = database_url.startswith("sqlite")
    processes = _int(env, "WEB_PROCESSES", 1 if sqlite else machine_cores(), 1, 64)
    if sqlite and processes != 1:
        raise SettingsError("WEB_PROCESSES must be 1 with SQLite (one process owns the file); use PostgreSQL "
                            "in DATABASE_URL for more.")
    work_threads = _int(env, "WORK_THREADS", default_work_threads(), 1, 256)

    return Settings(
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        slack_api_url=api_url,
        database_url=database_url,
        port=_int(env, "PORT", 3000, 1, 65535),
        host=_host(env, "HOST"),
        web_processes=processes,
        web_threads=_int(env, "WEB_THREADS", Settings.web_threads, 1, 256),
        work_threads=work_threads,
        work_queue=_int(env, "WORK_QUEUE", 8 * work_threads, 1, 100_000),
        default_timezone=timezone,
        log_level=log_level,
        admin_user_ids=_user_ids(env, "ADMIN_USER_IDS"),
        tick_seconds=_float(env, "TICK_SECONDS", 5.0, 0.05, 60.0),
        reminder_grace_minutes=_int(env, "REMINDER_GRACE_MINUTES", 60, 0, 7 * 24 * 60),
        celebration_emoji=emoji,
        celebration_daily_limit=_int(env, "CELEBRATION_DAILY_LIMIT", 10, 1, 1000),
        holiday_country=holiday_country,
        referral_answer_days=_int(env, "REFERRAL_ANSWER_DAYS", 2, 1, 30),
        referral_outcome_days=_int(env, "REFERRAL_OUTCOME_DAYS", 14, 1, 365),
    )


def load_settings(env_file: str | Path = ".env") -> Settings:
    """Reads `.env` (if present) under the real environment, which wins."""
    merged = {key: value for key, value in dotenv_values(env_file).items() if value is not None}
    merged.update(os.environ)
    return settings_from(merged)
