"""What a newcomer sees on a fresh clone: `make test` and `make run` print only what matters."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from bot.directory.fields import CSV_HEADERS
from bot.platform import vocabulary

ROOT = Path(__file__).resolve().parents[2]


def test_skipped_postgresql_tests_are_one_line_that_says_how_to_run_them(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "CI")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "tests/digests/test_report.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("SKIPPED")], "a line per skipped test"
    postgres = [line for line in lines if "PostgreSQL" in line]
    assert len(postgres) == 1, postgres
    assert "TEST_DATABASE_URL=postgresql+psycopg://" in postgres[0] and "make test" in postgres[0]


def test_the_license_is_an_spdx_string_so_setuptools_has_nothing_to_warn_about():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert not [c for c in project["project"].get("classifiers", []) if c.startswith("License ::")]
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to read an SPDX string
    # A top-level package layout: the editable install is a plain .pth entry, without setuptools' notice.
    assert project["tool"]["setuptools"]["package-dir"] == {"": "."}


def test_the_readme_console_example_runs_as_written(tmp_path):
    """The README's first console lines, typed into a fresh console: the resource it adds is new (not a demo entry
    it would merge into) and `click 1` presses the first food answer's "This helped", as the README says."""
    readme = (ROOT / "README.md").read_text()
    example = readme.split("Type as a care team member would:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    typed = [line.removeprefix("you> ") for line in example.splitlines()]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/console.db")
    result = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "console"], input="\n".join(typed) + "\n",
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    answers = dict(zip(typed, result.stdout.split("you> ")[1:], strict=True))
    added = next(line for line in typed if line.startswith("/resource add"))
    assert "Saved to the directory" in answers[added]
    assert "Thanks! Noted that *Eastside Food Pantry* helped" in answers["click 1"]
    assert "[partnerbot's App Home]" in answers["home"] and "/whohelps" in answers["help"]


def test_the_readme_documents_every_import_column_and_category():
    section = (ROOT / "README.md").read_text().split("### Importing a directory", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {name for line in table for name in line.split("|")[1].replace("`", "").replace(",", " ").split()}
    assert documented == set(CSV_HEADERS)
    assert all(category.id in section for category in vocabulary.categories())
