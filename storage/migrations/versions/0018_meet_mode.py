"""matchmaking: in person or by video (a member's choice), and where an introduction could meet

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intro_preferences") as batch:
        batch.add_column(sa.Column("meet_mode", sa.String(length=10), nullable=False, server_default="either"))
    with op.batch_alter_table("introductions") as batch:
        batch.add_column(sa.Column("meet_venue_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("meet_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_introductions_meet_venue_id_venues"), "venues", ["meet_venue_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_foreign_key(op.f("fk_introductions_meet_event_id_events"), "events", ["meet_event_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("introductions") as batch:
        batch.drop_constraint(op.f("fk_introductions_meet_event_id_events"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_introductions_meet_venue_id_venues"), type_="foreignkey")
        batch.drop_column("meet_event_id")
        batch.drop_column("meet_venue_id")
    with op.batch_alter_table("intro_preferences") as batch:
        batch.drop_column("meet_mode")
