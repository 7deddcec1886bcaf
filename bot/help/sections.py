"""What partnerbot can do, feature by feature.

`/partnerbot help`, `@partnerbot help` and the console's `help` all show these sections, so each feature
documents itself in one place.
"""

from bot.celebrations.commands import SUMMARY as CELEBRATIONS_SUMMARY
from bot.conferences import commands as conferences_commands
from bot.digests import commands as digests_commands
from bot.directory import commands as directory_commands
from bot.partners.commands import SUMMARY as PARTNERS_SUMMARY
from bot.referrals.commands import SUMMARY as REFERRALS_SUMMARY

SECTIONS: dict[str, str] = {
    "resources": directory_commands.SUMMARY,
    "search": (
        "*Find who can help*\n"
        "`/whohelps food near 97201 in Spanish` · `/whohelps rides to dialysis for seniors` · "
        "`@partnerbot who can help with rent?` (or ask me in a DM) · `/whohelps` alone opens a form\n"
        "Everyday words, abbreviations (LIHEAP, NEMT, SSI), typos and Spanish work; several needs get one answer each"
    ),
    "conferences": conferences_commands.SUMMARY,
    "partners": PARTNERS_SUMMARY,
    "referrals": REFERRALS_SUMMARY,
    "celebrations": CELEBRATIONS_SUMMARY,
    "digests": digests_commands.SUMMARY,
}

PRIVACY_NOTE = (
    "_partnerbot never stores patient identifiers: names, record numbers, dates of birth and patients' own "
    "contact details are removed before anything is saved, and you are told what was removed._"
)


def full_help() -> str:
    return "\n\n".join([*SECTIONS.values(), PRIVACY_NOTE])
