"""Multi-step conversations live in the database: they survive a restart, expire, and /cancel leaves them."""

from __future__ import annotations

from bot.app import build_app
from bot.app import build_registry
from testkit import add_echo_flow, make_config


async def test_a_flow_survives_a_restart(sqlite_url, memory, clock):
    config = make_config(sqlite_url)
    first = await build_app(config, adapters=[memory], clock=clock, migrate=False)
    add_echo_flow(first.core.registry)
    await memory.start(first.core)
    user = memory.user("1", "Ana")
    assert (await user.send("/survey"))[0].text == "name?"
    assert (await user.send("Ana"))[0].text == "city?"
    await first.close()

    second = await build_app(config, adapters=[memory], clock=clock, migrate=False)  # a new process
    add_echo_flow(second.core.registry)
    await memory.start(second.core)
    assert (await user.send("Nantes"))[0].text == "Ana from Nantes"
    assert "/aide" in (await user.send("encore ?"))[0].text, "the flow is over"
    await second.close()


async def test_a_flow_expires(app, memory, clock):
    add_echo_flow(app.core.registry)
    user = memory.user("1")
    await user.send("/survey")
    clock.advance(minutes=app.config.conversations.timeout_minutes + 1)
    assert "/aide" in (await user.send("Ana"))[0].text


async def test_cancel_leaves_the_flow(app, memory):
    add_echo_flow(app.core.registry)
    user = memory.user("1", language="en")
    await user.send("/survey")
    assert (await user.send("/cancel"))[0].text.startswith("Cancelled")
    assert "/help" in (await user.send("Ana"))[0].text
    assert (await user.send("/annuler"))[0].text.startswith("There was nothing")


async def test_commands_still_work_inside_a_flow(app, memory):
    add_echo_flow(app.core.registry)
    user = memory.user("1")
    await user.send("/survey")
    assert "ce que je sais faire" in (await user.send("/aide"))[0].title
    assert (await user.send("Ana"))[0].text == "city?"


def test_registry_rejects_illegal_or_duplicate_names():
    import pytest

    registry = build_registry()
    with pytest.raises(ValueError, match="illegal command name"):
        registry.command("Bad-Name", summary="x")(lambda ctx: None)
    with pytest.raises(ValueError, match="declared twice"):
        registry.command("aide", summary="x")(lambda ctx: None)


def test_command_names_are_legal_on_both_platforms():
    import re

    for command in build_registry().commands.values():
        for name in (command.name, command.alias):
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name
