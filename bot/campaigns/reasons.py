"""Why a member receives a campaign, in their words: "because you offer 3D printing at La Fabrique".

Built from the filter that picked them (a skill they offer, need or like; an event public they go
to; their venue), for a batch of members at once so a sending to thousands stays a few queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.audience import SKILL_KINDS, Audience
from bot.i18n import Translator
from storage.member_skills import label_of
from storage.models import Member, MemberSkill, Skill, Venue


class Reasons:
    """The facts reasons are made of, for one batch of members."""

    def __init__(self, audience: Audience, venue_names: dict[int, str], skills: dict[tuple[int, str], Skill],
                 network: str) -> None:
        self.audience = audience
        self.venue_names = venue_names
        self.skills = skills  # (member id, kind) -> the first matching skill
        self.network = network

    def why(self, member: Member, t: Translator, *, scope_venue: int | None) -> str:
        venue = self.venue_names.get(member.home_venue_id or scope_venue or 0)
        for name, kind in SKILL_KINDS.items():
            skill = self.skills.get((member.id, kind))
            if skill is not None:
                label = label_of(skill, t.locale)
                if venue:
                    return t(f"campaigns.why.{name}_at", skill=label, venue=venue)
                return t(f"campaigns.why.{name}", skill=label)
        if self.audience.tags:
            return t("campaigns.why.tags", tag=t(f"events.tag.{self.audience.tags[0]}"))
        if self.audience.hosts and venue:
            return t("campaigns.why.host", venue=venue)
        if (self.audience.venues or self.audience.kinds or self.audience.partner_kinds or scope_venue) and venue:
            return t("campaigns.why.venue", venue=venue)
        if self.audience.joined_days:
            return t("campaigns.why.new", network=self.network)
        return t("campaigns.why.network", network=self.network)


async def reasons_for(session: AsyncSession, audience: Audience, member_ids: list[int], network: str) -> Reasons:
    venue_names = dict((await session.execute(select(Venue.id, Venue.name))).all())
    skills: dict[tuple[int, str], Skill] = {}
    for name, kind in SKILL_KINDS.items():
        slugs = getattr(audience, name)
        if not slugs or not member_ids:
            continue
        rows = await session.execute(
            select(MemberSkill.member_id, Skill).join(Skill, Skill.id == MemberSkill.skill_id)
            .where(MemberSkill.member_id.in_(member_ids), MemberSkill.kind == kind, Skill.slug.in_(slugs))
            .order_by(MemberSkill.member_id, Skill.id))
        for member_id, skill in rows:
            skills.setdefault((member_id, kind), skill)
    return Reasons(audience, venue_names, skills, network)
