"""The one failure every feature's service raises: what a person asked cannot be done, and why, in their words."""


class FeatureError(Exception):
    """`message` is the friendly reply, Slack mrkdwn already safe to show (user text in it is escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
