"""Block Kit for the resource directory: the saved card, the form, lists, notices and the watch suggestion.

Pure functions of data (a Resource row, ResourceFields or a service result); every stored or typed string shown
in mrkdwn goes through `safe` once, here (mass mentions defused, control characters escaped).
"""

from __future__ import annotations

import json

from bot.directory.extract import POPULATIONS
from bot.directory.fields import LIST_FIELDS, MAX_LENGTHS, SPEC, ResourceFields
from bot.platform import review, vocabulary
from bot.platform.blocks import clip
from bot.platform.slacktext import safe

REVIEW_SURFACE = "resource"  # bot.directory.doubts.SURFACE: the prefix of the review buttons' action ids
SET_ASIDE = ("I saved the details without the marked words: they look like a person or an identifier. "
             "Save as shown puts them back:")

MODAL_CALLBACK = "resource_modal"
OPEN_MODAL_ACTION = "open_resource_modal"
EDIT_ACTION = "resource_edit"
UNDO_ACTION = "resource_undo"
VERIFY_ACTION = "resource_verify"
BUTTON_VALUE_LIMIT = 1900  # Slack allows 2,000 characters in a button value

# The form's free-text inputs, in the spec's order; the lists of choices are multi-selects.
_TEXT_INPUTS = tuple(spec for spec in SPEC if not spec.is_list or spec.name == "languages")


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
    if resource.outdated_count:
        parts.append(f":warning: flagged outdated {resource.outdated_count}×")
    if resource.source == "demo":
        parts.append("*demo entry*")
    elif resource.source == "import":
        parts.append("imported")
    if resource.retired_at is not None:
        parts.append(f"retired on {resource.retired_at:%Y-%m-%d}")
    return " · ".join(parts)


def _button(action_id: str, text: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "action_id": action_id, "text": _plain(text), "value": value}
    if style:
        button["style"] = style
    return button


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
        buttons.append(_button(EDIT_ACTION, "Edit", str(resource.id)))
    if log_entry_id is not None:
        buttons.append(_button(UNDO_ACTION, "Undo", str(log_entry_id)))
    if buttons:
        blocks.append({"type": "actions", "block_id": "resource_actions", "elements": buttons})
    return blocks


def _labels(names) -> str:
    return ", ".join(name.replace("_", " ") for name in names)


def logged_reply(result) -> tuple[str, list[dict]]:
    """(notification text, blocks) for a `service.Logged`: the saved card with Edit and Undo."""
    resource = result.resource
    if result.status == "merged":
        text = f"Already in the directory: {safe(resource.name)}. Counted one more mention."
        headline = ":repeat: *Already in the directory*, so I counted one more mention."
        if result.filled:
            headline += f" Added: {_labels(result.filled)}."
        if result.kept:
            headline += f" Different from what's saved (kept the saved {_labels(result.kept)}; use Edit if it changed)."
    else:
        text = f"Saved to the directory: {safe(resource.name)}."
        headline = ":white_check_mark: *Saved to the directory.*"
    if result.privacy_note:
        text += " " + result.privacy_note
    blocks = resource_card(resource, headline=headline, privacy_note=result.privacy_note,
                           log_entry_id=result.log_entry_id)  # fmt: skip
    if result.review is not None:
        asked, token = result.review
        text += " " + review.review_text(asked, SET_ASIDE)
        blocks += review.review_blocks(asked, token, REVIEW_SURFACE, question=SET_ASIDE)
    return text, blocks


def review_answered_text() -> str:
    """After Remove marked words on a logged resource: nothing to change, it was saved without them."""
    return "Saved without the marked words."


def edited_reply(result) -> tuple[str, list[dict]]:
    """(text, blocks) for a `service.Edited`."""
    resource = result.resource
    if result.changed:
        headline = f":pencil2: *Saved your changes* ({_labels(result.changed)})."
        text = f"Saved your changes to {safe(resource.name)}."
    else:
        headline = text = "Nothing changed."
    notes = ["Verification cleared: a steward can verify it again."] if result.verification_cleared else []
    if result.privacy_note:
        text += " " + result.privacy_note
    return text, resource_card(resource, headline=headline, privacy_note=result.privacy_note, notes=notes)


def undone_text(result) -> str:
    name = safe(result.name)
    if result.deleted:
        return f"Undone: *{name}* was removed from the directory."
    return f"Undone: your mention of *{name}* was taken back."


def managed_text(result) -> str:
    """The reply to a verify, retire or restore (`stewards.Managed`)."""
    name = safe(result.resource.name)
    if result.action == "verify":
        text = f"Verified *{name}*. Thank you for checking it."
        if result.flags_cleared:
            text += f" Its {result.flags_cleared} “Info is outdated” flag{'s' if result.flags_cleared != 1 else ''} "
            text += "were cleared." if result.flags_cleared != 1 else "was cleared."
        return text
    if result.action == "retire":
        return f"Retired *{name}*. It no longer shows in lists and answers; `/resource restore` brings it back."
    return f"Restored *{name}*."


def needs_form_notice(result) -> str:
    """Shown atop the form when no resource name could be read (`service.NeedsForm`)."""
    text = ("I couldn't tell the resource's name, so nothing is saved yet. Add its name, check the details, "
            "then Save.")  # fmt: skip
    return text + (" :lock: " + result.privacy_note if result.privacy_note else "")


def prefill_notice(result) -> str:
    """Atop a form prefilled from a message (`service.NeedsForm`), with or without a name read from it."""
    if not result.prefill.name:
        return needs_form_notice(result)
    text = "Prefilled from the message. Check the details before saving."
    return text + (" :lock: " + result.privacy_note if result.privacy_note else "")


def needs_form_blocks(result) -> tuple[str, list[dict]]:
    """Where no form can be opened at once (a mention, a DM): the same notice with a button that opens it."""
    text = needs_form_notice(result)
    return text, [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}},
        {"type": "actions", "block_id": "resource_needs_form",
         "elements": [_button(OPEN_MODAL_ACTION, "Open the form", prefill_value(result.prefill), "primary")]},
    ]  # fmt: skip


def outdated_notice(resource, *, flagged_by: str) -> tuple[str, list[dict]]:
    """The DM to a steward when someone flags a resource's info as outdated."""
    name = safe(resource.name)
    text = f"<@{flagged_by}> flagged {name} as outdated. Can you check its details?"
    headline = (f":triangular_flag_on_post: <@{flagged_by}> says the info for *{name}* is outdated. Can you check "
                "it? Edit what changed, then mark it verified (that clears the flag). If it closed, "
                f"`/resource retire {name}`.")  # fmt: skip
    blocks = resource_card(resource, headline=headline)
    blocks[-1]["elements"].append(_button(VERIFY_ACTION, "Mark verified", str(resource.id), "primary"))
    return text, blocks


def stewards_text(stewards, admins) -> str:
    text = "*Stewards:* " + (", ".join(f"<@{u}>" for u in stewards) or "none yet")
    return text + "\n*Admins:* " + (", ".join(f"<@{u}>" for u in admins) or "none configured")


def steward_changed_text(result) -> str:
    return f"<@{result.user_id}> {'is now a steward' if result.added else 'is no longer a steward'}."


def watch_text(on: bool | None, state) -> str:
    """The reply to `/resource watch on|off` (`on` None: the person asked whether the channel is watched)."""
    if on is None:
        return f"Watching is *{'on' if state.watched else 'off'}* in this channel. Use `/resource watch on` or `off`."
    if not on:
        return "Stopped watching this channel." if state.changed else "I wasn't watching this channel."
    return (
        ("Watching this channel now." if state.changed else "I was already watching this channel.")
        + " When someone mentions a resource in the directory I count it quietly; when a message looks like a "
        "new resource, I offer its author (only them) to log it. Invite me to the channel if I'm not in it. "
        "`/resource watch off` stops."
    )


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
    for spec in _TEXT_INPUTS:
        value = "; ".join(fields.languages) if spec.is_list else getattr(fields, spec.name)
        element = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": spec.multiline,
            "max_length": spec.max_length,
            "placeholder": _plain(spec.placeholder),
        }
        if value:
            element["initial_value"] = value[: spec.max_length]
        blocks.append({"type": "input", "block_id": spec.name, "optional": spec.name != "name",
                       "label": _plain(spec.label), "element": element})  # fmt: skip
        if spec.name == "description":
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


def form_metadata(view: dict) -> tuple[int | None, str | None]:
    """(resource id being edited or None, channel the form came from) from a submitted view."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
        resource_id = metadata.get("resource_id")
        return (int(resource_id) if resource_id else None), metadata.get("channel_id")
    except (ValueError, TypeError, AttributeError):
        return None, None


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

    def text(spec) -> str:
        state = (values.get(spec.name) or {}).get("value") or {}
        raw = state.get("value") or ""
        return raw.strip() if spec.multiline else " ".join(raw.split())

    def selected(block_id: str) -> list[str]:
        state = (values.get(block_id) or {}).get("value") or {}
        return [option["value"] for option in state.get("selected_options") or []]

    fields = ResourceFields(**{spec.name: text(spec) for spec in _TEXT_INPUTS if not spec.is_list})
    languages = next(spec for spec in _TEXT_INPUTS if spec.name == "languages")
    fields.languages = [part.strip() for part in text(languages).replace(",", ";").split(";") if part.strip()]
    fields.categories = [c for c in selected("categories") if vocabulary.get(c)]
    fields.populations = [p for p in selected("populations") if p in POPULATIONS]
    return fields


def form_errors(errors: list[str]) -> dict[str, str]:
    """Validation messages ("email is not an email address") keyed by the form block they belong to."""
    by_block: dict[str, str] = {}
    for error in errors:
        block_id = error.split(" ", 1)[0]
        if block_id not in {spec.name for spec in SPEC}:
            block_id = "name"
        by_block.setdefault(block_id, error[:1].upper() + error[1:] + ".")
    return by_block


def prefill_value(fields: ResourceFields) -> str:
    """The details a button carries to prefill the form (JSON, within Slack's limit for a button value)."""
    values = {name: value for name, value in fields.as_dict().items() if value}
    while values and len(json.dumps(values)) > BUTTON_VALUE_LIMIT:
        longest = max(values, key=lambda name: len(json.dumps(values[name])))
        values.pop(longest)
    return json.dumps(values)


def prefill_from_value(value: str) -> ResourceFields | None:
    """The details `prefill_value` packed, or None when the value is something else (text, a marker)."""
    try:
        values = json.loads(value)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    known = ResourceFields().as_dict()
    fields = ResourceFields()
    for name, item in values.items():
        if name not in known:
            continue
        if name in LIST_FIELDS and isinstance(item, list):
            setattr(fields, name, [str(v) for v in item])
        elif name not in LIST_FIELDS and isinstance(item, str):
            setattr(fields, name, item[: MAX_LENGTHS[name]])
    return fields


def listing_blocks(listing, *, limit: int = 20) -> tuple[str, list[dict]]:
    """(text, blocks) for `/resource list [category]` (`service.Listing`)."""
    label, total = listing.category_label, listing.total
    text = f"{total} resource{'s' if total != 1 else ''} in the directory."
    heading = f"Resources for *{safe(label)}*" if label else "Resources in the directory"
    if not listing.resources:
        empty = (
            f"No resources for *{safe(label)}* yet."
            if label
            else "The directory is empty. Add the first one with `/resource add …`."
        )
        return text, text_blocks(empty)
    lines = []
    for resource in listing.resources:
        reach = resource.phone or resource.website or resource.email
        line = f"• *{safe(resource.name)}*"
        if resource.city:
            line += f", {safe(resource.city)}"
        if reach:
            line += f" · {safe(reach)}"
        if resource.verified_at is not None:
            line += " :white_check_mark:"
        lines.append(line)
    shown = f"{len(listing.resources)} of {total}" if total > len(listing.resources) else str(total)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{heading} ({shown}, most mentioned first)"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(lines))}},
    ]
    if total > limit:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "Showing the most mentioned. Try `/resource list CATEGORY` or `/resource show NAME`.")}]})  # fmt: skip
    return text, blocks


def suggestion_blocks(prefill: ResourceFields) -> list[dict]:
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
            "elements": [_button(OPEN_MODAL_ACTION, "Log it", prefill_value(prefill), "primary")],
        },
    ]


def text_blocks(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}]
