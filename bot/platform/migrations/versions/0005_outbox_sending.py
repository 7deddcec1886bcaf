"""Exactly-once outbox: the `sending` state, claim leases and what a recovering process needs to reconcile a send;
handled events recorded only once handled.

outbox: status may be 'sending' (check constraint rebuilt); lease_until (a claim runs out unless renewed);
sending_at and target (when and where a Slack call started, for reconciliation); slack_ts (the posted message).
processedevent: handled_at (empty while an attempt is in progress).

SQLite cannot alter a check constraint, so the outbox table is rebuilt (batch mode); it has no triggers.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'claimed', 'sent', 'failed', 'skipped', 'cancelled')"
NEW_STATUSES = "status IN ('pending', 'claimed', 'sending', 'sent', 'failed', 'skipped', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("sending_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch.add_column(sa.Column("slack_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.drop_constraint("ck_outbox_status", type_="check")
        batch.create_check_constraint("ck_outbox_status", NEW_STATUSES)
    with op.batch_alter_table("processedevent") as batch:
        batch.add_column(sa.Column("handled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Events recorded before this revision were recorded as they arrived; count them as handled.
    op.execute("UPDATE processedevent SET handled_at = received_at")


def downgrade() -> None:
    # A row caught mid-send goes back to 'claimed', which the old code fails after its lease rather than re-send.
    op.execute("UPDATE outbox SET status = 'claimed' WHERE status = 'sending'")
    with op.batch_alter_table("processedevent") as batch:
        batch.drop_column("handled_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_status", type_="check")
        batch.create_check_constraint("ck_outbox_status", OLD_STATUSES)
        batch.drop_column("slack_ts")
        batch.drop_column("target")
        batch.drop_column("sending_at")
        batch.drop_column("lease_until")
