"""Alembic owns the schema: after `upgrade`, the database matches the models exactly, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bot.platform.db import include_object


def test_migrations_produce_exactly_the_models_schema(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object,
                                                               "compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], "run `make schema` (or add a migration) so the schema matches models/"


def test_every_table_carries_the_workspace():
    missing = [table.name for table in SQLModel.metadata.sorted_tables if "team_id" not in table.columns]
    assert missing == [], f"tables without team_id: {missing}"


def test_upgrade_is_repeatable(db):
    db.upgrade()
    assert "outbox" in inspect(db.engine).get_table_names()
    assert db.current_revisions()
