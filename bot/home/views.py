"""The App Home tab: a person's recent resources, upcoming conferences, recent successes and the main actions."""

from __future__ import annotations

from collections.abc import Callable

from bot.celebrations.views import safe_text
from bot.digests.views import slack_date
from bot.home.service import HOME_CONFERENCE_DAYS, HomeData
from bot.platform.slacktext import safe
from bot.referrals.views import OPEN_FORM_ACTION, referral_line

SUCCESS_TEXT_LIMIT = 200

ACTIONS = (
    ("Log a resource", "open_resource_modal", "primary"),
    ("Who can help", "open_search_modal", None),
    ("Schedule a conference", "open_conference_modal", None),
    ("Celebrate", "open_celebrate_modal", None),
    ("Send a referral", OPEN_FORM_ACTION, None),
)


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _buttons() -> dict:
    elements = []
    for label, action_id, style in ACTIONS:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": label},
            "action_id": action_id,
            "value": "home",
        }
        if style:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": "home_actions", "elements": elements}


def _resources(data: HomeData) -> list[dict]:
    if not data.resources:
        return [_section("You haven't logged a resource yet. *Log a resource* above, or `/resource add …`.")]
    lines = []
    for resource in data.resources:
        org = f" · {safe(resource.organization)}" if resource.organization else ""
        categories = (
            f" · {', '.join(safe(label) for label in resource.category_labels)}"
            if resource.category_labels
            else ""
        )
        checked = (
            f"verified {slack_date(resource.verified_at, '{date_short}', data.timezone)}"
            if resource.verified_at
            else f"logged {slack_date(resource.created_at, '{date_short}', data.timezone)}"
        )
        lines.append(f"• *{safe(resource.name)}*{org}{categories} · {checked}")
    return [_section("\n".join(lines))]


def _conferences(data: HomeData) -> list[dict]:
    if not data.conferences:
        return [_section(f"No case conferences in your channels in the next {HOME_CONFERENCE_DAYS} days.")]
    lines = []
    for conf in data.conferences:
        answer = {"going": " · you're going", "not_going": " · you're not going"}.get(
            conf.my_response or "", ""
        )
        items = f"{conf.agenda_items} agenda item" + ("" if conf.agenda_items == 1 else "s")
        lines.append(
            f"• {slack_date(conf.start_utc, '{date_short_pretty} at {time}', data.timezone)} *{safe(conf.title)}* in "
            f"<#{conf.channel_id}> · {items} · {conf.going} going{answer}"
        )
    return [_section("\n".join(lines))]


def _successes(data: HomeData) -> list[dict]:
    if not data.successes:
        return [
            _section("No successes celebrated in your channels lately. *Celebrate* a partner's help above.")
        ]
    lines = []
    for success in data.successes:
        text = " ".join(success.text.split())
        if len(text) > SUCCESS_TEXT_LIMIT:
            text = text[: SUCCESS_TEXT_LIMIT - 1] + "…"
        partners = (
            f" with {', '.join(safe(name) for name in success.partner_names)}"
            if success.partner_names
            else ""
        )
        lines.append(
            f"• {slack_date(success.celebrated_at, '{date_short}', data.timezone)} <@{success.author_user_id}>{partners} in "
            f"<#{success.channel_id}>: {safe_text(text)}"
        )
    return [_section("\n".join(lines))]


def _referrals(data: HomeData) -> list[dict]:
    if not data.referrals:
        return [_context("None open. `/refer PARTNER for NEED` sends one; the partner answers on its card.")]
    return [_section("\n".join(referral_line(info) for info in data.referrals))]


def _digest(data: HomeData) -> str:
    if data.digest_schedule:
        return f"You get the partnership digest {data.digest_schedule}. `/digest preview` shows one now."
    return "Managers: `/digest subscribe` sends you a weekly partnership digest."


# The Home's sections, top to bottom: a title and the blocks under it.
SECTIONS: tuple[tuple[str, Callable[[HomeData], list[dict]]], ...] = (
    ("Your recently logged resources", _resources),
    ("Upcoming case conferences in your channels", _conferences),
    ("Recent successes", _successes),
    ("Your open referrals", _referrals),
)


def home_view(data: HomeData) -> dict:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "partnerbot"}},
        _section(f"Hi <@{data.user_id}>! Find who can help, keep resources current and celebrate partners."),
        _buttons(),
    ]
    for title, render in SECTIONS:
        blocks += [{"type": "divider"}, _section(f"*{title}*"), *render(data)]
    blocks += [
        {"type": "divider"},
        _context(_digest(data)),
        _context("partnerbot never stores patient identifiers. `/partnerbot help` lists everything."),
    ]
    return {"type": "home", "blocks": blocks}
