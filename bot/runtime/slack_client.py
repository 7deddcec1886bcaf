"""The Slack Web API client every part of partnerbot uses, pointed at SLACK_API_URL."""

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.runtime.settings import Settings


def build_client(settings: Settings) -> WebClient:
    client = WebClient(token=settings.slack_bot_token or None, base_url=settings.slack_api_url, timeout=15)
    # 429s wait for Retry-After and try again; dropped connections are retried too.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client
