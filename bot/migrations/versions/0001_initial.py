"""Initial schema (generated from models/ by `make schema`; do not edit by hand).

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
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('actor_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_entity', 'auditentry', ['team_id', 'entity', 'entity_id'], unique=False)
    op.create_index(op.f('ix_auditentry_at'), 'auditentry', ['at'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_late', sa.Boolean(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'claimed', 'sent', 'failed', 'skipped', 'cancelled')", name='ck_outbox_status'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'key', name='uq_outbox_key')
    )
    op.create_index('ix_outbox_status_due', 'outbox', ['status', 'due_at'], unique=False)
    op.create_table('processedevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'event_id', name='uq_processed_event')
    )
    op.create_index(op.f('ix_processedevent_received_at'), 'processedevent', ['received_at'], unique=False)
    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organization', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('normalized_organization', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('categories', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('normalized_city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('hours', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('languages', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('eligibility', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('populations', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('helped_count', sa.Integer(), nullable=False),
    sa.Column('outdated_count', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('verified_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('verified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('retired_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'normalized_name', 'normalized_organization', 'normalized_city', name='uq_resource_identity')
    )
    op.create_index(op.f('ix_resource_team_id'), 'resource', ['team_id'], unique=False)
    op.create_index('ix_resource_team_retired', 'resource', ['team_id', 'retired_at'], unique=False)
    op.create_table('resourcecategory',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'category')
    )
    op.create_index('ix_resource_category_team_category', 'resourcecategory', ['team_id', 'category'], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_index('ix_resource_category_team_category', table_name='resourcecategory')
    op.drop_table('resourcecategory')
    op.drop_index('ix_resource_team_retired', table_name='resource')
    op.drop_index(op.f('ix_resource_team_id'), table_name='resource')
    op.drop_table('resource')
    op.drop_index(op.f('ix_processedevent_received_at'), table_name='processedevent')
    op.drop_table('processedevent')
    op.drop_index('ix_outbox_status_due', table_name='outbox')
    op.drop_table('outbox')
    op.drop_index(op.f('ix_auditentry_at'), table_name='auditentry')
    op.drop_index('ix_audit_entity', table_name='auditentry')
    op.drop_table('auditentry')
    # ### end Alembic commands ###
