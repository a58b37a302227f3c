"""intro requests: double opt-in introductions asked from the directory

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intro_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("addressee_id", sa.Integer(), nullable=True),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["requester_id"], ["members.id"],
                                name=op.f("fk_intro_requests_requester_id_members"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["addressee_id"], ["members.id"],
                                name=op.f("fk_intro_requests_addressee_id_members"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["skill_id"], ["skills.id"],
                                name=op.f("fk_intro_requests_skill_id_skills"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_requests")),
    )
    op.create_index("ix_intro_requests_requester_status", "intro_requests", ["requester_id", "status"])
    op.create_index("ix_intro_requests_addressee_status", "intro_requests", ["addressee_id", "status"])
    op.create_index("ix_intro_requests_status_expires", "intro_requests", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_intro_requests_status_expires", table_name="intro_requests")
    op.drop_index("ix_intro_requests_addressee_status", table_name="intro_requests")
    op.drop_index("ix_intro_requests_requester_status", table_name="intro_requests")
    op.drop_table("intro_requests")
