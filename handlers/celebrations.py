"""Slack adapter for the celebrations feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
