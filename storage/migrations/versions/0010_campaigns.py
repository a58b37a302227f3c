"""campaigns: campaigns, their recipients and answers, chat members, members' notification settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_platform", sa.String(length=16), nullable=False),
        sa.Column("author_user_id", sa.String(length=64), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("text_fr", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("link_url", sa.String(length=500), nullable=True),
        sa.Column("poll", sa.JSON(), nullable=False),
        sa.Column("interested", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("spread_minutes", sa.Integer(), nullable=False),
        sa.Column("recurring", sa.String(length=64), nullable=True),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["members.id"], name=op.f("fk_campaigns_author_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_campaigns_venue_id_venues"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["members.id"], name=op.f("fk_campaigns_contact_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_campaigns_event_id_events"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(op.f("ix_campaigns_author_id"), "campaigns", ["author_id"], unique=False)
    op.create_index("ix_campaigns_status_send_at", "campaigns", ["status", "send_at"], unique=False)
    op.create_table(
        "campaign_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=True),
        sa.Column("interested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_campaign_recipients_campaign_id_campaigns"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_campaign_recipients_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_recipients")),
        sa.UniqueConstraint("campaign_id", "occurrence", "member_id",
                            name=op.f("uq_campaign_recipients_campaign_id_occurrence_member_id")),
    )
    op.create_index(op.f("ix_campaign_recipients_member_id"), "campaign_recipients", ["member_id"], unique=False)
    op.create_table(
        "chat_members",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_chat_members_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("platform", "chat_id", "member_id", name=op.f("pk_chat_members")),
    )
    op.create_index(op.f("ix_chat_members_member_id"), "chat_members", ["member_id"], unique=False)
    op.create_table(
        "notification_prefs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("muted", sa.JSON(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("quiet_weekends", sa.Boolean(), nullable=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_notification_prefs_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_notification_prefs")),
    )


def downgrade() -> None:
    op.drop_table("notification_prefs")
    op.drop_index(op.f("ix_chat_members_member_id"), table_name="chat_members")
    op.drop_table("chat_members")
    op.drop_index(op.f("ix_campaign_recipients_member_id"), table_name="campaign_recipients")
    op.drop_table("campaign_recipients")
    op.drop_index("ix_campaigns_status_send_at", table_name="campaigns")
    op.drop_index(op.f("ix_campaigns_author_id"), table_name="campaigns")
    op.drop_table("campaigns")
