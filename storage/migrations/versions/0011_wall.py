"""wall: consents to be shown, hidden items, private venue wall tokens, the change log the screens poll

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wall_consents",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_wall_consents_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_wall_consents")),
    )
    op.create_table(
        "wall_hidden",
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("hidden_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item", name=op.f("pk_wall_hidden")),
    )
    op.create_table(
        "wall_tokens",
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_wall_tokens_venue_id_venues"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("venue_id", name=op.f("pk_wall_tokens")),
        sa.UniqueConstraint("token", name=op.f("uq_wall_tokens_token")),
    )
    op.create_table(
        "wall_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wall_changes")),
    )
    with op.batch_alter_table("wall_changes", schema=None) as batch_op:
        batch_op.create_index("ix_wall_changes_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wall_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_wall_changes_created")
    op.drop_table("wall_changes")
    op.drop_table("wall_tokens")
    op.drop_table("wall_hidden")
    op.drop_table("wall_consents")
