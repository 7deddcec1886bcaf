"""Block Kit for the partner registry: partner cards, the list, the edit form, confirmations and renewal reminders.

Pure functions of the dataclasses in bot.partners; every stored string is escaped with `safe`.
"""

import json
from datetime import date

from bot.platform import review
from bot.platform.blocks import clip, input_block
from bot.platform.blocks import plain as _plain
from bot.platform.slacktext import plain_safe, safe
from models.partners import AGREEMENT_KINDS, PARTNER_KINDS

EDIT_CALLBACK = "partner_edit_modal"
OPEN_EDIT_ACTION = "open_partner_edit_modal"
OPEN_CELEBRATE_ACTION = "open_celebrate_modal"  # the celebrations feature listens for it
REMOVE_ACTION = "partner_remove_confirmed"
RENAME_ACTION = "partner_rename_confirmed"
CANCEL_ACTION = "partner_change_cancelled"
LIST_LIMIT = 40


def day_text(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _channel(channel) -> str:
    return f"<#{channel.channel_id}>" + (" (shared)" if channel.is_shared else "")


def _contact(contact) -> str:
    if contact.user_id:
        return f"<@{contact.user_id}>"
    return safe(" · ".join(part for part in (contact.name, contact.details) if part))


def _agreement(agreement) -> str:
    dates = []
    for label, value in (
        ("from", agreement.start_date),
        ("review", agreement.review_date),
        ("renews", agreement.renewal_date),
    ):
        if value:
            dates.append(f"{label} {day_text(value)}")
    return f"{agreement.label}: " + (", ".join(dates) if dates else "no dates yet")


def partner_card(
    details, *, category_label, today: date | None = None, with_actions: bool = True
) -> list[dict]:
    """Everything the registry knows about one partner. `category_label(id)` names a need category."""
    title = safe(details.name)
    subtitle = details.kind_label or "Partner"
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": plain_safe(details.name)[:150], "emoji": False},
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"{safe(subtitle)} · owner <@{details.owner_user_id}>"
                    + (" · _demo data_" if details.is_demo else ""),
                }
            ],
        },
    ]
    fields = [
        f"*Services*\n{safe(', '.join(category_label(c) for c in details.services)) or '_not set_'}",
        f"*Capacity*\n{safe(details.capacity_text) or '_unknown_'}",
        "*Contacts*\n" + (", ".join(_contact(c) for c in details.contacts) or "_none yet_"),
        "*Channels*\n" + (", ".join(_channel(c) for c in details.channels) or "_none linked_"),
    ]
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": clip(f, 1900)} for f in fields]})
    if details.eligibility_notes:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": clip(f"*Eligibility*\n{safe(details.eligibility_notes)}"),
                },
            }
        )
    if details.agreements:
        lines = []
        for agreement in details.agreements:
            line = _agreement(agreement)
            if today and agreement.renewal_date and 0 <= (agreement.renewal_date - today).days <= 90:
                line = f":hourglass_flowing_sand: {line} ({(agreement.renewal_date - today).days} days left)"
            lines.append(line)
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Agreements*\n" + "\n".join(lines)}}
        )
    if details.slack_team_id:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"On Slack Connect (team `{safe(details.slack_team_id)}`): their people are credited under "
                        f"{title} when celebrated.",
                    }
                ],
            }
        )
    if with_actions:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"partner_{details.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": OPEN_EDIT_ACTION,
                        "value": str(details.id),
                        "text": {"type": "plain_text", "text": "Edit"},
                    },
                    {
                        "type": "button",
                        "action_id": OPEN_CELEBRATE_ACTION,
                        "value": str(details.id),
                        "text": {"type": "plain_text", "text": ":tada: Celebrate a success", "emoji": True},
                    },
                ],
            }
        )
    return blocks


def partner_list(partners, *, category_label) -> tuple[str, list[dict]]:
    if not partners:
        text = "No partners yet. Add the first with `/partner add NAME [type] [#channel]`."
        return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    text = f"{len(partners)} partner{'s' if len(partners) != 1 else ''}"
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f":handshake: Partners ({len(partners)})", "emoji": True},
        }
    ]
    for details in partners[:LIST_LIMIT]:
        bits = [details.kind_label] if details.kind_label else []
        if details.services:
            bits.append(", ".join(category_label(c) for c in details.services))
        if details.capacity_text:
            bits.append(details.capacity_text)
        line = f"*{safe(details.name)}*" + (f"\n{safe(' · '.join(bits))}" if bits else "")
        if details.channels:
            line += "\n" + ", ".join(_channel(c) for c in details.channels)
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": clip(line)},
                "accessory": {
                    "type": "button",
                    "action_id": OPEN_EDIT_ACTION,
                    "value": str(details.id),
                    "text": {"type": "plain_text", "text": "Edit"},
                },
            }
        )
    if len(partners) > LIST_LIMIT:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"…and {len(partners) - LIST_LIMIT} more. `/partner info NAME` shows any of them.",
                    }
                ],
            }
        )
    return text, blocks


def _note(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def added_message(added, *, category_label) -> tuple[str, list[dict]]:
    """The reply to `/partner add`: the new card, with what still needs doing (invite the bot, pick a type)."""
    details = added.partner
    text = (
        f"Added *{safe(details.name)}* to the partner registry. "
        "Add services, contacts, capacity and agreements with Edit."
    )
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f":white_check_mark: {text}"}}]
    if added.unrecognized_type:
        types = ", ".join(label.lower() for label in PARTNER_KINDS.values())
        blocks.append(
            _note(
                f":information_source: “{safe(added.unrecognized_type)}” isn't a partnership type I know, so I kept it "
                f"out of the name and left the type empty. Types: {types}; pick one with Edit."
            )
        )
    if added.missing_channels:
        where = ", ".join(f"<#{c}>" for c in added.missing_channels)
        blocks.append(
            _note(
                f":information_source: Invite me to {where} with `/invite @partnerbot` so I can post celebrations and "
                "monthly recaps there."
            )
        )
    return text, [*blocks, *partner_card(details, category_label=category_label)]


def _confirmation(question: str, button: dict) -> tuple[str, list[dict]]:
    cancel = {"type": "button", "action_id": CANCEL_ACTION, "value": "cancel", "text": _plain("Cancel")}
    return question, [
        {"type": "section", "text": {"type": "mrkdwn", "text": question}},
        {"type": "actions", "block_id": "partner_confirm", "elements": [button, cancel]},
    ]


def confirm_remove(details) -> tuple[str, list[dict]]:
    question = (
        f":warning: Remove *{safe(details.name)}* from the partner registry? Its services, contacts, channel links, "
        "agreements and renewal reminders go with it. Past celebrations stay, without crediting it."
    )
    button = {
        "type": "button",
        "action_id": REMOVE_ACTION,
        "style": "danger",
        "value": str(details.id),
        "text": _plain("Remove"),
    }
    return _confirmation(question, button)


def confirm_rename(rename) -> tuple[str, list[dict]]:
    question = f"Rename *{safe(rename.old_name)}* to *{safe(rename.new_name)}*?"
    value = json.dumps({"id": rename.partner_id, "name": rename.new_name}, ensure_ascii=False)
    button = {
        "type": "button",
        "action_id": RENAME_ACTION,
        "style": "primary",
        "value": value,
        "text": _plain("Rename"),
    }
    return _confirmation(question, button)


def removed(name: str) -> str:
    return f":wastebasket: Removed *{safe(name)}* from the partner registry."


def renamed(rename) -> str:
    return f":white_check_mark: *{safe(rename.old_name)}* is now *{safe(rename.new_name)}*."


NOTES_REVIEW_SURFACE = "partner_notes"  # bot.partners.service.NOTES_SURFACE: the review buttons' prefix
NOTES_QUESTION = ("I saved the notes without the marked words: they look like a person's name. "
                  "Save as shown puts them back:")


def notes_question(result) -> list[dict] | None:
    """The blocks asking about notes saved without their doubtful words (None when nothing was doubtful)."""
    if result.review is None:
        return None
    asked, token = result.review
    return [{"type": "section", "text": {"type": "mrkdwn", "text": clip(edit_saved(result))}},
            *review.review_blocks(asked, token, NOTES_REVIEW_SURFACE, question=NOTES_QUESTION)]


def notes_answered(details, choice: str) -> str:
    name = safe(details.name)
    if choice == review.SAVE:
        return f":white_check_mark: Put the marked words back into the notes of *{name}*."
    return f"The notes of *{name}* stay without the marked words."


def edit_saved(result) -> str:
    name = safe(result.partner.name)
    message = (
        f":white_check_mark: Saved your changes to *{name}*."
        if result.changed_fields
        else (f"Nothing changed for *{name}*.")
    )
    if result.removed_summary:
        message += f"\n:lock: {result.removed_summary}. Patient details are never saved."
    return message


def _datepicker(block_id: str, label: str, value: date | None) -> dict:
    element = {"type": "datepicker", "action_id": "date"}
    if value:
        element["initial_date"] = value.isoformat()
    return input_block(block_id, label, element)


def _text_input(block_id: str, value: str, *, multiline=False, max_length=1000) -> dict:
    element = {
        "type": "plain_text_input",
        "action_id": block_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if value:
        element["initial_value"] = value
    return element


def _number_input(block_id: str, value: int | None) -> dict:
    element = {"type": "number_input", "action_id": block_id, "is_decimal_allowed": False, "min_value": "0"}
    if value is not None:
        element["initial_value"] = str(value)
    return element


def _select(kind: str, action_id: str, placeholder: str, **extra) -> dict:
    return {"type": kind, "action_id": action_id, "placeholder": _plain(placeholder), **extra}


def edit_modal(details, *, categories: list[tuple[str, str]]) -> dict:
    """The edit form. `categories` lists (id, display name) of the need categories."""
    kind_options = [{"text": _plain(label), "value": kind} for kind, label in PARTNER_KINDS.items()]
    kind = _select("static_select", "kind", "Type of partnership", options=kind_options)
    if details.kind:
        kind["initial_option"] = next(o for o in kind_options if o["value"] == details.kind)
    service_options = [{"text": _plain(name[:75]), "value": cid} for cid, name in categories[:100]]
    services = _select("multi_static_select", "services", "Needs they help with", options=service_options)
    if initial_services := [o for o in service_options if o["value"] in details.services]:
        services["initial_options"] = initial_services
    contacts = _select("multi_users_select", "contacts", "People to reach")
    if slack_contacts := [c.user_id for c in details.contacts if c.user_id]:
        contacts["initial_users"] = slack_contacts
    external = "\n".join(
        " · ".join(p for p in (c.name, c.details) if p) for c in details.contacts if not c.user_id
    )
    channels = _select(
        "multi_conversations_select",
        "channels",
        "Channels you work in together",
        filter={"include": ["public", "private"], "exclude_bot_users": True},
    )
    if details.channels:
        channels["initial_conversations"] = [c.channel_id for c in details.channels]
    owner = {"type": "users_select", "action_id": "owner", "initial_user": details.owner_user_id}
    blocks = [
        input_block("kind", "Type", kind),
        input_block("services", "Services", services),
        input_block("capacity", "Capacity (clients per month)", _number_input("capacity", details.capacity_per_month),
                    hint="How many new clients a month they can take."),
        input_block("load", "Current load (clients this month)", _number_input("load", details.current_load),
                    hint="Leave empty if unknown."),
        input_block("eligibility", "Eligibility notes",
                    _text_input("eligibility", details.eligibility_notes, multiline=True),
                    hint="Who they serve. Describe groups, never a particular patient."),
        input_block("contacts", "Contacts on Slack", contacts,
                    hint="Includes people from their organization in shared channels."),
        input_block("external", "Other contacts", _text_input("external", external, multiline=True, max_length=2000),
                    hint="Staff at the partner, one per line: Name · phone or email"),
        input_block("channels", "Linked channels", channels),
        input_block("slack_team", "Their Slack team id (Slack Connect)",
                    _text_input("slack_team", details.slack_team_id or "", max_length=32),
                    hint="Looks like T0123ABCD. Their people are then credited under this partner."),
        input_block("owner", "Owner", owner, optional=False, hint="Gets renewal reminders."),
    ]  # fmt: skip
    agreements = {a.kind: a for a in details.agreements}
    for kind_id, label in AGREEMENT_KINDS.items():
        current = agreements.get(kind_id)
        blocks.append({"type": "header", "text": _plain(label)})
        blocks.append(
            _datepicker(f"agreement_{kind_id}_start", "Start", current.start_date if current else None)
        )
        blocks.append(
            _datepicker(f"agreement_{kind_id}_review", "Review", current.review_date if current else None)
        )
        blocks.append(
            _datepicker(f"agreement_{kind_id}_renewal", "Renewal", current.renewal_date if current else None)
        )
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK,
        "title": _plain("Edit partner"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"partner_id": details.id}),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{safe(details.name)}*"}},
            *blocks,
        ],
    }


def renewal_reminder_blocks(
    *,
    partner_name: str,
    partner_id: int,
    agreement_label: str,
    renewal_date: date,
    days_left: int,
    late: bool,
) -> tuple[str, list[dict]]:
    when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    text = f"The {agreement_label} with {partner_name} renews {when}, on {day_text(renewal_date)}."
    body = (
        f":memo: The *{safe(agreement_label)}* with *{safe(partner_name)}* renews *{when}*, on "
        f"{day_text(renewal_date)}. Now is a good time to review it with them."
    )
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": body}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": OPEN_EDIT_ACTION,
                    "value": str(partner_id),
                    "text": _plain("Update the dates"),
                }
            ],
        },
    ]
    if late:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "_This reminder is late: partnerbot was offline when it was due._",
                    }
                ],
            }
        )
        text += " (This reminder is late.)"
    return text, blocks


def mou_saved(saved) -> str:
    text = f":memo: Saved: the MOU with *{safe(saved.partner_name)}* renews on {day_text(saved.renewal)}."
    if saved.days_left > 90:
        return text + " I'll remind the partner's owner 90 and 30 days before."
    if saved.days_left > 30:
        return text + " I'll remind the partner's owner 30 days before."
    if saved.days_left == 0:
        return text + " That's today, so please start the renewal now."
    return (
        text
        + f" That's only {saved.days_left} day{'s' if saved.days_left != 1 else ''} away, so please start the renewal now."
    )
