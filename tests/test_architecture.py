"""The layering the README promises: domain code without Slack's framework, pure views, thin handlers."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The runtime around the core may use bolt: the app factory, the HTTP server, the CLI and the console's driver.
BOLT_ALLOWED = {"app.py", "server.py", "cli.py", "simulator.py"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_does_not_import_bolt(path):
    if path.name in BOLT_ALLOWED:
        return
    assert not {name for name in imports_of(path) if name.startswith("slack_bolt")}


@pytest.mark.parametrize("path", modules("bot/views"), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_are_pure_functions_of_data(path):
    forbidden = ("slack_bolt", "slack_sdk", "sqlmodel", "sqlalchemy", "bot.db", "bot.outbox")
    assert not {name for name in imports_of(path) if name.startswith(forbidden)}


@pytest.mark.parametrize("path", modules("handlers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_leave_queries_to_the_core(path):
    assert not {name for name in imports_of(path) if name.startswith(("sqlmodel", "sqlalchemy"))}
