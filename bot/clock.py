"""One source of "now".

Datetimes are timezone-aware UTC everywhere (sqlmodel's datetime columns refuse naive values and return UTC);
convert to a person's zone only for display.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
