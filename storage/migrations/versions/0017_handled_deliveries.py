"""handled deliveries: a platform update applied once, even when delivered again after a crash

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_deliveries",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "delivery_id"),
    )
    op.create_index("ix_handled_deliveries_handled_at", "handled_deliveries", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_handled_deliveries_handled_at", table_name="handled_deliveries")
    op.drop_table("handled_deliveries")
