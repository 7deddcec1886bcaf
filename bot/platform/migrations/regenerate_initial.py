"""Regenerates versions/0001_initial.py from the models (`make schema`).

Until the first release the initial schema is derived from models/, so there is one source of truth; after a
release, schema changes become new, hand-reviewed revisions instead.
"""

import tempfile
from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models  # noqa: F401
from bot.platform.db import include_object

TARGET = Path(__file__).parent / "versions" / "0001_initial.py"

TEMPLATE = '''"""Initial schema (generated from models/ by `make schema`; do not edit by hand).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def _indent(code: str) -> str:
    lines = [line for line in code.splitlines() if not line.startswith("# ###")]
    return "\n".join(("    " + line.strip()) if line.strip() and not line.startswith("    ") else line for line in lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/empty.db")
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"target_metadata": SQLModel.metadata, "include_object": include_object,
                      "user_module_prefix": "sqlmodel.sql.sqltypes."},
            )
            migration = produce_migrations(context, SQLModel.metadata)
            options = {"user_module_prefix": "sqlmodel.sql.sqltypes.", "migration_context": context}
            upgrade = render_python_code(migration.upgrade_ops, **options)
            downgrade = render_python_code(migration.downgrade_ops, **options)
    TARGET.write_text(TEMPLATE.format(upgrade=_indent(upgrade), downgrade=_indent(downgrade)))
    print(f"wrote {TARGET.relative_to(Path.cwd()) if TARGET.is_relative_to(Path.cwd()) else TARGET}")


if __name__ == "__main__":
    main()
