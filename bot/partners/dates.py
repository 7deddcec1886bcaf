"""The dates people type in `/partner mou NAME renews DATE`: the platform's one grammar of days
(bot/platform/dates.py), so a partner renewal reads every date a conference or a digest reads."""

from __future__ import annotations

from datetime import date

from bot.platform.dates import parse_day

EXAMPLES = "2027-03-31, March 31, next June, in 60 days or today"


def read_date(text: str, today: date) -> date:
    """A date as people write it: 2027-03-31, 3/31/2027 (US order), March 31 2027, 31 Mar 2027, March 31 (the next
    one), today, tomorrow, in 60 days / 3 months / a year, next June or June 2027 (the first of that month), next
    month. Raises DateError (a FeatureError) with a message safe to show."""
    return parse_day(text.strip().removeprefix("on "), today)
