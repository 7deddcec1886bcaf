"""Thin Slack adapters: one module per feature, each with register(app).

A handler parses the payload, calls its feature's service in bot/<feature>/, renders with that feature's views.py,
and responds; handlers never import each other.
Order matters for messages addressed to the bot: the help fallback is registered last.
"""

from slack_bolt import App

from handlers import celebrations, conferences, digests, help, home, partners, referrals, search
from handlers import directory as resources


def register_all(app: App) -> None:
    for module in (resources, search, conferences, partners, referrals, celebrations, digests, home, help):
        module.register(app)
