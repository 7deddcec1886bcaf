"""Imported resources belong to no person: `created_by` was the word "import", shown as "logged by @import".

Imports now leave `created_by` empty (the audit trail still names "import" as the actor); this clears the word
from rows imported before. No schema change.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE resource SET created_by = '' WHERE created_by = 'import' AND source = 'import'"))


def downgrade() -> None:
    op.execute(sa.text("UPDATE resource SET created_by = 'import' WHERE created_by = '' AND source = 'import'"))
