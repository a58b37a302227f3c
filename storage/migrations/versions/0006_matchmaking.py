"""matchmaking: introduction settings, rounds (unique per period), introductions and answers, schedule

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('trigger', sa.String(length=12), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_rounds')),
    sa.UniqueConstraint('period', name=op.f('uq_match_rounds_period'))
    )
    op.create_table('introductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('cross_venue', sa.Boolean(), nullable=False),
    sa.Column('need_offer', sa.Boolean(), nullable=False),
    sa.Column('repeat', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['match_rounds.id'], name=op.f('fk_introductions_round_id_match_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions'))
    )
    op.create_index(op.f('ix_introductions_revealed_at'), 'introductions', ['revealed_at'], unique=False)
    op.create_index(op.f('ix_introductions_round_id'), 'introductions', ['round_id'], unique=False)
    op.create_index('ix_introductions_status_expires', 'introductions', ['status', 'expires_at'], unique=False)
    op.create_table('intro_preferences',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('venue_preference', sa.String(length=24), nullable=False),
    sa.Column('never_with', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=True),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_intro_preferences_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_intro_preferences'))
    )
    op.create_table('introduction_members',
    sa.Column('introduction_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.String(length=10), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('follow_up', sa.String(length=10), nullable=True),
    sa.Column('met', sa.String(length=10), nullable=True),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['introduction_id'], ['introductions.id'], name=op.f('fk_introduction_members_introduction_id_introductions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_introduction_members_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_introduction_members_venue_id_venues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('introduction_id', 'slot', name=op.f('pk_introduction_members'))
    )
    op.create_index(op.f('ix_introduction_members_member_id'), 'introduction_members', ['member_id'], unique=False)
    op.create_table('match_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cron', sa.String(length=100), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['members.id'], name=op.f('fk_match_schedule_updated_by_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_schedule'))
    )


def downgrade() -> None:
    op.drop_table('match_schedule')
    op.drop_index(op.f('ix_introduction_members_member_id'), table_name='introduction_members')
    op.drop_table('introduction_members')
    op.drop_table('intro_preferences')
    op.drop_index('ix_introductions_status_expires', table_name='introductions')
    op.drop_index(op.f('ix_introductions_round_id'), table_name='introductions')
    op.drop_index(op.f('ix_introductions_revealed_at'), table_name='introductions')
    op.drop_table('introductions')
    op.drop_table('match_rounds')
