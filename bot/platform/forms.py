"""Reading what a person submitted in a Slack form (a modal's `view.state`), whatever the element type."""

from typing import Any


def state_value(view: dict[str, Any], block_id: str, action_id: str | None = None) -> Any:
    """The submitted value of one input: a list for multi-selects, a string otherwise; None when left empty."""
    block = (view.get("state") or {}).get("values", {}).get(block_id) or {}
    element = block.get(action_id or block_id) or (next(iter(block.values())) if block else None)
    if not element:
        return None
    for key in ("selected_users", "selected_conversations", "selected_channels"):
        if key in element:
            return list(element[key] or [])
    if "selected_options" in element:
        return [option["value"] for option in element["selected_options"] or []]
    if "selected_option" in element:
        return (element["selected_option"] or {}).get("value")
    for key in ("selected_user", "selected_conversation", "selected_channel", "selected_date"):
        if key in element:
            return element[key]
    value = element.get("value")
    return value if value not in ("", None) else None
