"""The `partnerbot` command as a newcomer meets it: piped into `head`, importing a naive CSV."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def partnerbot(tmp_path: Path, *args: str, stdout=subprocess.PIPE) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/cli.db")
    return subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", *args], stdout=stdout,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)


def test_output_read_only_in_part_ends_without_a_traceback(tmp_path):
    """`partnerbot export | head` and `partnerbot report … | head`: the reader leaves before the end."""
    rows = "\n".join(f"Pantry {i},food,555-01{i:02d}" for i in range(60))
    (tmp_path / "pantries.csv").write_text(f"name,categories,phone\n{rows}\n")
    assert partnerbot(tmp_path, "import", "pantries.csv").wait(timeout=120) == 0
    for args in (["export"], ["export", "--format", "hsds"], ["report", "--since", "2026-01-01"]):
        process = partnerbot(tmp_path, *args)
        process.stdout.close()  # like `head` when it has read enough
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 141, errors  # 128 + SIGPIPE, as other command-line tools end
        assert "Traceback" not in errors and "Broken pipe" not in errors and "BrokenPipe" not in errors


def test_a_csv_without_categories_imports_with_a_clear_warning(tmp_path):
    (tmp_path / "naive.csv").write_text("name,phone\nHope Shelter,555-0100\nEastside Pantry,555-0101\n")
    process = partnerbot(tmp_path, "import", "naive.csv")
    out, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    assert "Imported 2 rows" in out and "2 new" in out
    assert "warning: 2 of 2 rows have no need categories (the file has no 'categories' column)" in errors
    assert "food;housing" in errors and "README" in errors


def test_rows_with_an_empty_categories_cell_are_counted(tmp_path):
    (tmp_path / "mixed.csv").write_text("Name,Categories\nHope Shelter,housing\nEastside Pantry,\n")
    _, errors = partnerbot(tmp_path, "import", "mixed.csv").communicate(timeout=120)
    assert "warning: 1 of 2 rows have no need categories (their 'categories' cell is empty)" in errors


def test_a_csv_with_categories_gets_no_warning(tmp_path):
    (tmp_path / "good.csv").write_text("name,categories\nHope Shelter,housing\n")
    _, errors = partnerbot(tmp_path, "import", "good.csv").communicate(timeout=120)
    assert "warning" not in errors
