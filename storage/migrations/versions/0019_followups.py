"""matchmaking follow-ups: can't make it, one-off introductions, skip next round, feedback, exclusions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intro_preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skip_next", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.alter_column("round_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("source", sa.String(length=10), server_default=sa.text("'round'"),
                                      nullable=False))
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_introductions_requested_by_id"), ["requested_by_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_introductions_requested_by_id_members"), "members",
                                    ["requested_by_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("introduction_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("again", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.String(length=280), nullable=True))
        batch_op.add_column(sa.Column("note_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "match_exclusions",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["members.id"], name=op.f("fk_match_exclusions_by_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_match_exclusions_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_match_exclusions")),
    )


def downgrade() -> None:
    op.drop_table("match_exclusions")
    with op.batch_alter_table("introduction_members", schema=None) as batch_op:
        for column in ("note_at", "note", "again", "withdrawn_at"):
            batch_op.drop_column(column)
    # One-off introductions have no round: they cannot survive a schema where every one has.
    op.execute("DELETE FROM introductions WHERE round_id IS NULL")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_introductions_requested_by_id_members"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_introductions_requested_by_id"))
        batch_op.drop_column("requested_by_id")
        batch_op.drop_column("source")
        batch_op.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("intro_preferences", schema=None) as batch_op:
        batch_op.drop_column("skip_next")
