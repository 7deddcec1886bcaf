"""What partnerbot can do, feature by feature.

`/partnerbot help`, `@partnerbot help` and the console's `help` all show these sections, so each feature
documents itself in one place.
"""

from bot.celebrations.commands import SUMMARY as CELEBRATIONS_SUMMARY
from bot.conferences import commands as conferences_commands
from bot.digests import commands as digests_commands
from bot.partners.commands import SUMMARY as PARTNERS_SUMMARY

SECTIONS: dict[str, str] = {
    "resources": (
        "*Log a community resource*\n"
        "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142` saves it (patient details are removed)\n"
        "`/resource` opens a form · `/resource list [category]` · `/resource show <name>` · "
        "`/resource watch on|off` · `/resource help`"
    ),
    "search": (
        "*Find who can help*\n"
        "`/whohelps food near 97201 in Spanish` · `/whohelps rides to dialysis for seniors` · "
        "`@partnerbot who can help with rent?` (or ask me in a DM) · `/whohelps` alone opens a form\n"
        "Everyday words, abbreviations (LIHEAP, NEMT, SSI), typos and Spanish work; several needs get one answer each"
    ),
    "conferences": conferences_commands.SUMMARY,
    "partners": PARTNERS_SUMMARY,
    "celebrations": CELEBRATIONS_SUMMARY,
    "digests": digests_commands.SUMMARY,
}

PRIVACY_NOTE = (
    "_partnerbot never stores patient identifiers: names, record numbers, dates of birth and patients' own "
    "contact details are removed before anything is saved, and you are told what was removed._"
)


def full_help() -> str:
    return "\n\n".join([*SECTIONS.values(), PRIVACY_NOTE])
