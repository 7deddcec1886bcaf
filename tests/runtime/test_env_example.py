"""`.env.example` documents every variable the settings read, and nothing else."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_matches_the_settings():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    read = set(re.findall(r"""env(?:\.get\(|, )"([A-Z_]+)\"""", (ROOT / "bot" / "runtime" / "settings.py").read_text()))
    assert read and documented == read


def test_example_values_are_valid_settings():
    from dotenv import dotenv_values

    from bot.runtime.settings import settings_from

    values = {key: value or "" for key, value in dotenv_values(ROOT / ".env.example").items()}
    settings_from(values)
