"""Closed-loop referrals and shared aims: the referral table (a code per workspace, the partner's answer, the
outcome, where its card is) and partneraim (a measurable, time-bound aim with a partner).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partneraim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('need', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('manual_progress', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_partneraim_team_partner', 'partneraim', ['team_id', 'partner_id'], unique=False)
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('need', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('urgency', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('share_by', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('referrer_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('answered_by_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('outcome_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('card_channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('card_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('card_shared', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('first_answer_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('first_answer_seconds', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outcome_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('connected', 'not_connected', 'working')", name='ck_referral_outcome'),
    sa.CheckConstraint("status IN ('sent', 'accepted', 'declined', 'info_requested')", name='ck_referral_status'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'code', name='uq_referral_code')
    )
    op.create_index(op.f('ix_referral_partner_id'), 'referral', ['partner_id'], unique=False)
    op.create_index('ix_referral_team_partner_sent', 'referral', ['team_id', 'partner_id', 'sent_at'], unique=False)
    op.create_index('ix_referral_team_referrer', 'referral', ['team_id', 'referrer_user_id', 'status'], unique=False)
    op.create_index('ix_referral_scorecard', 'referral', ['team_id', 'sent_at', 'partner_id', 'need', 'status', 'accepted_at', 'outcome', 'decline_reason', 'first_answer_seconds'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_referral_scorecard', table_name='referral')
    op.drop_index('ix_referral_team_referrer', table_name='referral')
    op.drop_index('ix_referral_team_partner_sent', table_name='referral')
    op.drop_index(op.f('ix_referral_partner_id'), table_name='referral')
    op.drop_table('referral')
    op.drop_index('ix_partneraim_team_partner', table_name='partneraim')
    op.drop_table('partneraim')
