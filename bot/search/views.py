"""Block Kit for "who can help with X?": the ranked answer, the search form and feedback replies.

Pure functions of bot.search's dataclasses. Everything people typed (the question, resource fields) is shown
through `safe` (mass mentions defused, mrkdwn escaped); the question shown is the redacted one.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.platform.blocks import clip
from bot.platform.slacktext import safe
from bot.referrals.views import OPEN_FORM_ACTION as OPEN_REFERRAL_FORM_ACTION
from bot.search.service import NeedAnswer, ResourceHit, SearchAnswer

MODAL_CALLBACK = "search_modal"
OPEN_MODAL_ACTION = "open_search_modal"
QUERY_BLOCK = "search_query"
QUERY_ACTION = "query"
HELPED_ACTION = "search_helped"
OUTDATED_ACTION = "search_outdated"
SHOW_MORE_ACTION = "search_show_more"
LOG_RESOURCE_ACTION = "open_resource_modal"  # registered by the directory feature
MAX_NEEDS_SHOWN = 3  # keeps a reply under Slack's 50-block limit

USAGE = (
    "*Find who can help*\n"
    "`/whohelps NEED [near PLACE or ZIP] [in LANGUAGE] [for WHO]`\n"
    "Examples: `/whohelps food near 97201 in Spanish` · `/whohelps rides to dialysis for seniors` · "
    "`/whohelps behind on rent` · `/whohelps food and a ride to get there`\n"
    "You can also ask `@partnerbot who can help with rent?` or send me a DM. Please leave patient details out; "
    "anything that looks like one is removed before I search."
)

SMALL_TALK = {
    "greeting": "Hi! Tell me what someone needs (`/whohelps food near Eastport`, or just \"behind on rent\") and "
    "I'll find who can help. `help` lists everything else.",
    "thanks": "You're welcome! :slightly_smiling_face:",
}

PROBLEMS = {
    "empty": "Tell me what the person needs, e.g. `/whohelps food near Eastport`.",
    "too_long": "That question is too long for me. Please ask in a sentence or two (under 500 characters).",
    "emergency": ":rotating_light: *This sounds like a medical emergency: call 911 now.* Community resources can't "
    "help in an emergency; ask me again once the person is safe.",
    "no_need": "What does the person need? I couldn't tell what kind of help to look for. Try a few words such "
    "as _food_, _rent_, _rides to dialysis_ or _mental health in Spanish_.",
}


def _date(moment: datetime) -> str:
    # Slack shows the date in the reader's own time zone; the fallback is the UTC date.
    fallback = f"{moment:%b} {moment.day}, {moment.year}"
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{fallback}>"


def _website(url: str) -> str:
    if url.startswith(("http://", "https://")) and not any(ch in url for ch in "<>| "):
        label = url.split("://", 1)[1].rstrip("/")
        return f"<{url}|{safe(label)}>"
    return safe(url)


def _hit_text(rank: int, hit: ResourceHit) -> str:
    title = f"*{rank}. {safe(hit.name)}*"
    if hit.organization and hit.organization.lower() != hit.name.lower():
        title += f" · {safe(hit.organization)}"
    lines = [title]
    if hit.reasons:
        lines.append("_Why: " + safe(", ".join(hit.reasons)) + "_")
    contact = [part for part in (safe(hit.phone) if hit.phone else "", _website(hit.website) if hit.website else "")
               if part]  # fmt: skip
    if contact:
        lines.append(":telephone_receiver: " + " · ".join(contact))
    place = ", ".join(part for part in (hit.address, hit.city, hit.state, hit.postal_code) if part)
    if place:
        lines.append(":round_pushpin: " + safe(place))
    if hit.hours:
        lines.append(":clock3: " + safe(hit.hours))
    if hit.eligibility:
        lines.append("*Eligibility:* " + safe(hit.eligibility))
    if hit.languages:
        lines.append("*Languages:* " + safe(hit.languages.replace(";", ", ")))
    provenance = []
    if hit.verified_at:
        provenance.append(f"Last verified {_date(hit.verified_at)}" + (f" by <@{hit.verified_by}>" if
                                                                         hit.verified_by else ""))  # fmt: skip
    else:
        provenance.append("Not verified yet")
    if hit.created_by:
        provenance.append(f"logged by <@{hit.created_by}>")
    if hit.outdated_count:
        provenance.append(f":warning: flagged outdated {hit.outdated_count}×")
    lines.append("_" + " · ".join(provenance) + "_")
    return clip("\n".join(lines))


def _hit_actions(hit: ResourceHit, need_index: int) -> dict:
    value = str(hit.resource_id)
    # One resource may answer two needs of the same question: the need's index keeps block ids unique.
    return {
        "type": "actions",
        "block_id": f"search_hit_{need_index}_{hit.resource_id}",
        "elements": [
            {"type": "button", "action_id": HELPED_ACTION, "value": value, "style": "primary",
             "text": {"type": "plain_text", "text": "This helped"}},
            {"type": "button", "action_id": OUTDATED_ACTION, "value": value,
             "text": {"type": "plain_text", "text": "Info is outdated"}},
        ],
    }  # fmt: skip


def _partner_line(partner) -> str:
    contacts = " ".join(f"<@{user_id}>" for user_id in partner.contact_user_ids)
    line = f"• *{safe(partner.name)}*"
    if getattr(partner, "kind_label", ""):
        line += f" ({safe(partner.kind_label)})"
    if contacts:
        line += f" — ask {contacts}"
    channels = " ".join(f"<#{channel_id}>" for channel_id in partner.channel_ids)
    if channels:
        line += f" · {channels}"
    if partner.capacity:
        line += f" · {safe(partner.capacity)}"
    if partner.eligibility_notes:
        line += f"\n   _{safe(clip(partner.eligibility_notes, 300))}_"
    return line


def show_more_value(query: str, need_index: int, offset: int) -> str:
    """The "Show more" button's value: the REDACTED question, which need, and where the next page starts."""
    return json.dumps({"q": query, "n": need_index, "o": offset}, separators=(",", ":"))


def parse_show_more_value(value: str) -> tuple[str, int, int] | None:
    try:
        data = json.loads(value)
        return str(data["q"]), int(data["n"]), int(data["o"])
    except (ValueError, KeyError, TypeError):
        return None


def _label(need_answer: NeedAnswer) -> str:
    return safe(need_answer.need.label.strip() or "This need")


def need_blocks(answer: SearchAnswer, index: int, need_answer: NeedAnswer) -> list[dict]:
    label = _label(need_answer)
    if need_answer.uncovered:
        wanted = safe(need_answer.uncovered[:1].upper() + need_answer.uncovered[1:])
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"*{wanted}*: nobody in the directory covers this, so I won't guess from a loosely related "
                f"category ({label}). I've noted it as an unmet need. If you know a place that helps, please log it."
            )}},
            {"type": "actions", "block_id": f"search_unmet_{index}", "elements": [
                {"type": "button", "action_id": LOG_RESOURCE_ACTION,
                 "text": {"type": "plain_text", "text": "Log a resource"}},
            ]},
        ]  # fmt: skip
    if not need_answer.answered:
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"*{label}*: nobody in the directory or among our partners covers this yet. I've noted it as an "
                "unmet need so it shows up in the managers' digest. If you know a place that helps, please log it."
            )}},
            {"type": "actions", "block_id": f"search_unmet_{index}", "elements": [
                {"type": "button", "action_id": LOG_RESOURCE_ACTION,
                 "text": {"type": "plain_text", "text": "Log a resource"}},
            ]},
        ]  # fmt: skip
    first = answer.offset + 1
    lines = []
    if len(answer.needs) > 1 or answer.offset:
        lines.append(f"*{label}*" + (f" (after the first {answer.offset})" if answer.offset else ""))
    if need_answer.unmet_modifiers:
        lines.append(f"_Nothing listed offers all you asked ({safe(need_answer.unmet_modifiers)}); "
                     "these are the closest matches._")  # fmt: skip
    blocks: list[dict] = (
        [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}] if lines else []
    )
    for rank, hit in enumerate(need_answer.hits, first):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _hit_text(rank, hit)}})
        blocks.append(_hit_actions(hit, index))
    if need_answer.partners:
        lines = [_partner_line(partner) for partner in need_answer.partners[:5]]
        text = "*Partners who can help:*\n" + "\n".join(lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}})
        refer = [{"text": {"type": "plain_text", "text": clip(p.name, 75)}, "value": p.name[:150]}
                 for p in need_answer.partners[:5]]
        blocks.append({"type": "actions", "block_id": f"search_refer_{index}", "elements": [
            {"type": "static_select", "action_id": OPEN_REFERRAL_FORM_ACTION, "options": refer,
             "placeholder": {"type": "plain_text", "text": "Refer to…"}}]})  # fmt: skip
    if need_answer.has_more:
        value = show_more_value(answer.query, index, answer.offset + len(need_answer.hits))
        if len(value) <= 2000:
            blocks.append({"type": "actions", "block_id": f"search_more_{index}", "elements": [
                {"type": "button", "action_id": SHOW_MORE_ACTION, "value": value,
                 "text": {"type": "plain_text", "text": "Show more"}},
            ]})  # fmt: skip
    return blocks


def answer_blocks(answer: SearchAnswer, *, only_need: int | None = None) -> list[dict]:
    """The whole reply: one part per need (at most MAX_NEEDS_SHOWN), then the privacy notice if any."""
    if answer.problem:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": PROBLEMS[answer.problem]}}]
        if answer.privacy_notice:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
                f":lock: {answer.privacy_notice}. Please leave patient details out of questions.")}]})  # fmt: skip
        return blocks
    blocks: list[dict] = []
    if only_need is None:
        labels = " · ".join(_label(n) for n in answer.needs[:MAX_NEEDS_SHOWN])
        summary = f":mag: *Who can help with {labels}*"
        modifiers = answer.modifiers.describe()
        if modifiers:
            summary += f" ({safe(modifiers)})"
        unknown = unknown_names(answer)
        if unknown:
            summary += "\n" + safe(unknown)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": summary}})
    for index, need_answer in enumerate(answer.needs[:MAX_NEEDS_SHOWN]):
        if only_need is not None and index != only_need:
            continue
        if only_need is None and index:
            blocks.append({"type": "divider"})
        blocks.extend(need_blocks(answer, index, need_answer))
    notes = []
    if len(answer.needs) > MAX_NEEDS_SHOWN:
        notes.append(f"I answered the first {MAX_NEEDS_SHOWN} needs; please ask about the others separately.")
    if answer.privacy_notice:
        notes.append(f":lock: {answer.privacy_notice}. Please leave patient details out of questions.")
    if notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " ".join(notes)}]})
    return blocks


def unknown_names(answer: SearchAnswer) -> str:
    """ "I don't know a place called Atlantis, so I searched everywhere." and the like, or ""."""
    modifiers, parts = answer.modifiers, []
    if modifiers.unknown_place:
        if modifiers.place_cue == "in" and not modifiers.languages:
            parts.append(f"I don't know a place or a language called {modifiers.unknown_place}, so I left it out.")
        else:
            parts.append(f"I don't know a place called {modifiers.unknown_place}, so I searched everywhere.")
    for language in modifiers.unknown_languages:
        parts.append(f"I don't know a language called {language}, so I left it out.")
    return " ".join(parts)


def answer_text(answer: SearchAnswer) -> str:
    """Plain-text version (notification fallback, console and logs-free tests)."""
    if answer.problem:
        return PROBLEMS[answer.problem]
    lines = [safe(unknown_names(answer))] if unknown_names(answer) else []
    for need_answer in answer.needs[:MAX_NEEDS_SHOWN]:
        label = _label(need_answer)
        if need_answer.uncovered:
            lines.append(f"{safe(need_answer.uncovered)}: nobody in the directory covers this (noted as an unmet need).")
            continue
        if not need_answer.answered:
            lines.append(f"{label}: nobody covers this yet (noted as an unmet need).")
            continue
        names = [safe(hit.name) for hit in need_answer.hits]
        names += [safe(partner.name) + " (partner)" for partner in need_answer.partners[:3]]
        lines.append(f"{label}: " + ", ".join(names))
    if answer.privacy_notice:
        lines.append(answer.privacy_notice)
    return clip("\n".join(lines), 3000)


def search_modal(prefill: str = "") -> dict:
    element = {
        "type": "plain_text_input",
        "action_id": QUERY_ACTION,
        "max_length": 500,
        "placeholder": {"type": "plain_text", "text": "e.g. rides to dialysis near Eastport in Spanish"},
    }
    if prefill:
        element["initial_value"] = prefill[:500]
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "title": {"type": "plain_text", "text": "Who can help?"},
        "submit": {"type": "plain_text", "text": "Search"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": QUERY_BLOCK, "element": element,
             "label": {"type": "plain_text", "text": "What does the person need?"},
             "hint": {"type": "plain_text", "text": "Add a place, language or group if it matters. "
                                                    "Leave patient details out."}},
        ],
    }  # fmt: skip


def feedback_text(kind: str, outcome: str, resource_name: str = "") -> str:
    name = f"*{safe(resource_name)}*" if resource_name else "this resource"
    if outcome == "missing":
        return "That resource is no longer in the directory."
    if outcome == "repeat":
        return f"You already told me about {name} today; it counts once."
    if kind == "helped":
        return f":white_check_mark: Thanks! Noted that {name} helped; it will rank higher for everyone."
    return f":triangular_flag_on_post: Thanks! {name} is flagged as outdated; the directory stewards will check it."
