"""Imports every feature module that registers outbox senders or periodic jobs, so one import wires them all."""

import importlib

FEATURE_MODULES = (
    "bot.maintenance",
    "bot.directory",
    "bot.search",
    "bot.conferences",
    "bot.partners",
    "bot.celebrations",
    "bot.digests",
)


def load_all() -> None:
    for name in FEATURE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as missing:
            # A feature that is not written yet must not stop the others; any other import error is a real bug.
            if missing.name != name:
                raise
