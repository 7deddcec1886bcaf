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
    op.create_table('celebrationprompt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('reactor_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('prompted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', 'message_ts', name='uq_celebration_prompt')
    )
    op.create_index(op.f('ix_celebrationprompt_team_id'), 'celebrationprompt', ['team_id'], unique=False)
    op.create_table('conference_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rrule', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('start_local', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('video_link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('facilitator_user_ids', sa.JSON(), nullable=False),
    sa.Column('agenda_call_minutes', sa.Integer(), nullable=True),
    sa.Column('day_before_minutes', sa.Integer(), nullable=True),
    sa.Column('start_notice', sa.Boolean(), nullable=False),
    sa.Column('followup_minutes', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('materialized_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_conference_series_materialize', 'conference_series', ['cancelled_at', 'materialized_until'], unique=False)
    op.create_index('ix_conference_series_team_active', 'conference_series', ['team_id', 'cancelled_at'], unique=False)
    op.create_index(op.f('ix_conference_series_team_id'), 'conference_series', ['team_id'], unique=False)
    op.create_table('digest_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('cadence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('local_time', sa.Time(), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("cadence IN ('daily', 'weekly')", name='ck_digest_subscription_cadence'),
    sa.CheckConstraint('weekday IS NULL OR (weekday >= 0 AND weekday <= 6)', name='ck_digest_subscription_weekday'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', name='uq_digest_subscription_user'),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_digest_subscription_team_id'), 'digest_subscription', ['team_id'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
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
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('capacity_per_month', sa.Integer(), nullable=True),
    sa.Column('current_load', sa.Integer(), nullable=True),
    sa.Column('eligibility_notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('slack_team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'normalized_name', name='uq_partner_name')
    )
    op.create_index(op.f('ix_partner_team_id'), 'partner', ['team_id'], unique=False)
    op.create_table('processedevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'event_id', name='uq_processed_event')
    )
    op.create_index(op.f('ix_processedevent_received_at'), 'processedevent', ['received_at'], unique=False)
    op.create_table('questionlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('need_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.Column('surface', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_questionlog_digest', 'questionlog', ['team_id', 'asked_at', 'result_count', 'category', 'need_key'], unique=False)
    op.create_index(op.f('ix_questionlog_team_id'), 'questionlog', ['team_id'], unique=False)
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
    sa.Column('phone_key', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('website_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
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
    op.create_index('ix_resource_digest_staleness', 'resource', ['team_id', 'retired_at', 'verified_at', 'created_at'], unique=False)
    op.create_index('ix_resource_team_city', 'resource', ['team_id', 'normalized_city'], unique=False)
    op.create_index('ix_resource_team_created', 'resource', ['team_id', 'created_at'], unique=False)
    op.create_index('ix_resource_team_creator', 'resource', ['team_id', 'created_by', 'created_at'], unique=False)
    op.create_index(op.f('ix_resource_team_id'), 'resource', ['team_id'], unique=False)
    op.create_index('ix_resource_team_phone_key', 'resource', ['team_id', 'phone_key'], unique=False)
    op.create_index('ix_resource_team_verified', 'resource', ['team_id', 'verified_at'], unique=False)
    op.create_index('ix_resource_team_website_key', 'resource', ['team_id', 'website_key'], unique=False)
    op.create_table('resourcesteward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', name='uq_resource_steward')
    )
    op.create_index(op.f('ix_resourcesteward_team_id'), 'resourcesteward', ['team_id'], unique=False)
    op.create_table('success',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('author_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('author_team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('celebrated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_success_team_author_celebrated', 'success', ['team_id', 'author_user_id', 'celebrated_at'], unique=False)
    op.create_index('ix_success_team_celebrated', 'success', ['team_id', 'celebrated_at'], unique=False)
    op.create_index(op.f('ix_success_team_id'), 'success', ['team_id'], unique=False)
    op.create_table('unmetneed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('need_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('phrase', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('ask_count', sa.Integer(), nullable=False),
    sa.Column('first_asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'need_key', name='uq_unmetneed_team_key')
    )
    op.create_index(op.f('ix_unmetneed_team_id'), 'unmetneed', ['team_id'], unique=False)
    op.create_table('watchedchannel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('enabled_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('enabled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', name='uq_watched_channel')
    )
    op.create_index(op.f('ix_watchedchannel_team_id'), 'watchedchannel', ['team_id'], unique=False)
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('renewal_date', sa.Date(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'kind', name='uq_agreement_kind')
    )
    op.create_index(op.f('ix_agreement_partner_id'), 'agreement', ['partner_id'], unique=False)
    op.create_index(op.f('ix_agreement_team_id'), 'agreement', ['team_id'], unique=False)
    op.create_table('conference_occurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('original_local', sa.DateTime(), nullable=False),
    sa.Column('start_local', sa.DateTime(), nullable=False),
    sa.Column('start_utc', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('facilitator_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'skipped', 'cancelled')", name='ck_conference_occurrence_status'),
    sa.ForeignKeyConstraint(['series_id'], ['conference_series.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('series_id', 'original_local', name='uq_conference_occurrence')
    )
    op.create_index('ix_conference_occurrence_series_start', 'conference_occurrence', ['series_id', 'start_utc'], unique=False)
    op.create_index('ix_conference_occurrence_team_start', 'conference_occurrence', ['team_id', 'start_utc'], unique=False)
    op.create_table('conference_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('original_local', sa.DateTime(), nullable=False),
    sa.Column('new_start_local', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['conference_series.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('series_id', 'original_local', name='uq_conference_override')
    )
    op.create_index(op.f('ix_conference_override_series_id'), 'conference_override', ['series_id'], unique=False)
    op.create_index(op.f('ix_conference_override_team_id'), 'conference_override', ['team_id'], unique=False)
    op.create_table('partnerchannel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_shared', sa.Boolean(), nullable=False),
    sa.Column('monthly_recap', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', 'partner_id', name='uq_partner_channel')
    )
    op.create_index('ix_partner_channel_team_channel', 'partnerchannel', ['team_id', 'channel_id'], unique=False)
    op.create_index(op.f('ix_partnerchannel_partner_id'), 'partnerchannel', ['partner_id'], unique=False)
    op.create_index(op.f('ix_partnerchannel_team_id'), 'partnerchannel', ['team_id'], unique=False)
    op.create_table('partnercontact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('user_team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('details', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_partnercontact_partner_id'), 'partnercontact', ['partner_id'], unique=False)
    op.create_index(op.f('ix_partnercontact_team_id'), 'partnercontact', ['team_id'], unique=False)
    op.create_table('partnerservice',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partner_id', 'category')
    )
    op.create_index('ix_partner_service_team_category', 'partnerservice', ['team_id', 'category'], unique=False)
    op.create_index(op.f('ix_partnerservice_team_id'), 'partnerservice', ['team_id'], unique=False)
    op.create_table('resourcecategory',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'category')
    )
    op.create_index('ix_resource_category_team_category', 'resourcecategory', ['team_id', 'category'], unique=False)
    op.create_table('resourcefeedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_resourcefeedback_resource', 'resourcefeedback', ['team_id', 'resource_id', 'kind'], unique=False)
    op.create_index(op.f('ix_resourcefeedback_team_id'), 'resourcefeedback', ['team_id'], unique=False)
    op.create_table('resourcelogentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_resource', sa.Boolean(), nullable=False),
    sa.Column('filled_fields', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('logged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('undone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_resourcelogentry_resource_id'), 'resourcelogentry', ['resource_id'], unique=False)
    op.create_index(op.f('ix_resourcelogentry_team_id'), 'resourcelogentry', ['team_id'], unique=False)
    op.create_table('successpartner',
    sa.Column('success_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['success_id'], ['success.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('success_id', 'partner_id')
    )
    op.create_index('ix_success_partner_team_partner', 'successpartner', ['team_id', 'partner_id'], unique=False)
    op.create_table('successperson',
    sa.Column('success_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['success_id'], ['success.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('success_id', 'user_id')
    )
    op.create_index(op.f('ix_successperson_team_id'), 'successperson', ['team_id'], unique=False)
    op.create_table('watchedmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', 'message_ts', name='uq_watched_message')
    )
    op.create_index('ix_watched_message_channel_outcome', 'watchedmessage', ['team_id', 'channel_id', 'outcome', 'at'], unique=False)
    op.create_index(op.f('ix_watchedmessage_team_id'), 'watchedmessage', ['team_id'], unique=False)
    op.create_table('conference_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['conference_occurrence.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_conference_agenda_item_occurrence_id'), 'conference_agenda_item', ['occurrence_id'], unique=False)
    op.create_index(op.f('ix_conference_agenda_item_team_id'), 'conference_agenda_item', ['team_id'], unique=False)
    op.create_table('conference_rsvp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("response IN ('going', 'not_going')", name='ck_conference_rsvp_response'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['conference_occurrence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('occurrence_id', 'user_id', name='uq_conference_rsvp')
    )
    op.create_index(op.f('ix_conference_rsvp_occurrence_id'), 'conference_rsvp', ['occurrence_id'], unique=False)
    op.create_index(op.f('ix_conference_rsvp_team_id'), 'conference_rsvp', ['team_id'], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_index(op.f('ix_conference_rsvp_team_id'), table_name='conference_rsvp')
    op.drop_index(op.f('ix_conference_rsvp_occurrence_id'), table_name='conference_rsvp')
    op.drop_table('conference_rsvp')
    op.drop_index(op.f('ix_conference_agenda_item_team_id'), table_name='conference_agenda_item')
    op.drop_index(op.f('ix_conference_agenda_item_occurrence_id'), table_name='conference_agenda_item')
    op.drop_table('conference_agenda_item')
    op.drop_index(op.f('ix_watchedmessage_team_id'), table_name='watchedmessage')
    op.drop_index('ix_watched_message_channel_outcome', table_name='watchedmessage')
    op.drop_table('watchedmessage')
    op.drop_index(op.f('ix_successperson_team_id'), table_name='successperson')
    op.drop_table('successperson')
    op.drop_index('ix_success_partner_team_partner', table_name='successpartner')
    op.drop_table('successpartner')
    op.drop_index(op.f('ix_resourcelogentry_team_id'), table_name='resourcelogentry')
    op.drop_index(op.f('ix_resourcelogentry_resource_id'), table_name='resourcelogentry')
    op.drop_table('resourcelogentry')
    op.drop_index(op.f('ix_resourcefeedback_team_id'), table_name='resourcefeedback')
    op.drop_index('ix_resourcefeedback_resource', table_name='resourcefeedback')
    op.drop_table('resourcefeedback')
    op.drop_index('ix_resource_category_team_category', table_name='resourcecategory')
    op.drop_table('resourcecategory')
    op.drop_index(op.f('ix_partnerservice_team_id'), table_name='partnerservice')
    op.drop_index('ix_partner_service_team_category', table_name='partnerservice')
    op.drop_table('partnerservice')
    op.drop_index(op.f('ix_partnercontact_team_id'), table_name='partnercontact')
    op.drop_index(op.f('ix_partnercontact_partner_id'), table_name='partnercontact')
    op.drop_table('partnercontact')
    op.drop_index(op.f('ix_partnerchannel_team_id'), table_name='partnerchannel')
    op.drop_index(op.f('ix_partnerchannel_partner_id'), table_name='partnerchannel')
    op.drop_index('ix_partner_channel_team_channel', table_name='partnerchannel')
    op.drop_table('partnerchannel')
    op.drop_index(op.f('ix_conference_override_team_id'), table_name='conference_override')
    op.drop_index(op.f('ix_conference_override_series_id'), table_name='conference_override')
    op.drop_table('conference_override')
    op.drop_index('ix_conference_occurrence_team_start', table_name='conference_occurrence')
    op.drop_index('ix_conference_occurrence_series_start', table_name='conference_occurrence')
    op.drop_table('conference_occurrence')
    op.drop_index(op.f('ix_agreement_team_id'), table_name='agreement')
    op.drop_index(op.f('ix_agreement_partner_id'), table_name='agreement')
    op.drop_table('agreement')
    op.drop_index(op.f('ix_watchedchannel_team_id'), table_name='watchedchannel')
    op.drop_table('watchedchannel')
    op.drop_index(op.f('ix_unmetneed_team_id'), table_name='unmetneed')
    op.drop_table('unmetneed')
    op.drop_index(op.f('ix_success_team_id'), table_name='success')
    op.drop_index('ix_success_team_celebrated', table_name='success')
    op.drop_index('ix_success_team_author_celebrated', table_name='success')
    op.drop_table('success')
    op.drop_index(op.f('ix_resourcesteward_team_id'), table_name='resourcesteward')
    op.drop_table('resourcesteward')
    op.drop_index('ix_resource_team_website_key', table_name='resource')
    op.drop_index('ix_resource_team_verified', table_name='resource')
    op.drop_index('ix_resource_team_phone_key', table_name='resource')
    op.drop_index(op.f('ix_resource_team_id'), table_name='resource')
    op.drop_index('ix_resource_team_creator', table_name='resource')
    op.drop_index('ix_resource_team_created', table_name='resource')
    op.drop_index('ix_resource_team_city', table_name='resource')
    op.drop_index('ix_resource_digest_staleness', table_name='resource')
    op.drop_table('resource')
    op.drop_index(op.f('ix_questionlog_team_id'), table_name='questionlog')
    op.drop_index('ix_questionlog_digest', table_name='questionlog')
    op.drop_table('questionlog')
    op.drop_index(op.f('ix_processedevent_received_at'), table_name='processedevent')
    op.drop_table('processedevent')
    op.drop_index(op.f('ix_partner_team_id'), table_name='partner')
    op.drop_table('partner')
    op.drop_index('ix_outbox_status_due', table_name='outbox')
    op.drop_table('outbox')
    op.drop_index(op.f('ix_digest_subscription_team_id'), table_name='digest_subscription')
    op.drop_table('digest_subscription')
    op.drop_index(op.f('ix_conference_series_team_id'), table_name='conference_series')
    op.drop_index('ix_conference_series_team_active', table_name='conference_series')
    op.drop_index('ix_conference_series_materialize', table_name='conference_series')
    op.drop_table('conference_series')
    op.drop_index(op.f('ix_celebrationprompt_team_id'), table_name='celebrationprompt')
    op.drop_table('celebrationprompt')
    op.drop_index(op.f('ix_auditentry_at'), table_name='auditentry')
    op.drop_index('ix_audit_entity', table_name='auditentry')
    op.drop_table('auditentry')
    # ### end Alembic commands ###
