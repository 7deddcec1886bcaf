"""Digests every other week: the cadence may also be 'biweekly'.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "digest_subscription"
CHECK = "ck_digest_subscription_cadence"


def _replace_check(condition: str) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table, keeping AUTOINCREMENT and its counter (outbox
    # keys name subscription ids, which must never be reused); PostgreSQL drops and adds it in place.
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    counter = (
        bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": TABLE}).scalar()
        if sqlite
        else None
    )
    with op.batch_alter_table(TABLE, table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(CHECK, type_="check")
        batch.create_check_constraint(CHECK, condition)
    if counter:
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": TABLE})
        bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"), {"t": TABLE, "s": counter})


def upgrade() -> None:
    _replace_check("cadence IN ('daily', 'weekly', 'biweekly')")


def downgrade() -> None:
    op.execute(f"DELETE FROM {TABLE} WHERE cadence = 'biweekly'")
    _replace_check("cadence IN ('daily', 'weekly')")
