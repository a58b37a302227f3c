"""venues' opening hours (OSM form), shown in proposals and used to choose a meeting place

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("hours")
