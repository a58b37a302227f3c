"""/privacy (/confidentialite), /mydata (/mesdonnees), /forget (/oublier): a member's GDPR rights.

Every feature that stores something about a member declares it with
`registry.holds_personal_data(name, export=..., erase=...)`; /mydata gathers all exports into one JSON
document and /forget runs every eraser, then deletes the member and their identities, in one
transaction. This module declares the foundation's own share (profile, identities, skills, roles,
conversations, outbox, activity).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config

from bot.context import Context
from bot import throttle
from bot.features import erasure
from bot.registry import Access, Registry, Where
from bot.types import Attachment, Button, Reply
from storage.models import (
    Activity, ConversationState, Identity, Member, MemberSkill, MemberVenue, OutboxMessage, Role, Skill,
)
from storage.outbox import erase_for_member

NOTICE_VERSION = "2026-11"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def _export_profile(session: AsyncSession, member: Member) -> dict[str, Any]:
    venues = (await session.execute(select(MemberVenue.venue_id).where(MemberVenue.member_id == member.id))).scalars()
    return {
        "id": member.id, "display_name": member.display_name, "bio": member.bio,
        "home_venue_id": member.home_venue_id, "other_venue_ids": list(venues), "locale": member.locale,
        "languages": member.languages, "visibility": member.visibility, "introductions": member.intro_opt_in,
        "cadence": member.cadence, "paused_until": _iso(member.paused_until),
        "consent": {"at": _iso(member.consent_at), "notice_version": member.consent_version},
        "created_at": _iso(member.created_at),
    }


async def _export_identities(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(Identity).where(Identity.member_id == member.id))).scalars()
    return [{"platform": i.platform, "user_id": i.platform_user_id, "handle": i.handle,
             "display_name": i.display_name, "dm_status": i.dm_status, "first_seen": _iso(i.created_at),
             "last_seen": _iso(i.last_seen_at)} for i in rows]


async def _export_skills(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = await session.execute(select(MemberSkill.kind, Skill.slug, Skill.label_fr, Skill.label_en)
                                 .join(Skill, Skill.id == MemberSkill.skill_id)
                                 .where(MemberSkill.member_id == member.id))
    return [{"kind": kind, "skill": slug, "fr": fr, "en": en} for kind, slug, fr, en in rows]


async def _export_roles(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(Role).where(Role.member_id == member.id))).scalars()
    return [{"role": r.role, "venue_id": r.venue_id} for r in rows]


async def _export_messages(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    addresses = (await session.execute(select(Identity.platform, Identity.platform_user_id)
                                       .where(Identity.member_id == member.id))).all()
    to_them = [and_(OutboxMessage.platform == p, OutboxMessage.user_id == u) for p, u in addresses]
    rows = (await session.execute(select(OutboxMessage).where(or_(OutboxMessage.member_id == member.id, *to_them))
                                  .order_by(OutboxMessage.id))).scalars()
    return [{"purpose": m.purpose, "status": m.status, "created_at": _iso(m.created_at),
             "sent_at": _iso(m.sent_at), "text": m.payload.get("text")} for m in rows]


async def _export_activity(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(Activity).where(Activity.member_id == member.id))).scalars()
    return [{"kind": a.kind, "at": _iso(a.created_at), "public": a.public} for a in rows]


async def _export_conversations(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    addresses = (await session.execute(select(Identity.platform, Identity.platform_user_id)
                                       .where(Identity.member_id == member.id))).all()
    if not addresses:
        return []
    rows = (await session.execute(select(ConversationState).where(or_(*[
        and_(ConversationState.platform == p, ConversationState.user_id == u) for p, u in addresses])))).scalars()
    return [{"platform": c.platform, "flow": c.flow, "step": c.step, "data": c.data,
             "expires_at": _iso(c.expires_at)} for c in rows]


async def _export_identity_settings(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    rows = (await session.execute(select(Identity.platform, Identity.locale).where(Identity.member_id == member.id)))
    return [{"platform": platform, "language": locale} for platform, locale in rows]


async def _erase_skills(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    """Custom skills only this member ever typed go with them: their wording is theirs, and it would
    otherwise live on in everyone's suggestions."""
    theirs = select(MemberSkill.skill_id).where(MemberSkill.member_id == member.id)
    shared = select(MemberSkill.skill_id).where(MemberSkill.member_id != member.id)
    targets = select(Skill.merged_into_id).where(Skill.merged_into_id.is_not(None))
    await session.execute(delete(Skill).where(Skill.custom.is_(True), Skill.id.in_(theirs), Skill.id.notin_(shared),
                                              Skill.id.notin_(targets)))


async def _erase_nothing(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    """Rows that cascade with the member (skills, roles, venues) need no eraser of their own."""


async def _erase_messages(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    identities = (await session.execute(select(Identity.platform, Identity.platform_user_id)
                                        .where(Identity.member_id == member.id))).all()
    await erase_for_member(session, member.id, [(platform, user_id) for platform, user_id in identities])


async def _erase_activity(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    # What happened stays as an anonymous count; who it was does not.
    await session.execute(update(Activity).where(Activity.member_id == member.id).values(member_id=None, data={}))


async def export_member(ctx: Context, member: Member) -> dict[str, Any]:
    document: dict[str, Any] = {"network": ctx.config.network.name, "exported_at": ctx.now.isoformat()}
    for name, holder in sorted(ctx.registry.personal_data.items()):
        document[name] = await holder.export(ctx.session, member)
    return document


async def erase_member(ctx: Context, member: Member) -> None:
    await erasure.erase_person(ctx.session, ctx.registry, ctx.config, ctx.now, member,
                       list((await ctx.session.execute(select(Identity).where(Identity.member_id == member.id))).scalars()))


async def privacy(ctx: Context) -> Reply:
    return Reply(ctx.t("privacy.notice", network=ctx.config.network.name, version=NOTICE_VERSION),
                 title=ctx.t("privacy.title"))


async def mydata(ctx: Context) -> Reply:
    if ctx.member is None:
        identity = {"platform": ctx.identity.platform, "user_id": ctx.identity.platform_user_id,
                    "handle": ctx.identity.handle, "display_name": ctx.identity.display_name}
        document: dict[str, Any] = {"network": ctx.config.network.name, "member": None, "identity": identity}
    else:
        document = await export_member(ctx, ctx.member)
    content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()
    return Reply(ctx.t("privacy.mydata"), private=True,
                 attachment=Attachment("mydata.json", content, "application/json"))


async def forget(ctx: Context) -> Reply:
    buttons = ((Button(ctx.t("privacy.forget_yes"), "forget", "yes"), Button(ctx.t("privacy.forget_no"), "forget", "no")),)
    return Reply(ctx.t("privacy.forget_confirm", network=ctx.config.network.name), buttons=buttons, private=True)


async def forget_pressed(ctx: Context) -> Reply:
    if ctx.args != "yes":
        return Reply(ctx.t("privacy.forget_kept"), edit=True)
    if ctx.member is not None:
        await erase_member(ctx, ctx.member)
    else:
        await ctx.end_flow()
        await erasure.erase_person(ctx.session, ctx.registry, ctx.config, ctx.now, None, [ctx.identity])
    return Reply(ctx.t("privacy.forgotten"), edit=True)


def register(registry: Registry) -> None:
    registry.command("privacy", fr="confidentialite", summary="privacy.summary", section="profile", order=80)(privacy)
    registry.command("mydata", fr="mesdonnees", summary="privacy.mydata_summary", where=Where.PRIVATE,
                     section="profile", order=81)(mydata)
    registry.command("forget", fr="oublier", summary="privacy.forget_summary", where=Where.PRIVATE,
                     section="profile", order=82)(forget)
    registry.action("forget", access=Access.ANYONE)(forget_pressed)
    registry.holds_personal_data("profile", export=_export_profile, erase=_erase_nothing)
    registry.holds_personal_data("identities", export=_export_identities, erase=_erase_nothing)
    registry.holds_personal_data("skills", export=_export_skills, erase=_erase_skills)
    registry.holds_personal_data("roles", export=_export_roles, erase=_erase_nothing)
    registry.holds_personal_data("messages", export=_export_messages, erase=_erase_messages)
    registry.holds_personal_data("activity", export=_export_activity, erase=_erase_activity)
    registry.holds_personal_data("conversations", export=_export_conversations, erase=_erase_nothing)
    registry.holds_personal_data("code_attempts", export=throttle.export_attempts, erase=throttle.erase_attempts)
    registry.holds_personal_data("languages_by_platform", export=_export_identity_settings, erase=_erase_nothing)
