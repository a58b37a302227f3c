"""feeds: the category of a feed's last failure (what hosts are told, in their language)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: feeds that failed before this revision have no category; they are shown a generic
    # one until their next failure records the real kind.
    op.add_column("feed_source_states", sa.Column("error_kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_source_states") as batch:
        batch.drop_column("error_kind")
