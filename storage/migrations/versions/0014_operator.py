"""operator: consents attested at import, venues' open-data origin and claim codes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_consents",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("consented_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_import_consents_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_import_consents")),
    )
    op.create_table(
        "venue_open_data",
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("insee_code", sa.String(length=8), nullable=True),
        sa.Column("department", sa.String(length=4), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("metropole", sa.String(length=120), nullable=True),
        sa.Column("employment_zone", sa.String(length=120), nullable=True),
        sa.Column("commune_size", sa.String(length=40), nullable=True),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("claim_code", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_venue_open_data_venue_id_venues"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("venue_id", name=op.f("pk_venue_open_data")),
        sa.UniqueConstraint("claim_code", name=op.f("uq_venue_open_data_claim_code")),
    )
    op.create_index("ix_venue_open_data_source_id", "venue_open_data", ["source", "source_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_venue_open_data_source_id", table_name="venue_open_data")
    op.drop_table("venue_open_data")
    op.drop_table("import_consents")
