"""feeds: per-source sync state, merged feed occurrences, duplicate questions, calendar tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_source_states",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("full_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("calendar_name", sa.String(length=200), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_streaks", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["feed_sources.id"],
                                name=op.f("fk_feed_source_states_source_id_feed_sources"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_feed_source_states")),
    )
    op.create_table(
        "feed_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_uid", sa.String(length=500), nullable=False),
        sa.Column("recurrence_id", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_feed_links_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["feed_sources.id"], name=op.f("fk_feed_links_source_id_feed_sources"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_links")),
        sa.UniqueConstraint("source_id", "source_uid", "recurrence_id",
                            name=op.f("uq_feed_links_source_id_source_uid_recurrence_id")),
    )
    with op.batch_alter_table("feed_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_links_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_duplicate_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["answered_by_id"], ["members.id"],
                                name=op.f("fk_event_duplicate_questions_answered_by_id_members"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["duplicate_id"], ["events.id"],
                                name=op.f("fk_event_duplicate_questions_duplicate_id_events"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_duplicate_questions_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_duplicate_questions")),
        sa.UniqueConstraint("event_id", "duplicate_id", name=op.f("uq_event_duplicate_questions_event_id_duplicate_id")),
    )
    with op.batch_alter_table("event_duplicate_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_duplicate_questions_duplicate_id"), ["duplicate_id"], unique=False)

    op.create_table(
        "calendar_tokens",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_calendar_tokens_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_tokens_token")),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
    with op.batch_alter_table("event_duplicate_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_duplicate_questions_duplicate_id"))
    op.drop_table("event_duplicate_questions")
    with op.batch_alter_table("feed_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_links_event_id"))
    op.drop_table("feed_links")
    op.drop_table("feed_source_states")
