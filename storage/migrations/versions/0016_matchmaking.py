"""matchmaking: since when the network schedules rounds (catch-up runs only rounds missed after it)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_scheduling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_scheduling")),
    )


def downgrade() -> None:
    op.drop_table("match_scheduling")
