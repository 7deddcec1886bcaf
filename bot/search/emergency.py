"""A medical emergency happening now ("patient having chest pain right now", "he's not breathing", "someone is
waving a gun right now"): the answer is 911, not a community resource. Pure: no database, no Slack. A crisis of the mind ("suicidal") is not matched here:
the directory's crisis lines answer it."""

from __future__ import annotations

import re

__all__ = ["is_medical_emergency"]

# Symptoms that need an ambulance when they are happening.
_ACUTE = (
    r"chest pains?|heart attack|(?:a |having a )?stroke|can'?t breathe|cannot breathe|trouble breathing|"
    r"struggling to breathe|seizures?|seizing|bleeding (?:heavily|badly|a lot)|choking|anaphylaxis|"
    r"overdosing|unconscious|dolor (?:de|en el) pecho|ataque al coraz[oó]n|convulsi[oó]n(?:es)?|"
    r"derrame cerebral|"
    # Violence in progress is 911's too.
    r"(?:waving|pointing|holding|has|with) an? (?:gun|knife|weapon)|active shooter|shots fired|being stabbed"
)
# Said so that it is happening now.
_NOW = r"right now|now|currently|at the moment|as we speak|ahora(?:\s+mismo)?|ahorita"
_HAPPENING = re.compile(
    rf"\b(?:{_ACUTE})\b.*\b(?:{_NOW})\b|\b(?:{_NOW})\b.*\b(?:{_ACUTE})\b|"
    r"\b(?:is|are|s) having (?:a stroke|a heart attack|a seizure|chest pains?|trouble breathing)\b|"
    r"\b(?:is not breathing|isn'?t breathing|not breathing|stopped breathing|unresponsive|is overdosing|"
    r"(?:is|s) unconscious|(?:won'?t|will not|not) wak(?:e|ing) up(?! (?:for|in time|on time|early|until))|"
    r"can'?t wake (?:him|her|them) up|"
    r"(?:he|she|just|has) collapsed|no respira|se desmay[oó])\b",
    re.IGNORECASE,
)


def is_medical_emergency(text: str) -> bool:
    """Whether the question describes a medical emergency in progress."""
    return bool(_HAPPENING.search(text or ""))
