"""Slack adapter for the partners feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
