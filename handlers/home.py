"""Slack adapter for the home feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
