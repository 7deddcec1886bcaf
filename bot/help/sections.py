"""What partnerbot can do, feature by feature.

`/partnerbot help`, `@partnerbot help` and the console's `help` all show these sections, so each feature
documents itself in one place.
"""

from bot.directory import commands as directory_commands

SECTIONS: dict[str, str] = {
    "resources": directory_commands.SUMMARY,
    "search": (
        "*Find who can help*\n"
        "`/whohelps food near 97201 in Spanish` · `/whohelps rides to dialysis for seniors` · "
        "`@partnerbot who can help with rent?` (or ask me in a DM) · `/whohelps` alone opens a form\n"
        "Everyday words, abbreviations (LIHEAP, NEMT, SSI), typos and Spanish work; several needs get one answer each"
    ),
    "conferences": (
        "*Case conferences*\n"
        '`/conference #channel "Monthly case conference" every first Tuesday at 10am` (or `every other Thursday '
        "at 3pm`, `on Dec 3 at 2pm`, `in America/Chicago`) · `/conference` opens a form · `/conference list` · "
        "`skip`, `move`, `cancel`, `facilitators`, `agenda <n> add <de-identified case>`, `ics` · "
        "`/conference help`"
    ),
    "partners": (
        "*Partners*\n"
        "`/partner add <name> [type] [#channel]` · `/partner list` · `/partner info <name>` · "
        "`/partner edit <name>` · `/partner mou <name> renews <date>` · `/partner help`"
    ),
    "celebrations": (
        "*Celebrate shared successes*\n"
        "`/celebrate @user [@user…] [with <Partner Org>] for <what>` · `/celebrate recap [month]` · "
        "react with :tada: in a partner channel · `/celebrate help`"
    ),
    "digests": (
        "*Manager digests*\n"
        "`/digest subscribe [daily | weekly on <day>] [at <time>]` (your time zone) · `/digest unsubscribe` · "
        "`/digest preview` sends one now · `/digest help` · the Home tab shows your recent activity"
    ),
}

PRIVACY_NOTE = (
    "_partnerbot never stores patient identifiers: names, record numbers, dates of birth and patients' own "
    "contact details are removed before anything is saved, and you are told what was removed._"
)


def full_help() -> str:
    return "\n\n".join([*SECTIONS.values(), PRIVACY_NOTE])
