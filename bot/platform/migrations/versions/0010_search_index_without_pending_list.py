"""PostgreSQL: the full-text index is written as each resource is, not through a pending list.

A GIN index's "fast update" queues new entries in a pending list that every search then reads row by row until
vacuum folds it in: after an import of 100,000 resources a rare word took 4-12 ms to look up instead of under 1.
The directory is read far more often than it is written, so writes pay for the index instead of searches.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX fts_resource_search_vector SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('fts_resource_search_vector')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX fts_resource_search_vector SET (fastupdate = on)")
