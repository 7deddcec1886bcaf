"""Block Kit for celebrations: the post that thanks everyone, the reaction prompt, the form and the recap.

Pure functions of data from bot.celebrations. User text is always rendered through `safe_text`, which keeps
mentions of people and channels and defuses everything else.
"""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.partners.names import echo
from bot.platform.blocks import clip, input_block, plain
from bot.platform.slacktext import plain_safe, safe

_KEEP = re.compile(r"(<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>)")

CELEBRATE_CALLBACK = "celebrate_modal"
OPEN_CELEBRATE_ACTION = "open_celebrate_modal"
PROMPT_YES_ACTION = "celebrate_reacted_message"
PROMPT_NO_ACTION = "dismiss_celebration_prompt"
REGISTER_ACTION = "celebrate_registering_partners"
WITHOUT_ACTION = "celebrate_without_unknown_partners"
CANCEL_ACTION = "celebrate_cancelled"


def safe_text(text: str) -> str:
    """Stored celebration text for mrkdwn: people and channel mentions kept, anything else escaped and defused."""
    return "".join(piece if _KEEP.fullmatch(piece) else safe(piece) for piece in _KEEP.split(text))


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines() or [""])


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _mentions(user_ids) -> list[str]:
    return [f"<@{user_id}>" for user_id in user_ids]


def thanks_line(post) -> str:
    """ "Thank you <@U1>, <@U2>, and *Eastside Food Bank*!" — everyone credited, people before organizations."""
    names = _mentions(post.user_ids) + [f"*{safe(org)}*" for org in dict.fromkeys(post.organizations)]
    return f"Thank you {_join(names)}!" if names else "Thank you!"


def celebration_blocks(post) -> tuple[str, list[dict]]:
    """The celebration post. Returns (notification text, blocks)."""
    fallback = f":tada: A shared success! {thanks_line(post)}"
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": ":tada: A shared success!", "emoji": True}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": clip(f"{thanks_line(post)} :sparkles:\n{_quote(safe_text(post.text))}"),
            },
        },
    ]
    fields = []
    for group in post.groups:
        people = " ".join(_mentions(group.user_ids)) if group.user_ids else "_the whole team_"
        icon = ":house_with_garden:" if group.is_home else ":handshake:"
        fields.append(
            {"type": "mrkdwn", "text": clip(f"{icon} *{safe(group.organization)}*\n{people}", 1900)}
        )
    for start in range(0, len(fields), 10):  # Slack allows 10 fields per section
        blocks.append({"type": "section", "fields": fields[start : start + 10]})
    context = [
        f"Celebrated by <@{post.author_user_id}>",
        f"{post.celebrated_on:%B} {post.celebrated_on.day}, {post.celebrated_on.year}",
    ]
    if post.category_label:
        context.insert(1, f":label: {safe(post.category_label)}")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Add a :clap: or say thanks in the thread. Shared wins are how partnerships grow.",
                }
            ],
        }
    )
    return fallback, blocks


def privacy_notice(removed_summary: str) -> str:
    return (
        f":lock: {removed_summary}. I left that out of the celebration and didn't save it; "
        "patient details never go into partnerbot."
    )


def confirmation(result, *, groups_note: str = "") -> str:
    """The private reply once a celebration is posted: where, what was removed for privacy, who was registered."""
    plan = result.plan
    lines = [
        f":tada: Posted in <#{result.channel_id}> and saved to this month's recap. Thanks for sharing the good news!"
    ]
    if plan.removed_summary:
        lines.insert(0, privacy_notice(plan.removed_summary))
    if plan.registered:
        names = ", ".join(f"*{safe(name)}*" for name in plan.registered)
        lines.append(f":handshake: Registered {names} as a partner; add its details with `/partner edit`.")
    if groups_note:
        lines.append(groups_note)
    return "\n".join(lines)


def recap_setting(channel_id: str | None, *, linked: int, enabled: bool) -> str:
    if not linked:
        return "This channel isn't linked to a partner, so it has no monthly recap. Link it with `/partner edit NAME`."
    if enabled:
        return f":trophy: <#{channel_id}> will get a recap of shared successes on the first working day of each month."
    return f"Done: no more monthly recaps in <#{channel_id}>. `/celebrate recap on` brings them back."


def cannot_post(channel_id: str, registered: tuple[str, ...] = ()) -> str:
    text = f"I can't post in <#{channel_id}> yet. Invite me with `/invite @partnerbot` and try again; "
    if not registered:
        return text + "nothing was saved."
    names = ", ".join(f"*{safe(name)}*" for name in registered)
    return text + f"the celebration was not saved, but {names} is now a registered partner."


def partner_offer(offer, value: str | None) -> tuple[str, list[dict]]:
    """The choice offered when partners after `with` are not registered. `value` is the draft the buttons carry
    (its text redacted), None when it is too long for a button."""
    lines = []
    for partner in offer.unknown:
        line = f"*{echo(partner.typed)}* isn't a registered partner."
        if partner.suggestions:
            line += f" Did you mean {' or '.join(f'*{safe(s)}*' for s in partner.suggestions)}?"
        lines.append(line)
    text = " ".join(lines)
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(_quote(safe_text(offer.draft.what)))}},
    ]
    if offer.removed_summary:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": privacy_notice(offer.removed_summary)}],
            }
        )
    buttons = []
    if value is not None and offer.can_register:
        names = " and ".join(offer.draft.unknown_partners)
        label = clip(plain_safe(f"Register {names} and celebrate"), 75)
        buttons.append(
            {
                "type": "button",
                "action_id": REGISTER_ACTION,
                "style": "primary",
                "value": value,
                "text": {"type": "plain_text", "text": label},
            }
        )
    if value is not None and offer.can_skip:
        buttons.append(
            {
                "type": "button",
                "action_id": WITHOUT_ACTION,
                "value": value,
                "text": {"type": "plain_text", "text": "Celebrate without crediting"},
            }
        )
    if buttons:
        buttons.append(
            {
                "type": "button",
                "action_id": CANCEL_ACTION,
                "value": "cancel",
                "text": {"type": "plain_text", "text": "Cancel"},
            }
        )
        blocks.append({"type": "actions", "block_id": "celebrate_partners", "elements": buttons})
    else:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": (
                            "Register the partner with `/partner add NAME` and celebrate again, or leave out the `with …` part."
                        ),
                    }
                ],
            }
        )
    return text, blocks


def prompt_blocks(channel_id: str, message_ts: str) -> tuple[str, list[dict]]:
    """The private question asked of someone who reacted with the celebration emoji."""
    value = json.dumps({"channel": channel_id, "ts": message_ts})
    text = "Want to celebrate this message as a shared success with your partner?"
    return text, [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f":tada: {text} I'll thank everyone involved in the "
                "channel and add it to the monthly recap.",
            },
        },
        {
            "type": "actions",
            "block_id": "celebration_prompt",
            "elements": [
                {
                    "type": "button",
                    "action_id": PROMPT_YES_ACTION,
                    "style": "primary",
                    "value": value,
                    "text": {"type": "plain_text", "text": "Celebrate it", "emoji": True},
                },
                {
                    "type": "button",
                    "action_id": PROMPT_NO_ACTION,
                    "value": value,
                    "text": {"type": "plain_text", "text": "Not now", "emoji": True},
                },
            ],
        },
    ]


def celebrate_modal(
    *,
    partners: list[tuple[int, str]],
    channel_id: str | None = None,
    user_ids: list[str] = (),
    partner_ids: list[int] = (),
    what: str = "",
    removed_summary: str = "",
    metadata: dict | None = None,
) -> dict:
    """The celebrate form. `partners` lists (id, name) of registered partners (Slack shows at most 100)."""
    people = {
        "type": "multi_users_select",
        "action_id": "people",
        "placeholder": plain("Who made it happen?"),
    }
    if user_ids:
        people["initial_users"] = list(user_ids)
    blocks = [
        input_block(
            "people",
            "People to thank",
            people,
            hint="People from partner organizations are credited under their own.",
        ),
    ]
    if partners:
        options = [{"text": plain(name[:75]), "value": str(pid)} for pid, name in partners[:100]]
        element = {
            "type": "multi_static_select",
            "action_id": "partners",
            "options": options,
            "placeholder": plain("Partner organizations"),
        }
        if initial := [option for option in options if int(option["value"]) in set(partner_ids)]:
            element["initial_options"] = initial
        blocks.append(input_block("partners", "With which partners?", element))
    what_input = {
        "type": "plain_text_input",
        "action_id": "what",
        "multiline": True,
        "max_length": 1500,
        "placeholder": plain("e.g. a family moved into stable housing in 10 days"),
    }
    if what:
        what_input["initial_value"] = what[:1500]
    blocks.append(
        input_block(
            "what",
            "What are we celebrating?",
            what_input,
            optional=False,
            hint="No patient names or details: describe the win, not the person. Anything "
            "identifying is removed.",
        )
    )
    if removed_summary:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": privacy_notice(removed_summary)}]}
        )
    channel = {
        "type": "conversations_select",
        "action_id": "channel",
        "default_to_current_conversation": True,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id and channel_id[0] in "CG":
        channel["initial_conversation"] = channel_id
    blocks.append(
        input_block("channel", "Post in", channel, hint="Leave empty to use the partner's channel.")
    )
    return {
        "type": "modal",
        "callback_id": CELEBRATE_CALLBACK,
        "title": plain("Celebrate a success"),
        "submit": plain("Celebrate"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(metadata or {}),
        "blocks": blocks,
    }  # fmt: skip


def _day(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%b} {local.day}"


def recap_blocks(recap, *, monthly: bool = False, late: bool = False) -> tuple[str, list[dict]]:
    """Successes by partner. `monthly` is the version posted to a partner channel on the first working day."""
    title = f"Shared successes · {recap.label}"
    if recap.total_successes == 0:
        text = f"No shared successes were celebrated in {recap.label} yet. `/celebrate` to add one!"
        return text, [{"type": "section", "text": {"type": "mrkdwn", "text": f":seedling: {text}"}}]
    fallback = (
        f"{title}: {recap.total_successes} success{'es' if recap.total_successes != 1 else ''} "
        f"with {recap.total_people} people"
    )
    intro = (
        f"*{recap.total_successes}* shared success{'es' if recap.total_successes != 1 else ''} "
        f"thanking *{recap.total_people}* {'person' if recap.total_people == 1 else 'people'}. "
        + ("Thank you, everyone! :sparkles:" if monthly else "")
    )
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": f":trophy: {title}", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": intro.strip()}},
    ]
    if recap.channel_only:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Only successes celebrated in <#{recap.channel_only}> are included here.",
                    }
                ],
            }
        )
    # A message holds 50 blocks: header, intro, notes and up to 20 partners at two blocks each.
    shown = recap.groups[:20]
    for group in shown:
        blocks.append({"type": "divider"})
        name = safe(group.partner_name) if group.partner_id is not None else "Without a partner organization"
        head = (
            f"*{name}* · {group.success_count} success{'es' if group.success_count != 1 else ''}, "
            f"{group.people_count} {'person' if group.people_count == 1 else 'people'}"
        )
        lines = []
        for item in group.highlights:
            people = " ".join(f"<@{u}>" for u in item.user_ids)
            snippet = clip(safe_text(item.text), 280)
            lines.append(
                f"• {_day(item.celebrated_at, recap.timezone)}: {snippet}"
                + (f" ({people})" if people else "")
            )
        more = group.success_count - len(group.highlights)
        if more > 0:
            lines.append(f"_…and {more} more_")
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join([head, *lines]))}}
        )
    if len(recap.groups) > len(shown):
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": f"…and {len(recap.groups) - len(shown)} more partners."}
                ],
            }
        )
    if late:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "_This recap is a little late: partnerbot was offline when it was due._",
                    }
                ],
            }
        )
    return fallback, blocks
