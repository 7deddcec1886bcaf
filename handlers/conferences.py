"""Slack adapter for the conferences feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
