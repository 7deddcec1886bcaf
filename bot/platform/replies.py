"""Answering the person who asked: the one way listeners reply privately through `respond`."""

from collections.abc import Callable
from typing import Any


def private(respond: Callable[..., Any], text: str, blocks: list[dict] | None = None, **extra: Any) -> None:
    """An ephemeral reply (only the person sees it); `extra` passes `replace_original` and the like."""
    if blocks:
        extra["blocks"] = blocks
    respond(text=text, response_type="ephemeral", **extra)
