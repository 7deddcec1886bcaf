"""Logging that never contains user-typed text.

partnerbot's own log lines carry ids, kinds and counts only. Slack and database libraries log request and
response bodies at DEBUG and INFO, which would include what people typed, so they are held at WARNING whatever
LOG_LEVEL says.
"""

import logging
import sys

CHATTY_LIBRARIES = ("slack_bolt", "slack_sdk", "urllib3", "sqlalchemy", "alembic", "apscheduler", "gunicorn.access")


def configure(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(getattr(handler, "_partnerbot", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._partnerbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
