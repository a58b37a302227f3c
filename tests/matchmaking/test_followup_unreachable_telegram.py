"""Issue 18.5 on the wire: the real Telegram adapter and outbox against the emulator, which answers
Hugo's proposal "403 Forbidden: bot was blocked by the user". Hugo is marked unreachable and never
retried; Ana gets one kind note and priority; nothing is sent to Hugo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.telegram.adapter import TelegramAdapter
from bot.app import build_app
from bot.config import TelegramConfig
from bot.matchmaking.run import run_round
from jobs.matchmaking import housekeeping
from storage.models import Identity, Member, MemberSkill, OutboxMessage, Skill, Venue
from testkit import make_config
from tests.e2e.tgemu import TelegramEmulator, skip_reason
from tests.matchmaking.followup_kit import prefs

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "515152:FOLLOWUP-token"
ANA, HUGO = 3101, 3102


async def _member(app, name: str, venue: str, user_id: int, kind: str) -> int:
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == venue))).scalar_one()
        member = Member(display_name=name, home_venue_id=venue_id, locale="fr", languages=["fr"], intro_opt_in=True,
                        cadence="biweekly", consent_at=app.clock.now(), consent_version="test")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="telegram", platform_user_id=str(user_id),
                             display_name=name, locale="fr", dm_status="open"))
        skill = (await session.execute(select(Skill.id).where(Skill.slug == "3d-printing"))).scalar_one()
        session.add(MemberSkill(member_id=member.id, skill_id=skill, kind=kind))
        return member.id


async def test_blocked_on_telegram_the_partner_gets_one_kind_note(sqlite_url, clock):
    async with TelegramEmulator() as emu:
        config = TelegramConfig(api_base_url=emu.url, poll_interval=0.05, poll_timeout=1, request_timeout=20,
                                set_commands=False)
        object.__setattr__(config, "token", TOKEN)
        adapter = TelegramAdapter(config)
        app = await build_app(make_config(sqlite_url), adapters=[adapter], clock=clock, migrate=False)
        await adapter.start(app.core)
        try:
            ana_user, hugo_user = emu.user(TOKEN, ANA, "Ana"), emu.user(TOKEN, HUGO, "Hugo")
            ana = await _member(app, "Ana", "fabrique", ANA, "need")
            hugo = await _member(app, "Hugo", "hangar", HUGO, "offer")
            await emu.fail_next(TOKEN, "sendMessage", chat_id=HUGO, error_code=403,
                                description="Forbidden: bot was blocked by the user")
            assert (await run_round(app.db, app.config, clock.now())).introductions == 1
            await app.dispatcher.drain()
            await housekeeping(app, clock.now())
            await app.dispatcher.drain()
            clock.advance(minutes=15)
            await housekeeping(app, clock.now())  # a later tick: nothing more
            await app.dispatcher.drain()
            texts = [m.get("text", "") for m in await emu.chat_messages(TOKEN, ana_user.chat_id)]
            assert len(texts) == 2 and "Hugo" in texts[0]
            assert texts[1].startswith("Je n'ai pas pu joindre Hugo")
            assert await emu.chat_messages(TOKEN, hugo_user.chat_id) == []
            async with app.db.session() as session:
                row = (await session.execute(select(OutboxMessage).where(OutboxMessage.member_id == hugo))).scalar_one()
                dm = (await session.execute(select(Identity.dm_status).where(Identity.member_id == hugo))).scalar_one()
            assert (row.status, row.attempts, dm) == ("unreachable", 1, "unreachable")
            assert (await prefs(app, ana)).priority
        finally:
            await adapter.stop()
            await app.close()
