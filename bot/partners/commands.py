"""What people type after /partner, read into typed requests: names, kinds, channels and dates."""

import re
from dataclasses import dataclass
from datetime import date

from bot.platform.privacy import redact
from bot.platform.slacktext import safe

KIND_LABELS = {
    "strategic_alliance": "Strategic alliance",
    "project_partnership": "Project partnership",
    "resource_sharing": "Resource sharing",
    "advocacy_coalition": "Advocacy coalition",
}
AGREEMENT_LABELS = {
    "mou": "MOU",
    "data_sharing": "Data-sharing agreement",
    "service_exchange": "Service exchange",
}
MAX_NAME_LENGTH = 200


class PartnerError(Exception):
    """Something the person asked for cannot be done; str(error) is the friendly message to show them."""


# --------------------------------------------------------------------------------------------------------------
# Parsing what people type
# --------------------------------------------------------------------------------------------------------------

CHANNEL_REF = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_BARE_CHANNEL = re.compile(r"(?<![\w<])#[\w-]+")
_KIND_SUFFIX = {
    kind: re.compile(
        r"(?:^|[\s,;(\-–])(?:as\s+(?:an?\s+)?)?" + label.lower().replace(" ", r"[\s_-]+") + r"\)?\s*$",
        re.IGNORECASE,
    )
    for kind, label in KIND_LABELS.items()
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class PartnerAddRequest:
    name: str
    kind: str | None
    channel_ids: tuple[str, ...]


def snippet(text: str, limit: int = 80) -> str:
    """What someone typed, shortened for echoing back in a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def echo(text: str) -> str:
    """What someone typed, safe to quote back to them: redacted, shortened, mass mentions defused, escaped."""
    return safe(snippet(redact(text).text))


def normalize_name(name: str) -> str:
    """Case, punctuation and spacing do not make a different organization ("Eastside Food Bank, Inc.")."""
    return " ".join(re.sub(r"[^\w\s&]", " ", name.lower()).split())


def clean_name(raw: str) -> str:
    name = " ".join(raw.split()).strip(" ,;:-–\"'")
    if not name or not re.search(r"\w", name):
        raise PartnerError(
            "Which organization? For example: `/partner add Eastside Food Bank resource sharing #eastside`"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise PartnerError(f"That name is longer than {MAX_NAME_LENGTH} characters; please shorten it.")
    return name


def parse_kind(text: str) -> str | None:
    """A partnership type from its label or id ("Resource sharing", "resource_sharing"); None if unknown."""
    wanted = normalize_name(text.replace("_", " "))
    for kind, label in KIND_LABELS.items():
        if wanted == label.lower():
            return kind
    return None


def parse_partner_add(text: str) -> PartnerAddRequest:
    """`<name> [type] [#channel]`: channels may appear anywhere, the type ends the name."""
    channel_ids = tuple(dict.fromkeys(CHANNEL_REF.findall(text)))
    rest = CHANNEL_REF.sub(" ", text)
    if _BARE_CHANNEL.search(rest):
        raise PartnerError(
            "I couldn't tell which channel that is. Pick it from the list Slack shows when you type `#`, "
            "so it turns into a link."
        )
    rest = " ".join(rest.split()).rstrip(" .,;")
    kind = None
    for candidate, pattern in _KIND_SUFFIX.items():
        match = pattern.search(rest)
        if match:
            kind, rest = candidate, rest[: match.start()]
            break
    return PartnerAddRequest(name=clean_name(rest), kind=kind, channel_ids=channel_ids)


def parse_date(text: str, today: date) -> date:
    """A date as people write it: 2027-03-31, 3/31/2027, March 31 2027, 31 Mar 2027, or March 31 (the next one)."""
    raw = " ".join(text.lower().replace(",", " ").split()).removesuffix(".")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", raw):  # US order, month first
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[1]), int(m[2]))
        if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", raw):
            month, day, year = _MONTHS.get(m[1]), int(m[2]), m[3]
        elif m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?", raw):
            month, day, year = _MONTHS.get(m[2]), int(m[1]), m[3]
        else:
            month = None
        if month:
            if year:
                return date(int(year), month, day)
            candidate = date(today.year, month, day)
            return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        raise PartnerError(f"“{echo(text)}” is not a real date. Try something like 2027-03-31.") from None
    raise PartnerError(
        f"I couldn't read “{echo(text)}” as a date. Try something like 2027-03-31 or March 31, 2027."
    )


def parse_mou(text: str, today: date) -> tuple[str, date]:
    """`<name> renews <date>`."""
    match = re.fullmatch(r"(.+?)\s+renews?(?:\s+on)?\s+(.+)", " ".join(text.split()), re.IGNORECASE)
    if not match:
        raise PartnerError(
            "Tell me the partner and the renewal date, for example: `/partner mou Eastside Food Bank renews 2027-03-31`"
        )
    return clean_name(match[1]), parse_date(match[2], today)
