"""The dates people type in `/partner mou NAME renews DATE`.

SEAM: the case-conference feature is exposing a shared date parser (issue 14 lists the same refused dates for
`/conference` and `/digest`). Until it lands, this module is the partner registry's own reader and the only place
that reads a typed date for partners; when it lands, `read_date` becomes a call to it and the tables below go.
The contract the registry relies on: `read_date(text, today) -> date`, raising FeatureError with a friendly message.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot.partners.names import echo
from bot.platform.errors import FeatureError

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9,
            "twelve": 12, "eighteen": 18}  # fmt: skip
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
EXAMPLES = "2027-03-31, March 31, next June, in 60 days or today"


def _next_month_start(month: int, today: date) -> date:
    """The first day of the next `month` that has not begun yet ("next June", "June")."""
    year = today.year if month > today.month else today.year + 1
    return date(year, month, 1)


def _relative(raw: str, today: date) -> date | None:
    if raw in ("today", "now"):
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    if raw == "next week":
        return today + timedelta(weeks=1)
    if raw == "next month":
        return today.replace(day=1) + relativedelta(months=1)
    if m := re.fullmatch(r"in (\d{1,4}|[a-z]+) (day|week|month|year)s?", raw):
        count = int(m[1]) if m[1].isdigit() else _NUMBERS.get(m[1])
        if count is None:
            return None
        return today + relativedelta(**{_UNITS[m[2]]: count})
    if (m := re.fullmatch(r"(?:next )?([a-z]+)\.?", raw)) and m[1] in MONTHS:
        return _next_month_start(MONTHS[m[1]], today)
    if (m := re.fullmatch(r"([a-z]+)\.? (\d{4})", raw)) and m[1] in MONTHS:
        return date(int(m[2]), MONTHS[m[1]], 1)
    return None


def read_date(text: str, today: date) -> date:
    """A date as people write it: 2027-03-31, 3/31/2027 (US order), March 31 2027, 31 Mar 2027, March 31 (the next
    one), today, tomorrow, in 60 days / 3 months / a year, next June or June 2027 (the first of that month)."""
    raw = " ".join(text.lower().replace(",", " ").split()).removesuffix(".").removeprefix("on ")
    try:
        if (relative := _relative(raw, today)) is not None:
            return relative
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", raw):  # US order, month first
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[1]), int(m[2]))
        if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", raw):
            month, day, year = MONTHS.get(m[1]), int(m[2]), m[3]
        elif m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?", raw):
            month, day, year = MONTHS.get(m[2]), int(m[1]), m[3]
        else:
            month = None
        if month:
            if year:
                return date(int(year), month, day)
            candidate = date(today.year, month, day)
            return candidate if candidate >= today else date(today.year + 1, month, day)
    except (ValueError, OverflowError):
        raise FeatureError(f"“{echo(text)}” is not a real date. Try something like {EXAMPLES}.") from None
    raise FeatureError(f"I couldn't read “{echo(text)}” as a date. Try something like {EXAMPLES}.")
