"""What people type after /resource, read into typed commands; and the directory's help, written once.

Parsing is pure: no database, no Slack. Bad input raises FeatureError with a friendly message that quotes what
was typed only after redaction (and says what was removed for privacy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.directory.extract import POPULATIONS
from bot.directory.fields import SPEC, SPEC_BY_NAME
from bot.directory.hsds import normalize_language
from bot.platform import vocabulary
from bot.platform.errors import FeatureError
from bot.platform.privacy import redact
from bot.platform.slacktext import safe

HELP = (
    "*Resource directory*\n"
    "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken` "
    "saves a resource (patient details are removed first; you'll see what was removed). When I can't tell the "
    "resource's name, the form opens prefilled instead.\n"
    "`/resource` opens the form · `/resource list [category]` · `/resource show NAME` · "
    "`/resource edit NAME` opens the form · `/resource edit NAME phone 555-0303` changes one detail\n"
    "Entries you logged are yours to edit. `/resource retire NAME` takes back one you added by mistake, as long "
    "as nobody else has logged it and no steward has verified it.\n"
    "Stewards and admins: edit any entry · `/resource verify NAME` · `/resource retire NAME` · "
    "`/resource restore NAME`. They are told when someone flags an entry's info as outdated.\n"
    "`/resource watch on|off`: in this channel, count mentions of known resources and offer to log new ones\n"
    "Admins: `/resource steward add|remove @person` · `/resource stewards`\n"
    "Also: `@partnerbot log resource: DETAILS`, the same in a DM, and the message shortcut "
    "*Log community resource*."
)
SUMMARY = (
    "*Log a community resource*\n"
    "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142` saves it (patient details are removed)\n"
    "`/resource` opens a form · `/resource list [category]` · `/resource show NAME` · "
    "`/resource edit NAME phone 555-0303` · `/resource watch on|off` · `/resource help`"
)
USAGE = (
    "Tell me about a community resource and I'll add it to the shared directory, for example:\n"
    "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken`\n"
    "Or type `/resource` alone to fill in a form. Patient details are removed before anything is saved."
)
MAX_TEXT_LENGTH = 4000
TOO_LONG = (
    f"That's more than {MAX_TEXT_LENGTH:,} characters, so I didn't save anything. "
    "Please send just the resource's name and public details."
)
CLEAR_WORDS = ("none", "clear", "remove", "-", "n/a")


# --- what people type -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddResource:
    """`/resource add DETAILS`, `log resource: DETAILS` in a mention or DM."""

    text: str


@dataclass(frozen=True)
class OpenForm:
    """`/resource` alone."""


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ListResources:
    category_id: str | None = None


@dataclass(frozen=True)
class ShowResource:
    name: str


@dataclass(frozen=True)
class FieldChange:
    field: str  # a name from fields.SPEC
    value: str | tuple[str, ...]  # text, or ids / names for list fields; empty clears the field


@dataclass(frozen=True)
class EditReading:
    name: str
    change: FieldChange | None = None
    problem: str = ""  # why the change cannot be made as typed (a FeatureError message), if this reading is meant


@dataclass(frozen=True)
class EditResource:
    """`/resource edit NAME` (the form) or `/resource edit NAME FIELD VALUE` (one detail). The words can often be
    read more than one way ("Hours of Hope phone 555-0303"): `readings` lists them, most likely first; the
    service takes the first whose name is a resource."""

    readings: tuple[EditReading, ...]

    @property
    def name(self) -> str:
        return self.readings[0].name


@dataclass(frozen=True)
class ManageResource:
    """`/resource verify|retire|restore NAME`."""

    action: str  # verify | retire | restore
    name: str


@dataclass(frozen=True)
class Watch:
    on: bool | None  # None: say whether this channel is watched


@dataclass(frozen=True)
class ChangeSteward:
    user_id: str
    add: bool


@dataclass(frozen=True)
class ListStewards:
    pass


Command = (AddResource | OpenForm | ShowHelp | ListResources | ShowResource | EditResource | ManageResource | Watch
           | ChangeSteward | ListStewards)  # fmt: skip


# --- echoes ---------------------------------------------------------------------------------------------------


def echo(typed: str, limit: int = 80) -> tuple[str, str]:
    """(what someone typed, safe to quote back: redacted, shortened, mass mentions defused, escaped; the privacy
    note when the redaction removed something, else "")."""
    redaction = redact(typed)
    text = " ".join(redaction.text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return safe(text), redaction.summary()


def with_privacy_note(message: str, note: str) -> str:
    return f"{message}\n:lock: {note}" if note else message


def refusal(template: str, typed: str) -> FeatureError:
    """A FeatureError quoting what was typed (`{}` in the template) after redaction, with the privacy note."""
    quoted, note = echo(typed)
    return FeatureError(with_privacy_note(template.format(quoted), note))


# --- parsing --------------------------------------------------------------------------------------------------

_USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# "phone", "zip code", "postal_code": every word people use for a field, longest first, so "zip code" beats "zip".
_FIELD_WORDS = sorted(
    ((word, spec.name) for spec in SPEC for word in {spec.name, spec.name.replace("_", " "), *spec.words}),
    key=lambda pair: -len(pair[0].split()),
)


def parse(text: str) -> Command:
    """What someone typed after /resource (already unescaped), as a command; FeatureError when it isn't one."""
    text = (text or "").strip()
    if not text:
        return OpenForm()
    verb, rest = (text.split(None, 1) + [""])[:2]  # any whitespace, a line break too, ends the verb
    verb, rest = verb.lower(), rest.strip()
    if verb == "add":
        return parse_add(rest)
    if verb in ("help", "?"):
        return ShowHelp()
    if verb == "list":
        return ListResources(parse_category(rest)) if rest else ListResources()
    if verb in ("show", "info", "find"):
        return ShowResource(_required_name(rest, "show"))
    if verb == "edit":
        return parse_edit(rest)
    if verb in ("verify", "retire", "restore"):
        return ManageResource(verb, _required_name(rest, verb))
    if verb == "watch":
        setting = rest.lower()
        return Watch(True if setting == "on" else False if setting == "off" else None)
    if verb in ("steward", "stewards"):
        return parse_stewards(rest)
    quoted, note = echo(verb)
    raise FeatureError(
        with_privacy_note(
            f"I don't know `/resource {quoted}`. To save a resource, start with `add`:\n"
            "`/resource add Eastside Food Pantry, 555-0142`",
            note,
        )
        + "\n\n" + HELP
    )


def parse_add(text: str) -> AddResource:
    text = text.strip()
    if not text:
        raise FeatureError(USAGE)
    if len(text) > MAX_TEXT_LENGTH:
        raise FeatureError(TOO_LONG)
    return AddResource(text)


def parse_category(text: str) -> str:
    found = vocabulary.get(text.strip())
    if found is None:
        known = ", ".join(f"`{c.id}`" for c in vocabulary.categories())
        raise refusal("“{}” isn't a category I know. Categories: " + known, text)
    return found.id


def _required_name(name: str, verb: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise FeatureError(f"Which resource? For example `/resource {verb} Eastside Food Pantry`.")
    return name


def parse_stewards(text: str) -> ChangeSteward | ListStewards:
    action, _, who = text.strip().partition(" ")
    if action.lower() not in ("add", "remove"):
        return ListStewards()
    match = _USER_MENTION.match(who.strip())
    if not match:
        raise FeatureError(f"Mention the person: `/resource steward {action.lower()} @someone`.")
    return ChangeSteward(match.group(1), add=action.lower() == "add")


def parse_edit(text: str) -> EditResource:
    """`NAME` or `NAME FIELD VALUE` ("Hope Shelter phone 555-0303", "Hope Shelter zip code: 97201")."""
    words = text.split()
    if not words:
        raise FeatureError(
            "Which resource? For example `/resource edit Hope Shelter`, or `/resource edit Hope Shelter phone "
            "555-0303` to change one detail."
        )
    readings: list[EditReading] = []
    for start in range(1, len(words)):
        for field_words, field_name in _FIELD_WORDS:
            size = len(field_words.split())
            if " ".join(words[start : start + size]).lower().rstrip(":=") != field_words:
                continue
            name = " ".join(words[:start])
            try:
                readings.append(EditReading(name, _field_change(field_name, " ".join(words[start + size :]))))
            except FeatureError as error:
                readings.append(EditReading(name, problem=error.message))
            break
    readings.append(EditReading(" ".join(words)))
    return EditResource(tuple(readings))


def _field_change(field_name: str, raw: str) -> FieldChange:
    value = re.sub(r"^(?:[:=]\s*|to\s+)", "", raw.strip(), flags=re.IGNORECASE).strip()
    spec = SPEC_BY_NAME[field_name]
    example = "555-0303" if field_name == "phone" else "…"
    if not value:
        raise FeatureError(
            f"What should the {spec.label.lower()} be? For example "
            f"`/resource edit Hope Shelter {field_name.replace('_', ' ')} {example}` "
            f"(or `{field_name.replace('_', ' ')} none` to clear it)."
        )
    if value.lower() in CLEAR_WORDS:
        return FieldChange(field_name, () if spec.is_list else "")
    if not spec.is_list:
        return FieldChange(field_name, value)
    items = [item.strip() for item in re.split(r"[;,]|\band\b", value) if item.strip()]
    if field_name == "categories":
        found = [vocabulary.get(item) for item in items]
        unknown = [item for item, category in zip(items, found, strict=True) if category is None]
        if unknown:
            known = ", ".join(f"`{c.id}`" for c in vocabulary.categories())
            raise refusal("“{}” isn't a category I know. Categories: " + known, ", ".join(unknown))
        return FieldChange(field_name, tuple(dict.fromkeys(c.id for c in found)))
    if field_name == "populations":
        unknown = [item for item in items if item.lower() not in POPULATIONS]
        if unknown:
            raise refusal("“{}” isn't a group I know. Groups: " + ", ".join(POPULATIONS), ", ".join(unknown))
        return FieldChange(field_name, tuple(dict.fromkeys(item.lower() for item in items)))
    return FieldChange(field_name, tuple(dict.fromkeys(normalize_language(item) for item in items)))
