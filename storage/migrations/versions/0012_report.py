"""report: the report's anonymous daily aggregates (flows, carried stocks, closed days)

The back-fill of existing data is not done here but by the first aggregation run (the nightly job
at start, a report, or an erasure), which closes every day since the oldest data once: it needs the
application's async queries, and later migrations' columns (venues' open-data fields) do not exist
yet at this revision.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _counts(name: str) -> None:
    op.create_table(
        name,
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("dim", sa.String(length=80), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "venue_id", "dim", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _counts("report_daily")
    _counts("report_carried")
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_days")),
    )


def downgrade() -> None:
    op.drop_table("report_days")
    op.drop_table("report_carried")
    op.drop_table("report_daily")
