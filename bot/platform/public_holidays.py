"""Public holidays of the team's country, from the maintained `holidays` package (python-holidays).

The country is the HOLIDAY_COUNTRY setting: an ISO 3166 code such as `US` (the default), optionally with a
subdivision such as `US-CA` or `DE-BY`; `none` turns holiday checks off. Only public holidays count, including the
"observed" weekdays when a holiday falls on a weekend (Independence Day observed on Friday July 3, 2026).
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays as calendars

OFF = ("none", "off", "no")


def check_country(setting: str) -> str | None:
    """The canonical form of a HOLIDAY_COUNTRY value (`us` -> `US`, `us-ca` -> `US-CA`), None when checks are off;
    ValueError with a fix-it message for a country or subdivision the package does not know."""
    cleaned = setting.strip().upper()
    if cleaned.lower() in OFF:
        return None
    country, _, subdivision = cleaned.partition("-")
    try:
        calendars.country_holidays(country, subdiv=subdivision or None, years=date.today().year)
    except NotImplementedError:
        raise ValueError(
            f"HOLIDAY_COUNTRY must be an ISO 3166 country code such as US, optionally with a subdivision such "
            f"as US-CA, or none (got {setting!r})."
        ) from None
    return cleaned


@functools.lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> dict[date, str]:
    code, _, subdivision = country.partition("-")
    return dict(calendars.country_holidays(code, subdiv=subdivision or None, years=year).items())


def holiday_on(day: date, country: str | None) -> str | None:
    """The name of the public holiday on `day` in `country` (a checked HOLIDAY_COUNTRY value), or None."""
    if not country:
        return None
    return _calendar(country, day.year).get(day)


def is_working_day(day: date, country: str | None) -> bool:
    return day.weekday() < 5 and holiday_on(day, country) is None


def nearest_working_day(day: date, country: str | None, *, not_before: date) -> date | None:
    """Where a meeting on a holiday would naturally go: the next working day when it is in the same week (a Monday
    holiday moves to Tuesday), else the working day before (a Friday holiday moves to Thursday), else the next
    working day; never before `not_before`. None when no working day is found within two weeks."""
    after = next((day + timedelta(days=n) for n in range(1, 15) if is_working_day(day + timedelta(days=n), country)),
                 None)  # fmt: skip
    before = next((day - timedelta(days=n) for n in range(1, 5) if is_working_day(day - timedelta(days=n), country)),
                  None)  # fmt: skip
    same_week = lambda other: other is not None and other.isocalendar()[:2] == day.isocalendar()[:2]  # noqa: E731
    for candidate in (after if same_week(after) else None, before if same_week(before) else None, after):
        if candidate is not None and candidate >= not_before:
            return candidate
    return None
