"""Full-text index over resources for "who can help with X?".

SQLite: an external-content FTS5 table `fts_resource` over the resource table, kept in sync by triggers, so
every insert path (Slack, import, console, tests inserting rows directly) is indexed. Ranked with bm25 and
per-column weights in bot/search.py.
PostgreSQL: a generated, weighted tsvector column `resource.search_vector` with a GIN index.

The names start with "fts_" / are "search_vector" so that comparing the models to the migrations ignores them.
Note for future migrations: a SQLite "batch" rebuild of the resource table drops these triggers; recreate them
with `create_sqlite_index()` afterwards.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Indexed columns, in FTS5 column order (bot/search.py passes bm25 weights in this order).
FTS_COLUMNS = (
    "name",
    "organization",
    "description",
    "categories",
    "city",
    "postal_code",
    "languages",
    "populations",
    "eligibility",
)


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{column}" for column in FTS_COLUMNS)


def create_sqlite_index() -> None:
    columns = ", ".join(FTS_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS fts_resource USING fts5({columns}, content='resource', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS fts_resource_after_insert AFTER INSERT ON resource BEGIN "
        f"INSERT INTO fts_resource(rowid, {columns}) VALUES (new.id, {_values('new')}); END"
    )
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS fts_resource_after_delete AFTER DELETE ON resource BEGIN "
        f"INSERT INTO fts_resource(fts_resource, rowid, {columns}) VALUES ('delete', old.id, {_values('old')}); END"
    )
    # Only changes to indexed columns re-index the row (mention and feedback counters change often).
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS fts_resource_after_update AFTER UPDATE OF {columns} ON resource BEGIN "
        f"INSERT INTO fts_resource(fts_resource, rowid, {columns}) VALUES ('delete', old.id, {_values('old')}); "
        f"INSERT INTO fts_resource(rowid, {columns}) VALUES (new.id, {_values('new')}); END"
    )
    op.execute("INSERT INTO fts_resource(fts_resource) VALUES ('rebuild')")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        create_sqlite_index()
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE resource ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(organization, '') || ' ' || coalesce(categories, '')), 'B') || "
            "setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(eligibility, '') || ' ' || "
            "coalesce(populations, '') || ' ' || coalesce(languages, '')), 'C') || "
            "setweight(to_tsvector('simple', coalesce(city, '') || ' ' || coalesce(postal_code, '')), 'D')"
            ") STORED"
        )
        op.execute("CREATE INDEX fts_resource_search_vector ON resource USING GIN (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in (
            "fts_resource_after_insert",
            "fts_resource_after_delete",
            "fts_resource_after_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS fts_resource")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_resource_search_vector")
        op.execute("ALTER TABLE resource DROP COLUMN IF EXISTS search_vector")
