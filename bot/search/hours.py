"""When a resource should be open, as people ask it: "open Saturday", "on weekends", "after 5pm", "late tonight",
"at 2am", "24/7". Pure: read from the question by bot.search.query, matched against hours by bot.search.ranking."""

from __future__ import annotations

import re

from bot.platform import vocabulary

__all__ = ["HOURS_PATTERNS", "OPEN_WHEN_LABELS", "take_open_when"]

# When it should be open: "open Saturday", "on weekends", "after 5pm", "late tonight", "at 2am", "24/7". A bare
# "late" is a time only when it is open late: "late on rent" is not.
_DAYS = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
         "saturday": "sat", "sunday": "sun", "sabado": "sat", "domingo": "sun"}  # fmt: skip
_OPEN_WHEN = (
    (re.compile(r"\b(?:open\s+)?(?:on\s+)?(?:the\s+)?weekends?\b|\bfin(?:es)? de semana\b", re.I), ("sat", "sun")),
    (re.compile(r"\b(?:open\s+)?(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|s[aá]bado|domingo)s?\b",
                re.I), ()),
    (re.compile(r"\b(?:open\s+)?(?:at\s+(?:1[01]|midnight)\s*(?::\d\d\s*)?(?:pm|p\.m\.)?)(?!\w)", re.I), ("overnight",)),
    (re.compile(r"\b(?:open\s+)?(?:(?:after|at|past|until|till)\s+(?:[5-9]|1[01])\s*(?::\d\d\s*)?(?:pm|p\.m\.)"
                r"|after\s+(?:[5-9]|1[01])\s*(?::00\s*)?|in the evenings?|evenings?|"
                r"after work|after hours|de noche|por la noche)\b", re.I), ("evening",)),
    (re.compile(r"\b(?:open\s+)?(?:late\s+(?:tonight|at night|night)|tonight|(?<=open )late|overnight|middle of the night|"
                r"at\s+(?:1[0-2]|[1-4])\s*(?:am|a\.m\.)|24\s*/\s*7|24 hours|around the clock|right now)\b", re.I),
     ("overnight",)),
)
OPEN_WHEN_LABELS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
                     "sat": "Saturday", "sun": "Sunday", "evening": "evenings", "overnight": "late at night"}  # fmt: skip


# "lights are getting shut off friday", "court date on Monday": a day that is a deadline is not when to be open.
_DEADLINE_BEFORE = re.compile(r"\b(?:off|due|by|before|until|court|hearing|evicted|eviction|deadline|expires?)"
                              r"(?:\s+(?:date|is))?(?:\s+(?:on|this|next))?\s*$", re.I)


def take_open_when(text: str) -> tuple[list[str], str]:
    found: list[str] = []
    for pattern, keys in _OPEN_WHEN:
        def keep(match: re.Match, keys=keys) -> str:
            if match.lastindex and _DEADLINE_BEFORE.search(match.string[max(0, match.start() - 30) : match.start()]):
                return " "
            day = _DAYS.get(vocabulary.normalize(match.group(1))) if match.lastindex else None
            for key in (day,) if day else keys:
                if key not in found:
                    found.append(key)
            return " "

        text = pattern.sub(keep, text)
    return found, text


# What a resource's hours text says when it is open then (LIKE patterns on lower-cased hours; days match by name).
_ALWAYS = ("%24/7%", "%24 hours%", "%24 hrs%", "%24-hour%", "%around the clock%")
HOURS_PATTERNS = {
    "evening": (*_ALWAYS, "%6pm%", "%7pm%", "%8pm%", "%9pm%", "%10pm%", "%11pm%", "%midnight%", "%6 pm%", "%7 pm%",
                "%8 pm%", "%9 pm%", "%10 pm%", "%-6p%", "%-7p%", "%-8p%", "%-9p%", "%evening%"),
    "overnight": (*_ALWAYS, "%overnight%", "%midnight%", "%10pm%", "%11pm%"),
}  # fmt: skip
