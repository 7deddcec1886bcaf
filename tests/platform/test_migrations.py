"""Alembic owns the schema: after `upgrade`, the database matches the models exactly, on both databases."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.platform.db import alembic_config, include_object


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


def _migrate(db, revision: str, direction=command.upgrade) -> None:
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        direction(config, revision)


def _add_resource(connection, name: str, key: str, *, city: str = "", mentions: int = 1, phone: str = "",
                  categories: str = "") -> int:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return connection.execute(text(
        "INSERT INTO resource (team_id, name, normalized_name, organization, normalized_organization, description, "
        "categories, phone, phone_key, email, website, website_key, address, city, normalized_city, state, "
        "postal_code, hours, languages, eligibility, populations, mention_count, helped_count, outdated_count, "
        "source, created_by, created_at, updated_at) VALUES ('T1', :name, :key, '', '', '', :categories, :phone, "
        "'', '', '', '', '', :city, '', '', '', '', '', '', '', :mentions, 0, 0, 'slack', 'U1', :now, :now) "
        "RETURNING id"), {"name": name, "key": key, "city": city, "mentions": mentions, "phone": phone,
                          "categories": categories, "now": now}).scalar_one()


def test_0006_unescapes_stored_text_and_merges_what_now_folds_together(db):
    _migrate(db, "0005", command.downgrade)
    with db.engine.begin() as connection:
        hope = _add_resource(connection, "Hope Shelter &amp; Housing", "hope shelter amp housing")
        cafe = _add_resource(connection, "Café Ñandú", "cafe nandu", mentions=2, categories="food")
        accentless = _add_resource(connection, "CAFE NANDU", "cafe nandu x", phone="555-0101", mentions=3,
                                   categories="food;housing")
        russian = _add_resource(connection, "Продуктовый банк", "")
        connection.execute(text("INSERT INTO resourcecategory (resource_id, category, team_id) VALUES "
                                "(:a, 'food', 'T1'), (:b, 'food', 'T1'), (:b, 'housing', 'T1')"),
                           {"a": cafe, "b": accentless})
        connection.execute(text(
            "INSERT INTO partner (team_id, name, normalized_name, eligibility_notes, owner_user_id, timezone, source, "
            "created_at, updated_at) VALUES ('T1', 'Food &amp; Friends', 'food amp friends', 'Kids &lt;5', 'U1', "
            "'UTC', 'slack', :now, :now), ('T1', 'Café Bank', 'café bank', '', 'U1', 'UTC', 'slack', :now, :now), "
            "('T1', 'CAFE BANK', 'cafe bank', '', 'U1', 'UTC', 'slack', :now, :now)"),
            {"now": datetime(2026, 1, 1, tzinfo=UTC)})
    _migrate(db, "heads")
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, name, normalized_name, mention_count, phone, categories FROM resource ORDER BY id")).all()
        categories = connection.execute(text(
            "SELECT category FROM resourcecategory WHERE resource_id = :id ORDER BY category"), {"id": cafe}).all()
        partners = connection.execute(text(
            "SELECT name, normalized_name, eligibility_notes FROM partner ORDER BY id")).all()
    assert [(r.id, r.name, r.normalized_name) for r in rows] == [
        (hope, "Hope Shelter & Housing", "hope shelter and housing"),
        (cafe, "Café Ñandú", "cafe nandu"),
        (russian, "Продуктовый банк", "продуктовыи банк"),
    ]
    merged = rows[1]
    assert (merged.mention_count, merged.phone, merged.categories) == (5, "555-0101", "food;housing")
    assert [c.category for c in categories] == ["food", "housing"]
    assert [tuple(p) for p in partners] == [
        ("Food & Friends", "food and friends", "Kids <5"),
        ("Café Bank", "cafe bank", ""),
        ("CAFE BANK", "cafe bank #3", ""),  # reads as the one before: kept apart
    ]
    assert accentless not in [r.id for r in rows]


def test_0010_the_full_text_index_has_no_pending_list_on_postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 index has no pending list")
    options = "SELECT reloptions FROM pg_class WHERE relname = 'fts_resource_search_vector'"
    with db.engine.connect() as connection:
        assert connection.execute(text(options)).scalar() == ["fastupdate=off"]
    _migrate(db, "0009", command.downgrade)
    with db.engine.connect() as connection:
        assert connection.execute(text(options)).scalar() == ["fastupdate=on"]
    _migrate(db, "heads")
