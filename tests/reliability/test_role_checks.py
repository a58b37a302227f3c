"""Every host's or animator's action — campaigns, rounds, hosts, the hosts' group, wall moderation,
the report, events, feeds — tried by a plain member, typed or by a forged button: refused with a
clear message in their language, one audit line for the operator, nothing written to the outbox
(issue 18.13). Driven by the registry, so a new privileged command is covered the day it lands."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from bot.i18n import Translator
from bot.registry import Access, Where
from bot.types import ButtonPressed
from storage.models import OutboxMessage

PRIVILEGED = (Access.ANIMATOR, Access.HOST)
REFUSALS = {Translator("fr")("core.animators_only"), Translator("fr")("core.hosts_only")}


async def outbox_rows(app) -> int:
    async with app.db.session() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage))


async def test_a_plain_member_is_refused_every_privileged_command_and_button(app, memory, people, caplog):
    await people.add("Kim", user_id="kim")  # a consented member of Le Hangar, neither host nor animator
    kim = memory.user("kim", "Kim")
    registry = app.core.registry
    commands = [c for c in registry.commands.values() if c.access in PRIVILEGED]
    actions = [name for name, action in registry.actions.items() if action.access in PRIVILEGED]
    assert {"campaign", "matchmaking", "host", "link_hosts", "report", "wall", "suggestions", "event"} <= {
        c.name for c in commands}, "the capabilities' privileged commands are all in the sweep"
    before = await outbox_rows(app)
    with caplog.at_level(logging.WARNING, logger="maillage.audit"):
        for command in commands:
            chat = kim.group("-500") if command.where is Where.GROUP else kim.dm()
            for args in ("", " 1", " run", " hangar tout le monde"):
                replies = await kim.send(f"/{command.alias}{args}", chat=chat)
                assert [r.text for r in replies] and replies[0].text in REFUSALS, (command.name, args, replies)
        for action in actions:
            for payload in ("1", "1:2", "hangar", "999999"):
                replies = await app.core.handle(ButtonPressed(kim.ref, kim.dm(), action, payload))
                assert replies and replies[0].text in REFUSALS, (action, payload, list(replies))
    assert await outbox_rows(app) == before, "nothing sent"
    audited = [r.getMessage() for r in caplog.records if r.name == "maillage.audit"]
    assert len(audited) == 4 * len(commands) + 4 * len(actions)
    assert all(line.startswith("refused: memory:kim (member ") for line in audited)
    assert any("tried /campaign, which needs host rights" in line for line in audited)
    assert any("tried the button mm.adm:'1'" in line for line in audited)


async def test_someone_who_is_not_a_member_is_refused_too(app, memory, caplog):
    stranger = memory.user("stranger", "Sam", language="en")
    with caplog.at_level(logging.WARNING, logger="maillage.audit"):
        replies = await stranger.send("/matchmaking run")
        forged = await app.core.handle(ButtonPressed(stranger.ref, stranger.dm(), "wall.h", "e1"))
    assert replies[0].text == Translator("en")("core.animators_only")
    assert forged[0].text == Translator("en")("core.hosts_only")
    assert sum(r.name == "maillage.audit" for r in caplog.records) == 2
