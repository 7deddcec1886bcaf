"""Search threads: the parsed question (needs and modifiers, never the text) kept with an answer posted in a
conversation, so replies in its thread refine it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "searchthread",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("parsed", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "channel_id", "thread_ts", name="uq_searchthread_thread"),
    )


def downgrade() -> None:
    op.drop_table("searchthread")
