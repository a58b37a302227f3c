"""discord: the mapping of Maillage events to the Discord scheduled events that mirror them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discord_scheduled_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.String(length=64), nullable=False),
        sa.Column("scheduled_event_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "guild_id", name=op.f("pk_discord_scheduled_events")),
        sa.UniqueConstraint("scheduled_event_id", name=op.f("uq_discord_scheduled_events_scheduled_event_id")),
    )
    op.create_index(op.f("ix_discord_scheduled_events_ends_at"), "discord_scheduled_events", ["ends_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_discord_scheduled_events_ends_at"), table_name="discord_scheduled_events")
    op.drop_table("discord_scheduled_events")
