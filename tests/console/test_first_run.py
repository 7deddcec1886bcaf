"""What a newcomer sees on a fresh clone: `make test` and `make run` print only what matters."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

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
