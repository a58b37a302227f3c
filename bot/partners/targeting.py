"""Who is proposed an opportunity: members who offer the skills it needs and opted in to introductions.

Best fits first (most of the wanted skills offered), capped at `[partners] max_proposals`. Each gets
one message, as a nudge: quiet hours defer it and the shared attention budget applies, so a member
whose budget is spent is simply not proposed this one (the bot's own chatter never overrides it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.partners.opportunities import PURPOSE, OpportunityView
from bot.types import Button, Reply
from storage.models import Member, MemberSkill, Skill
from storage.models.hosts_partners import Opportunity


def propose_key(opportunity_id: int, member_id: int) -> str:
    return f"opp:{opportunity_id}:propose:{member_id}"


async def fitting_members(session: AsyncSession, opportunity: Opportunity, limit: int) -> list[tuple[Member, list[int]]]:
    """Opted-in members (not the poster) offering some of the wanted skills, with which, best first."""
    if not opportunity.skill_ids:
        return []
    wanted = [int(s) for s in opportunity.skill_ids]
    # A custom skill merged into a wanted one still counts as that skill.
    merged = select(Skill.id).where(Skill.merged_into_id.in_(wanted))
    offers = (select(MemberSkill.member_id, func.count().label("fit"))
              .where(MemberSkill.kind == "offer", (MemberSkill.skill_id.in_(wanted)) | MemberSkill.skill_id.in_(merged))
              .group_by(MemberSkill.member_id).subquery())
    statement = (select(Member, offers.c.fit).join(offers, offers.c.member_id == Member.id)
                 .where(Member.intro_opt_in.is_(True), Member.consent_at.is_not(None))
                 .order_by(offers.c.fit.desc(), Member.id).limit(limit))
    if opportunity.posted_by_id is not None:
        statement = statement.where(Member.id != opportunity.posted_by_id)
    chosen = [member for member, _fit in (await session.execute(statement)).all()][:limit]
    held: dict[int, list[int]] = {member.id: [] for member in chosen}
    rows = await session.execute(select(MemberSkill.member_id, MemberSkill.skill_id).where(
        MemberSkill.member_id.in_(list(held)), MemberSkill.kind == "offer", MemberSkill.skill_id.in_(wanted))
        .order_by(MemberSkill.member_id, MemberSkill.skill_id))
    for member_id, skill_id in rows:
        held[member_id].append(skill_id)
    return [(member, held[member.id]) for member in chosen]


def proposal(view: OpportunityView, because: tuple[tuple[str, str], ...]) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        why = ", ".join(en if t.locale == "en" else fr for fr, en in because) or view.skills_text(t)
        text = t("partners.proposal", card=view.card(t), skills=why)
        buttons = ((Button(t("partners.interested"), "opp.int", str(view.id)),
                    Button(t("partners.not_for_me"), "opp.no", str(view.id))),)
        return Reply(text, buttons=buttons)

    return render


async def propose(session: AsyncSession, config: Config, opportunity: Opportunity, view: OpportunityView,
                  now: datetime) -> int:
    """Queue the proposals; returns how many were written (and keeps the count on the row)."""
    written = 0
    labels = {}
    for member, skill_ids in await fitting_members(session, opportunity, config.partners.max_proposals):
        for skill_id in skill_ids:
            if skill_id not in labels:
                skill = await session.get(Skill, skill_id)
                labels[skill_id] = (skill.label_fr, skill.label_en) if skill else ("", "")
        because = tuple(labels[s] for s in skill_ids if labels[s][0])
        if await notify_member(session, config, member, proposal(view, because), key=propose_key(opportunity.id, member.id),
                               purpose=PURPOSE, now=now, nudge=True):
            written += 1
    opportunity.proposed_count += written
    return written
