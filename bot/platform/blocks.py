"""Block Kit limits and small builders every feature's views share."""

SECTION_LIMIT = 2900  # Slack allows 3,000 characters in a section's text; keep room for a closing mark


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
