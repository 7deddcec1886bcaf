"""Slack adapter for the resources feature."""

from slack_bolt import App


def register(app: App) -> None:
    pass
