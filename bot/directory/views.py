"""Block Kit for the resource directory: the saved card, the form, lists, the watch suggestion and help.

Pure functions of data (a Resource row or ResourceFields); every stored or typed string shown in mrkdwn goes
through `safe` (mass mentions defused, control characters escaped).
"""

from __future__ import annotations

import json

from bot.directory.extract import POPULATIONS
from bot.directory.fields import MAX_LENGTHS, ResourceFields
from bot.platform import vocabulary
from bot.platform.blocks import clip
from bot.platform.slacktext import safe

MODAL_CALLBACK = "resource_modal"
OPEN_MODAL_ACTION = "open_resource_modal"
EDIT_ACTION = "resource_edit"
UNDO_ACTION = "resource_undo"
BUTTON_VALUE_LIMIT = 1900  # Slack allows 2,000 characters in a button value

HELP_TEXT = (
    "*Resource directory*\n"
    "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken` "
    "saves a resource (patient details are removed first; you'll see what was removed)\n"
    "`/resource` opens the form · `/resource list [category]` · `/resource show <name>` · "
    "`/resource edit <name>` (your own entries; stewards and admins: any)\n"
    "Stewards and admins: `/resource verify <name>` · `/resource retire <name>` · `/resource restore <name>`\n"
    "`/resource watch on|off`: in this channel, count mentions of known resources and offer to log new ones\n"
    "Admins: `/resource steward add|remove @person` · `/resource stewards`\n"
    "Also: `@partnerbot log resource: <details>`, the same in a DM, and the message shortcut "
    "*Log community resource*."
)

# (block id, label, multiline, placeholder)
_TEXT_INPUTS = (
    ("name", "Name", False, "Eastside Food Pantry"),
    ("organization", "Organization", False, "Eastside Community Services"),
    ("description", "What they offer", True, "Groceries and fresh produce"),
    ("phone", "Phone", False, "555-0142"),
    ("email", "Email", False, "pantry@example.org"),
    ("website", "Website", False, "https://example.org"),
    ("address", "Street address", False, "12 Main St"),
    ("city", "City", False, "Eastport"),
    ("state", "State", False, "OR"),
    ("postal_code", "ZIP code", False, "97201"),
    ("hours", "Hours", False, "Tue/Thu 2-6pm"),
    ("languages", "Languages (separate with ;)", False, "English; Spanish"),
    ("eligibility", "Who can use it", True, "Residents of Eastport; no ID required"),
)


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def category_names(ids: list[str]) -> list[str]:
    names = []
    for category_id in ids:
        category = vocabulary.get(category_id)
        names.append(category.display_name if category else category_id)
    return names


def resource_summary(resource) -> str:
    """The card's body in mrkdwn: name, what, how to reach it, when, for whom."""
    lines = [
        f"*{safe(resource.name)}*" + (f" ({safe(resource.organization)})" if resource.organization else "")
    ]
    if resource.description:
        lines.append(safe(resource.description))
    categories = category_names(_split(resource.categories))
    if categories:
        lines.append(":label: " + ", ".join(categories))
    contact = [safe(v) for v in (resource.phone, resource.email, resource.website) if v]
    if contact:
        lines.append(":telephone_receiver: " + " · ".join(contact))
    place = ", ".join(
        safe(v) for v in (resource.address, resource.city, resource.state, resource.postal_code) if v
    )
    if place:
        lines.append(":round_pushpin: " + place)
    if resource.hours:
        lines.append(":clock3: " + safe(resource.hours))
    if resource.languages:
        lines.append(":speech_balloon: " + safe(", ".join(_split(resource.languages))))
    if resource.eligibility:
        lines.append(":ballot_box_with_check: " + safe(resource.eligibility))
    if resource.populations:
        lines.append(":busts_in_silhouette: " + safe(", ".join(_split(resource.populations))))
    return clip("\n".join(lines))


def _status_line(resource) -> str:
    parts = [f"Mentioned {resource.mention_count} time{'s' if resource.mention_count != 1 else ''}"]
    if resource.verified_at is not None:
        parts.append(f"verified by <@{resource.verified_by}> on {resource.verified_at:%Y-%m-%d}")
    else:
        parts.append("not verified yet")
    if resource.source == "demo":
        parts.append("*demo entry*")
    elif resource.source == "import":
        parts.append("imported")
    if resource.retired_at is not None:
        parts.append(f"retired on {resource.retired_at:%Y-%m-%d}")
    return " · ".join(parts)


def resource_card(
    resource,
    *,
    headline: str = "",
    privacy_note: str = "",
    notes: list[str] | tuple[str, ...] = (),
    log_entry_id: int | None = None,
    can_edit: bool = True,
) -> list[dict]:
    """A saved (or shown) resource with its Edit and, right after logging, Undo buttons."""
    blocks: list[dict] = []
    if headline:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": headline}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": resource_summary(resource)}})
    context = [_status_line(resource)]
    if privacy_note:
        context.append(":lock: " + privacy_note)
    context.extend(notes)
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t)} for t in context[:10]]}
    )
    buttons = []
    if can_edit and resource.id is not None:
        buttons.append(
            {"type": "button", "action_id": EDIT_ACTION, "text": _plain("Edit"), "value": str(resource.id)}
        )
    if log_entry_id is not None:
        buttons.append(
            {"type": "button", "action_id": UNDO_ACTION, "text": _plain("Undo"), "value": str(log_entry_id)}
        )
    if buttons:
        blocks.append({"type": "actions", "block_id": "resource_actions", "elements": buttons})
    return blocks


def logged_text(status: str, resource) -> str:
    """The notification text (shown where blocks are not) for a log."""
    if status == "merged":
        return f"Already in the directory: {safe(resource.name)}. Counted one more mention."
    return f"Saved to the directory: {safe(resource.name)}."


def log_headline(status: str, filled: list[str], kept: list[str]) -> str:
    if status == "merged":
        text = ":repeat: *Already in the directory*, so I counted one more mention."
        if filled:
            text += " Added: " + ", ".join(_label(f) for f in filled) + "."
        if kept:
            text += (
                " Different from what's saved (kept the saved "
                + ", ".join(_label(f) for f in kept)
                + "; use Edit if it changed)."
            )
        return text
    return ":white_check_mark: *Saved to the directory.*"


def _label(field_name: str) -> str:
    return field_name.replace("_", " ")


def _option(value: str, text: str) -> dict:
    return {"text": _plain(text[:75]), "value": value}


def resource_modal(
    fields: ResourceFields,
    *,
    resource_id: int | None = None,
    channel_id: str | None = None,
    notice: str = "",
) -> dict:
    """The form with every field; prefilled for edits and from redacted text. `notice` explains the prefill."""
    blocks: list[dict] = []
    if notice:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(notice)}]})
    for block_id, label, multiline, placeholder in _TEXT_INPUTS:
        value = "; ".join(fields.languages) if block_id == "languages" else getattr(fields, block_id)
        element = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
            "max_length": MAX_LENGTHS[block_id],
            "placeholder": _plain(placeholder),
        }
        if value:
            element["initial_value"] = value[: MAX_LENGTHS[block_id]]
        blocks.append(
            {
                "type": "input",
                "block_id": block_id,
                "optional": block_id != "name",
                "label": _plain(label),
                "element": element,
            }
        )
        if block_id == "description":
            blocks.append(_categories_input(fields.categories))
    blocks.append(_populations_input(fields.populations))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": (
                        ":lock: Public details of the resource only. Patient names, dates of birth, record numbers and "
                        "patients' own contact details are removed before saving."
                    ),
                }
            ],
        }
    )
    metadata = json.dumps({"resource_id": resource_id, "channel_id": channel_id})
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": metadata,
        "title": _plain("Edit resource" if resource_id else "Log a resource"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _multi_select_input(block_id: str, label: str, placeholder: str, options: list[dict],
                        selected: list[str]) -> dict:
    element: dict = {
        "type": "multi_static_select",
        "action_id": "value",
        "options": options,
        "placeholder": _plain(placeholder),
    }
    initial = [o for o in options if o["value"] in selected]
    if initial:
        element["initial_options"] = initial
    return {"type": "input", "block_id": block_id, "optional": True, "label": _plain(label), "element": element}


def _categories_input(selected: list[str]) -> dict:
    options = [_option(c.id, c.display_name) for c in vocabulary.categories()]
    return _multi_select_input("categories", "Needs it helps with", "Food, housing, …", options, selected)


def _populations_input(selected: list[str]) -> dict:
    options = [_option(key, "LGBTQ+" if key == "lgbtq" else key.capitalize()) for key in POPULATIONS]
    return _multi_select_input("populations", "Especially for", "Seniors, families, …", options, selected)


def fields_from_state(values: dict) -> ResourceFields:
    """The submitted form (view.state.values) as ResourceFields."""

    def text(block_id: str) -> str:
        state = (values.get(block_id) or {}).get("value") or {}
        return (
            " ".join((state.get("value") or "").split())
            if block_id not in ("description", "eligibility")
            else ((state.get("value") or "").strip())
        )

    def selected(block_id: str) -> list[str]:
        state = (values.get(block_id) or {}).get("value") or {}
        return [option["value"] for option in state.get("selected_options") or []]

    fields = ResourceFields(
        **{block_id: text(block_id) for block_id, *_ in _TEXT_INPUTS if block_id != "languages"}
    )
    fields.languages = [
        part.strip() for part in text("languages").replace(",", ";").split(";") if part.strip()
    ]
    fields.categories = [c for c in selected("categories") if vocabulary.get(c)]
    fields.populations = [p for p in selected("populations") if p in POPULATIONS]
    return fields


def form_errors(errors: list[str]) -> dict[str, str]:
    """Validation messages ("email is not an email address") keyed by the form block they belong to."""
    by_block: dict[str, str] = {}
    for error in errors:
        block_id = error.split(" ", 1)[0]
        if block_id not in {b for b, *_ in _TEXT_INPUTS} | {"categories", "populations"}:
            block_id = "name"
        by_block.setdefault(block_id, error[:1].upper() + error[1:] + ".")
    return by_block


def list_blocks(
    resources: list, total: int, *, category_label: str | None = None, limit: int = 20
) -> list[dict]:
    heading = f"Resources for *{safe(category_label)}*" if category_label else "Resources in the directory"
    if not resources:
        text = (
            f"No resources for *{safe(category_label)}* yet."
            if category_label
            else "The directory is empty. Add the first one with `/resource add …`."
        )
        return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    lines = []
    for resource in resources:
        reach = resource.phone or resource.website or resource.email
        line = f"• *{safe(resource.name)}*"
        if resource.city:
            line += f", {safe(resource.city)}"
        if reach:
            line += f" · {safe(reach)}"
        if resource.verified_at is not None:
            line += " :white_check_mark:"
        lines.append(line)
    shown = f"{len(resources)} of {total}" if total > len(resources) else str(total)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{heading} ({shown}, most mentioned first)"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(lines))}},
    ]
    if total > limit:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": (
                            "Showing the most mentioned. Try `/resource list <category>` or `/resource show <name>`."
                        ),
                    }
                ],
            }
        )
    return blocks


def suggestion_blocks(prefill: str) -> list[dict]:
    """The ephemeral "Log this resource?" offer in a watched channel, with the form prefilled."""
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": (
                    ":bulb: *Log this resource?* It looks like a community resource that isn't in the directory yet."
                ),
            },
        },
        {
            "type": "actions",
            "block_id": "resource_suggestion",
            "elements": [
                {
                    "type": "button",
                    "action_id": OPEN_MODAL_ACTION,
                    "style": "primary",
                    "text": _plain("Log it"),
                    "value": prefill[:BUTTON_VALUE_LIMIT],
                },
            ],
        },
    ]


def text_blocks(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}]
