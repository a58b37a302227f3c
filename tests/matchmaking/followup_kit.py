"""Helpers of the follow-up tests (issue 17's member features, issue 18.5): a revealed pair, reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.matchmaking.run import run_round
from storage.models.matchmaking import Introduction, IntroPreferences


async def pair(net, **extra):
    """Ana (La Fabrique, Telegram, French) needs what Hugo (Le Hangar, Discord, English) offers."""
    ana = await net.member("Ana", "fabrique", platform="telegram", handle="ana_t", needs="3d-printing", **extra)
    hugo = await net.member("Hugo", "hangar", platform="discord", handle="hugo_d", offers="3d-printing", locale="en")
    return ana, hugo


async def revealed(app, net, clock):
    """A round proposes Ana and Hugo, both accept; returns (ana, hugo, Ana's reveal, Hugo's reveal reply)."""
    ana, hugo = await pair(net)
    assert (await run_round(app.db, app.config, clock.now())).introductions == 1
    await app.dispatcher.drain()
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    [hugo_reveal] = await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[0])
    await app.dispatcher.drain()
    [ana_reveal] = ana.inbox("Discord")
    return ana, hugo, ana_reveal, hugo_reveal


async def introductions(app) -> list[Introduction]:
    async with app.db.session() as session:
        return list((await session.execute(select(Introduction).options(selectinload(Introduction.members))
                                           .order_by(Introduction.id))).scalars())


async def prefs(app, member_id: int) -> IntroPreferences | None:
    async with app.db.session() as session:
        return await session.get(IntroPreferences, member_id)


def button(delivery_or_reply, label: str):
    reply = getattr(delivery_or_reply, "reply", delivery_or_reply)
    found = [b for b in reply.all_buttons() if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in reply.all_buttons()]}"
    return found[0]
