"""Forms in the offline console: a modal the bot opened, filled in field by field and sent as Slack sends it.

`fill N value` types into field (N); a select takes an option's label or value, several separated by commas; a
person or channel picker takes @name or #name (or an id). `submit` builds `view.state.values` exactly as Slack
would, each unfilled field keeping its initial value.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def channel_id_for(name: str) -> str:
    """The channel id the console gives a channel name: the same for `in #food-partners` and a typed
    #food-partners (a name that already looks like an id, such as C123, is kept)."""
    name = name.strip().lstrip("#")
    if re.fullmatch(r"[CGD][A-Z0-9]{2,}", name):
        return name
    return "C" + re.sub(r"[^A-Z0-9]", "", name.upper())


def user_id_for(name: str) -> str:
    """The user id the console gives @name (an id such as U123 is kept)."""
    name = name.strip().lstrip("@")
    if re.fullmatch(r"[UW][A-Z0-9]{2,}", name):
        return name
    return "U" + re.sub(r"[^A-Z0-9]", "", name.upper())


@dataclass
class Form:
    """A modal the bot opened: its view and what has been filled in so far."""

    view: dict[str, Any]
    inputs: list[dict[str, Any]]  # the view's input blocks, in order
    typed: dict[int, str] = field(default_factory=dict)  # field number -> what was typed

    @classmethod
    def of(cls, view: dict[str, Any]) -> "Form":
        return cls(view, [block for block in view.get("blocks") or [] if block.get("type") == "input"])

    @property
    def title(self) -> str:
        return (self.view.get("title") or {}).get("text", "form")

    def label(self, number: int) -> str:
        return (self.inputs[number - 1].get("label") or {}).get("text", "")

    def labels_by_block(self) -> dict[str, str]:
        return {block.get("block_id", ""): (block.get("label") or {}).get("text", "") for block in self.inputs}

    def values(self) -> dict[str, dict[str, Any]]:
        """view.state.values: block_id -> action_id -> the element's state."""
        values: dict[str, dict[str, Any]] = {}
        for number, block in enumerate(self.inputs, 1):
            element = block.get("element") or {}
            typed = self.typed.get(number)
            state = _state(element, initial_text(element) if typed is None else typed)
            values[block.get("block_id", f"input{number}")] = {element.get("action_id", "value"): state}
        return values

    def describe(self, render_block: Callable[[dict[str, Any]], str], show: Callable[[str], str]) -> str:
        """The form as text: its other blocks through `render_block`, each field numbered with what it holds
        (`show` turns mrkdwn such as <@U1> into what a person reads)."""
        lines = [f"[a form opened: {self.title}]"]
        number = 0
        for block in self.view.get("blocks") or []:
            if block.get("type") != "input":
                lines.append(render_block(block).rstrip())
                continue
            number += 1
            element = block.get("element") or {}
            shown = self.typed.get(number)
            if shown is None:
                shown = show(initial_text(element, mrkdwn=True))
            choices = [(o.get("text") or {}).get("text", "") for o in options(element)]
            line = f"  ({number}) {self.label(number)}{'' if block.get('optional') else ' (required)'}"
            line += f": {shown}" if shown else ""
            if choices:
                line += f"  [choose: {', '.join(choices[:12])}{', …' if len(choices) > 12 else ''}]"
            lines.append(line)
        submit = (self.view.get("submit") or {}).get("text", "Submit")
        lines.append(f"  `fill N <value>` for field (N), then `submit` ({submit}) or `cancel`")
        return "\n".join(line for line in lines if line)


def options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: dict[str, Any], typed: str) -> dict[str, Any] | None:
    """The option whose label or value is what was typed (any case)."""
    wanted = typed.strip().lower()
    for option in options(element):
        if wanted in (str(option.get("value", "")).lower(), (option.get("text") or {}).get("text", "").lower()):
            return option
    return None


def _state(element: dict[str, Any], typed: str) -> dict[str, Any]:
    """What Slack would put in view.state for one input, from what was typed (ids, names or option labels)."""
    kind = element.get("type", "plain_text_input")
    items = [item.strip() for item in re.split(r"[;,]", typed) if item.strip()]
    if kind in ("static_select", "radio_buttons"):
        option = _option(element, typed)
        return {"type": kind, "selected_option": option}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": [o for o in map(lambda i: _option(element, i), items) if o]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": typed or None}
    if kind == "timepicker":
        return {"type": kind, "selected_time": typed or None}
    if kind == "users_select":
        return {"type": kind, "selected_user": user_id_for(typed) if typed else None}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": [user_id_for(item) for item in items]}
    if kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind.startswith("conv") else "selected_channel"
        return {"type": kind, key: channel_id_for(typed) if typed else None}
    if kind in ("multi_conversations_select", "multi_channels_select"):
        key = "selected_conversations" if "conv" in kind else "selected_channels"
        return {"type": kind, key: [channel_id_for(item) for item in items]}
    return {"type": kind, "value": typed or None}


def initial_text(element: dict[str, Any], *, mrkdwn: bool = False) -> str:
    """The element's initial value as it would be typed; with `mrkdwn`, people and channels as <@U1> and <#C1>."""
    people = "<@{}>" if mrkdwn else "{}"
    channels = "<#{}>" if mrkdwn else "{}"
    for key in ("initial_value", "initial_date", "initial_time"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return (element["initial_option"].get("text") or {}).get("text", "")
    if element.get("initial_options"):
        return ", ".join((o.get("text") or {}).get("text", "") for o in element["initial_options"])
    for key, form in (("initial_user", people), ("initial_conversation", channels), ("initial_channel", channels)):
        if element.get(key):
            return form.format(element[key])
    for key, form in (("initial_users", people), ("initial_conversations", channels), ("initial_channels", channels)):
        if element.get(key):
            return ", ".join(form.format(item) for item in element[key])
    return ""
