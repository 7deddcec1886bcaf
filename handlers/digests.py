"""Slack adapter for the digests feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
