"""Block Kit for referrals: the card the partner answers on, the steps in its thread, the referrer's outcome
buttons, lists, nudges, the form and the scorecard.

Pure functions of data from bot.referrals. Stored text (the note) is already redacted; it is escaped here, once,
where it leaves.
"""

from __future__ import annotations

from datetime import datetime

from bot.platform.blocks import clip, input_block, plain
from bot.platform.slacktext import safe
from models.referrals import DECLINE_REASONS, OUTCOME_REASONS, OUTCOMES, SHARE_BY, STATUSES, URGENCIES

ACCEPT_ACTION = "referral_accept"
DECLINE_ACTION = "referral_decline"
INFO_ACTION = "referral_need_info"
CONNECTED_ACTION = "referral_outcome_connected"
WORKING_ACTION = "referral_outcome_working"
NOT_CONNECTED_ACTION = "referral_outcome_not_connected"
SEND_TO_CONTACTS_ACTION = "referral_send_to_contacts"
OPEN_FORM_ACTION = "referral_open_form"
FORM_CALLBACK = "referral_form"
ANSWER_ACTIONS = (ACCEPT_ACTION, DECLINE_ACTION, INFO_ACTION)
OUTCOME_ACTIONS = (CONNECTED_ACTION, WORKING_ACTION, NOT_CONNECTED_ACTION)


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def _select(placeholder: str, action_id: str, options: list[tuple[str, str]]) -> dict:
    return {"type": "static_select", "action_id": action_id, "placeholder": plain(placeholder),
            "options": [{"text": plain(label), "value": value} for value, label in options]}


def button_value(referral_id: int, *words: str) -> str:
    """What a button carries: "12:accept", "12:decline:capacity" (bot.referrals.commands reads it back)."""
    return ":".join((str(referral_id), *words))


def when(moment: datetime | None) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>" if moment else ""


def status_line(info) -> str:
    if info.status == "declined":
        text = f"Can't take ({DECLINE_REASONS.get(info.decline_reason or '', 'other')})"
    else:
        text = STATUSES[info.status]
    if info.answered_by_user_id and info.status != "sent":
        text += f" · <@{info.answered_by_user_id}>"
    if info.outcome:
        text += f" · Outcome: {outcome_text(info)}"
    return text


def outcome_text(info) -> str:
    text = OUTCOMES.get(info.outcome or "", "")
    if info.outcome == "not_connected" and info.outcome_reason:
        text += f" ({OUTCOME_REASONS.get(info.outcome_reason, '')})"
    return text


def referral_card(info) -> tuple[str, list[dict]]:
    """The card in the partner's channel: the need, the de-identified note, and the answer buttons while open."""
    urgent = " · :rotating_light: *Urgent*" if info.urgency == "urgent" else ""
    fallback = f"Referral {info.code} to {info.partner_name}: {info.need_label}"
    lines = [
        f"*Referral {info.code}* to *{safe(info.partner_name)}* for *{safe(info.need_label)}*{urgent}",
        f"From <@{info.referrer_user_id}> · details shared by {SHARE_BY.get(info.share_by, info.share_by).lower()}"
        + (f" · urgency: {URGENCIES.get(info.urgency, info.urgency).lower()}" if info.urgency != "urgent" else ""),
    ]
    if info.contact_user_ids:
        lines.append("For " + ", ".join(f"<@{u}>" for u in info.contact_user_ids))
    blocks = [_section("\n".join(lines))]
    if info.note:
        blocks.append(_section("> " + safe(info.note).replace("\n", "\n> ")))
    blocks.append(_context(f"*{status_line(info)}* · sent {when(info.sent_at)} · no patient details here; the "
                           f"care team's record holds the code"))
    if info.status in ("sent", "info_requested"):
        blocks.append({"type": "actions", "block_id": f"answer_{info.id}", "elements": [
            _button("Accept", ACCEPT_ACTION, f"{info.id}:accept", "primary"),
            _select("Can't take…", DECLINE_ACTION,
                    [(button_value(info.id, "decline", reason), f"Can't take: {label}") for reason, label in
                     DECLINE_REASONS.items()]),
            _button("Need more info", INFO_ACTION, f"{info.id}:info"),
        ]})
    return fallback, blocks


def outcome_actions(info) -> dict:
    return _outcome_buttons(info.id)


def _outcome_buttons(referral_id: int) -> dict:
    return {"type": "actions", "block_id": f"outcome_{referral_id}", "elements": [
        _button("Connected", CONNECTED_ACTION, f"{referral_id}:connected", "primary"),
        _button("Still working", WORKING_ACTION, f"{referral_id}:working"),
        _select("Not connected…", NOT_CONNECTED_ACTION,
                [(button_value(referral_id, "not_connected", reason), f"Not connected: {label}") for reason, label in
                 OUTCOME_REASONS.items()]),
    ]}


STEP_WORDS = {"accept": "accepted", "decline": "can't take", "info": "needs more information about"}


def thread_step(info, kind: str) -> str:
    """The reply in the card's thread for one step."""
    if kind == "outcome":
        return f"<@{info.referrer_user_id}> recorded the outcome of {info.code}: *{outcome_text(info)}*."
    reason = f" ({DECLINE_REASONS.get(info.decline_reason or '', '')})" if kind == "decline" else ""
    follow = {"accept": " Thank you!", "info": f" <@{info.referrer_user_id}>, please reply in this thread "
              "(no names or identifiers; the code is enough).", "decline": ""}[kind]
    return f"<@{info.answered_by_user_id}> {STEP_WORDS[kind]} {info.code}{reason}.{follow}"


def referrer_told(info, kind: str) -> tuple[str, list[dict]]:
    """The DM telling the referrer the partner answered; with the outcome buttons once accepted."""
    reason = f" ({DECLINE_REASONS.get(info.decline_reason or '', '')})" if kind == "decline" else ""
    text = (f"*{safe(info.partner_name)}* {STEP_WORDS[kind]} your referral *{info.code}* "
            f"({safe(info.need_label)}){reason}.")
    if kind == "accept":
        text += " When you know, record the outcome:"
    elif kind == "decline" and info.decline_reason == "capacity":
        text += " `/whohelps` finds others who serve the need."
    blocks = [_section(text)]
    if kind == "accept":
        blocks.append(outcome_actions(info))
    return text, blocks


def capacity_warning(capacity, partner_name: str) -> str:
    others = " or ".join(f"*{safe(name)}*" for name in capacity.others)
    hint = f" {others} also serve{'s' if len(capacity.others) == 1 else ''} this need and have room." if others else ""
    return (f":warning: *{safe(partner_name)}* is at capacity this month ({capacity.load} of "
            f"{capacity.per_month} taken).{hint}")


def sent_message(info, *, removed_summary: str, capacity=None, channel_id: str | None = None) -> tuple[str, list]:
    """The private reply to the referrer: the code to write in the patient's record, and what was removed."""
    where = f" in <#{channel_id}>" if channel_id and channel_id[:1] in "CG" else " to its contacts"
    text = (f":incoming_envelope: Referral *{info.code}* sent to *{safe(info.partner_name)}*{where} for "
            f"*{safe(info.need_label)}*. Write *{info.code}* in the patient's record; it is the only link to them.")
    lines = [text]
    if removed_summary:
        lines.append(f":lock: {removed_summary}. The note keeps no patient identifiers.")
    if capacity is not None:
        lines.append(capacity_warning(capacity, info.partner_name))
    return text, [_section("\n".join(lines))]


def no_channel_offer(draft, value: str) -> tuple[str, list[dict]]:
    """A partner with no linked channel: offer to send the card to its contacts, or to link a channel."""
    text = f"*{safe(draft.partner_name)}* has no linked channel yet, so nothing was sent."
    link = f"Link one with `/partner edit {safe(draft.partner_name)}` (Channels)"
    blocks = [_section(text)]
    if draft.contact_user_ids:
        contacts = ", ".join(f"<@{u}>" for u in draft.contact_user_ids)
        blocks.append(_section(f"Send it as a direct message to its contacts ({contacts}), or {link[0].lower()}"
                               f"{link[1:]}."))
        blocks.append({"type": "actions", "elements": [
            _button("Send to its contacts", SEND_TO_CONTACTS_ACTION, value, "primary")]})
    else:
        blocks.append(_section(f"It has no contacts on Slack either. {link}, or add contacts there."))
    if draft.removed_summary:
        blocks.append(_context(f":lock: {draft.removed_summary}."))
    return text, blocks


def not_posted(channel_id: str, error: str) -> str:
    where = f"<#{channel_id}>" if channel_id[:1] in "CG" else "a direct message to its contacts"
    hint = " Invite me there (`/invite @partnerbot`), then send it again." if error == "not_in_channel" else \
        " Nothing was sent or saved; try again in a moment."
    return f"I couldn't post the referral in {where} (Slack said: {safe(error) or 'no reason'}).{hint}"


def outcome_recorded(info) -> str:
    return f"Recorded: *{info.code}* ({safe(info.partner_name)}) — {outcome_text(info)}. Thank you for closing the loop."


def referral_line(info) -> str:
    return (f"*{info.code}* · {safe(info.partner_name)} · {safe(info.need_label)} · {status_line(info)} · "
            f"sent {when(info.sent_at)} by <@{info.referrer_user_id}>")


def referral_list(infos, title: str) -> tuple[str, list[dict]]:
    if not infos:
        return f"No referrals {title}.", [_section(f"No referrals {title}. Send one: `/refer PARTNER for NEED`.")]
    return f"Referrals {title}", [_section(f"*Referrals {title}*"), _section("\n".join(map(referral_line, infos)))]


def referral_detail(info, *, show_outcome: bool, show_note: bool = True) -> tuple[str, list[dict]]:
    blocks = [_section(referral_line(info))]
    if info.note and show_note:
        blocks.append(_section("> " + safe(info.note).replace("\n", "\n> ")))
    if show_outcome and info.status != "declined":
        blocks.append(outcome_actions(info))
    return f"Referral {info.code}", blocks


def answer_nudge(code: str, partner_name: str, contacts, channel_id: str, card_ts: str | None,
                 days: int) -> tuple[str, list[dict]]:
    people = ", ".join(f"<@{u}>" for u in contacts) or f"{safe(partner_name)} team"
    text = (f":wave: {people}: referral *{code}* has had no answer for {days} days. One click on its card "
            "(*Accept*, *Can't take* or *Need more info*) lets the care team know.")
    return text, [_section(text)]


def outcome_nudge(referral_id: int, code: str, partner_name: str, days: int) -> tuple[str, list[dict]]:
    text = (f":hourglass: *{safe(partner_name)}* accepted referral *{code}* {days} days ago and no outcome is recorded "
            "yet. Did the client connect?")
    return text, [_section(text), _outcome_buttons(referral_id)]


def form(partners: list[tuple[int, str]], categories: list[tuple[str, str]], *, partner_id: int | None = None,
         channel_id: str | None = None) -> dict:
    """The referral form: partner, need, urgency, a de-identified note, how details will be shared."""
    partner = _select("Pick a partner", "partner", [(str(i), name[:75]) for i, name in partners[:100]])
    if partner_id is not None and (chosen := [o for o in partner["options"] if o["value"] == str(partner_id)]):
        partner["initial_option"] = chosen[0]
    urgency = _select("How urgent", "urgency", list(URGENCIES.items()))
    urgency["initial_option"] = urgency["options"][0]
    share = _select("How details are shared", "share_by", list(SHARE_BY.items()))
    share["initial_option"] = share["options"][0]
    note = {"type": "plain_text_input", "action_id": "note", "multiline": True, "max_length": 1000}
    return {
        "type": "modal", "callback_id": FORM_CALLBACK, "title": plain("Send a referral"), "submit": plain("Send"),
        "close": plain("Cancel"), "private_metadata": channel_id or "",
        "blocks": [
            input_block("partner", "Partner", partner, optional=False),
            input_block("need", "Need", _select("Pick a need", "need", [(c, n[:75]) for c, n in categories[:100]]),
                        optional=False),
            input_block("urgency", "Urgency", urgency, optional=False),
            input_block("share_by", "Client details will be shared by", share, optional=False),
            input_block("note", "Note for the partner", note,
                        hint="No names, dates of birth, record numbers or phones: identifiers are removed. "
                             "The referral code links it to the patient's record."),
        ],
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------------------
# Aims and the scorecard
# --------------------------------------------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    hours = seconds / 3600
    if hours < 1:
        return f"{max(1, round(seconds / 60))} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def figures_line(figures) -> str:
    return (f"{figures.sent} sent · {percent(figures.acceptance_rate)} accepted · first answer in "
            f"{duration(figures.median_answer_seconds)} (median) · loop closed {percent(figures.closure_rate)} · "
            f"{percent(figures.connected_rate)} connected")


def aim_line(aim) -> str:
    manual = " (recorded)" if aim.manual else ""
    return (f"{safe(aim.partner_name)}: {safe(aim.description)} — *{aim.progress} of {aim.target}*{manual} by "
            f"{aim.due_date:%b} {aim.due_date.day}, {aim.due_date.year}")


def aim_saved(saved) -> str:
    if saved.progress is not None:
        return f"Progress on *{safe(saved.partner_name)}*'s aim “{safe(saved.description)}”: {saved.progress} of " \
               f"{saved.target}."
    counts = f"connected {safe(saved.need)} referrals" if saved.need else "connected referrals"
    return (f":dart: Aim set with *{safe(saved.partner_name)}*: {safe(saved.description)} ({saved.target}) by "
            f"{saved.due:%b} {saved.due.day}, {saved.due.year}. Progress counts {counts}; "
            f"`/partner aim {safe(saved.partner_name)} progress N` records a figure instead.")


def partner_scorecard(card, *, internal: bool) -> tuple[str, list[dict]]:
    """`/partner scorecard`: the partner's referral figures, by need, aims, and the partnership around them.
    `internal` (a care team member) adds capacity notes, which never cross to another organization."""
    figures = card.card.total
    lines = [f"*Scorecard: {safe(card.partner_name)}* (last 12 months)", figures_line(figures)]
    if card.card.by_need:
        lines.append("*By need:* " + "; ".join(f"{safe(need)} {f.sent} sent, {percent(f.connected_rate)} connected"
                                                for need, f in card.card.by_need[:6]))
    if internal and card.card.capacity_declines:
        lines.append("*Declined for capacity:* " + ", ".join(f"{safe(n)} ({c})" for n, c in card.card.capacity_declines))
    if internal and card.capacity_per_month is not None:
        lines.append(f"*Capacity:* {card.capacity_per_month} a month")
    if card.card.aims:
        lines.append("*Aims:*\n" + "\n".join("• " + aim_line(aim) for aim in card.card.aims))
    agreements = ", ".join(f"{label}" + (f" (renews {d:%b} {d.day}, {d.year})" if d else "")
                           for label, d in card.agreements) or "none on record"
    lines.append(f"*Successes celebrated:* {card.celebrations} · *Conference RSVPs:* {card.rsvps} · "
                 f"*Agreements:* {agreements} · *Last contact:* {when(card.last_contact) or 'none yet'}")
    return f"Scorecard: {card.partner_name}", [_section("\n".join(lines))]


def digest_section(card, limit: int = 5) -> str:
    """The digest's referral section: totals, the busiest partners and needs, capacity declines, aims."""
    if card.total.sent == 0 and not card.aims:
        return "No referrals sent this period."
    lines = [figures_line(card.total)]
    lines += [f"• {safe(name)}: {figures_line(f)}" for name, f in card.by_partner[:limit]]
    if len(card.by_partner) > limit:
        lines.append(f"…and {len(card.by_partner) - limit} more partners (`/partner scorecard NAME`)")
    if card.by_need:
        lines.append("*By need:* " + "; ".join(f"{safe(need)} {f.sent} sent, {percent(f.connected_rate)} connected"
                                                for need, f in card.by_need[:limit]))
    if card.capacity_declines:
        lines.append("*Declined for capacity:* " + ", ".join(f"{safe(n)} ({c})" for n, c in card.capacity_declines[:limit]))
    if card.aims:
        lines.append("*Aims:*\n" + "\n".join("• " + aim_line(aim) for aim in card.aims[:limit]))
    return "\n".join(lines)
