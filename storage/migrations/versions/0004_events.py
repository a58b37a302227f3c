"""events: events, co-hosting venues, RSVPs and calendar feed sources

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:48:10.124803
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('key_env', sa.String(length=100), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('cursor', sa.String(length=300), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('error_streak', sa.Integer(), nullable=False),
    sa.Column('last_error_notified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_feed_sources_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_sources')),
    sa.UniqueConstraint('venue_id', 'url', name=op.f('uq_feed_sources_venue_id_url'))
    )
    with op.batch_alter_table('feed_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_sources_venue_id'), ['venue_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('going_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('feed_source_id', sa.Integer(), nullable=True),
    sa.Column('source_uid', sa.String(length=500), nullable=True),
    sa.Column('recurrence_id', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_events_created_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feed_source_id'], ['feed_sources.id'], name=op.f('fk_events_feed_source_id_feed_sources'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_events_venue_id_venues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('source', 'source_uid', 'recurrence_id', name=op.f('uq_events_source_source_uid_recurrence_id'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_feed_source_id'), ['feed_source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index('ix_events_status_starts', ['status', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_venue_id'), ['venue_id'], unique=False)

    op.create_table('event_venues',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_venues_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_event_venues_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'venue_id', name=op.f('pk_event_venues'))
    )
    with op.batch_alter_table('event_venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_venues_venue_id'), ['venue_id'], unique=False)

    op.create_table('rsvps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_rsvps_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rsvps')),
    sa.UniqueConstraint('event_id', 'member_id', name=op.f('uq_rsvps_event_id_member_id'))
    )
    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_rsvps_event_status', ['event_id', 'status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rsvps_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rsvps_member_id'))
        batch_op.drop_index('ix_rsvps_event_status')

    op.drop_table('rsvps')
    with op.batch_alter_table('event_venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_venues_venue_id'))

    op.drop_table('event_venues')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_venue_id'))
        batch_op.drop_index('ix_events_status_starts')
        batch_op.drop_index(batch_op.f('ix_events_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_events_feed_source_id'))
        batch_op.drop_index(batch_op.f('ix_events_created_by_id'))

    op.drop_table('events')
    with op.batch_alter_table('feed_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_sources_venue_id'))

    op.drop_table('feed_sources')
