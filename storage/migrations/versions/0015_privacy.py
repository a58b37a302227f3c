"""privacy: erased people (salted hashes), the salt, code attempts, unknown outcomes told

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_people",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erased_people")),
    )
    op.create_table(
        "privacy_secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_privacy_secrets")),
    )
    op.create_table(
        "code_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_attempts")),
    )
    op.create_index("ix_code_attempts_subject", "code_attempts", ["kind", "subject", "at"])
    op.create_table(
        "unknown_outcomes_told",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_unknown_outcomes_told_outbox_id_outbox"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_unknown_outcomes_told")),
    )


def downgrade() -> None:
    op.drop_table("unknown_outcomes_told")
    op.drop_index("ix_code_attempts_subject", table_name="code_attempts")
    op.drop_table("code_attempts")
    op.drop_table("privacy_secrets")
    op.drop_table("erased_people")
