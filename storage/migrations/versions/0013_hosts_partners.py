"""hosts partners: weekly pulses, co-hosting proposals, opportunities and the interest shown in them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "hosts_chat_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosts_chat_invites")),
        sa.UniqueConstraint("platform", "chat_id", name=op.f("uq_hosts_chat_invites_platform_chat_id")),
    )
    op.create_table(
        "host_pulses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("summarised_at", TZ, nullable=True),
        _fk("host_pulses", "member_id", "members", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_pulses")),
        sa.UniqueConstraint("member_id", "week", name=op.f("uq_host_pulses_member_id_week")),
    )
    op.create_table(
        "host_pulse_opt_outs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _fk("host_pulse_opt_outs", "member_id", "members", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_host_pulse_opt_outs")),
    )
    op.create_table(
        "cohost_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_venue_id", sa.Integer(), nullable=False),
        sa.Column("to_venue_id", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("responder_id", sa.Integer(), nullable=True),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", TZ, nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("responded_at", TZ, nullable=True),
        _fk("cohost_proposals", "from_venue_id", "venues", "CASCADE"),
        _fk("cohost_proposals", "to_venue_id", "venues", "CASCADE"),
        _fk("cohost_proposals", "proposer_id", "members", "SET NULL"),
        _fk("cohost_proposals", "responder_id", "members", "SET NULL"),
        _fk("cohost_proposals", "skill_id", "skills", "SET NULL"),
        _fk("cohost_proposals", "event_id", "events", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohost_proposals")),
        sa.UniqueConstraint("key", name=op.f("uq_cohost_proposals_key")),
    )
    op.create_index("ix_cohost_proposals_status", "cohost_proposals", ["status"])
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("partner_venue_id", sa.Integer(), nullable=True),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.Column("skill_ids", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("closes_at", TZ, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_count", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        _fk("opportunities", "partner_venue_id", "venues", "SET NULL"),
        _fk("opportunities", "posted_by_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    op.create_index("ix_opportunities_status_closes", "opportunities", ["status", "closes_at"])
    op.create_index(op.f("ix_opportunities_partner_venue_id"), "opportunities", ["partner_venue_id"])
    op.create_index(op.f("ix_opportunities_posted_by_id"), "opportunities", ["posted_by_id"])
    op.create_table(
        "opportunity_interests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("responded_at", TZ, nullable=True),
        _fk("opportunity_interests", "opportunity_id", "opportunities", "CASCADE"),
        _fk("opportunity_interests", "member_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_interests")),
        sa.UniqueConstraint("opportunity_id", "member_id", name=op.f("uq_opportunity_interests_opportunity_id_member_id")),
    )
    op.create_index(op.f("ix_opportunity_interests_member_id"), "opportunity_interests", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_opportunity_interests_member_id"), table_name="opportunity_interests")
    op.drop_table("opportunity_interests")
    op.drop_index(op.f("ix_opportunities_posted_by_id"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_partner_venue_id"), table_name="opportunities")
    op.drop_index("ix_opportunities_status_closes", table_name="opportunities")
    op.drop_table("opportunities")
    op.drop_index("ix_cohost_proposals_status", table_name="cohost_proposals")
    op.drop_table("cohost_proposals")
    op.drop_table("host_pulse_opt_outs")
    op.drop_table("host_pulses")
    op.drop_table("hosts_chat_invites")
