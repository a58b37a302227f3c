"""The core through the memory adapter: help, language, unknown commands, errors, limits, flows."""

from __future__ import annotations

import logging

import pytest

from bot.registry import Registry
from bot.types import Reply


async def test_help_lists_commands_in_the_members_language(app, memory):
    fr = memory.user("1", "Ana", language="fr")
    en = memory.user("2", "Bob", language="en-GB")
    assert "/aide" in (await fr.send("/help"))[0].text
    assert "/langue" in fr.text and "/language" not in fr.text
    assert "/help" in (await en.send("/aide"))[0].text
    assert "/language" in en.text and "/langue " not in en.text


async def test_unsupported_platform_language_falls_back_to_french(app, memory):
    de = memory.user("3", "Dora", language="de")
    assert "ce que je sais faire" in (await de.send("/help"))[0].title


async def test_language_is_changed_by_button_and_kept(app, memory):
    user = memory.user("1", "Ana", language="fr")
    await user.send("/langue")
    replies = await user.press("English")
    assert replies[0].text.startswith("Got it")
    assert "what I can do" in (await user.send("/aide"))[0].title
    await user.send("/language fr")
    assert "ce que je sais faire" in (await user.send("/help"))[0].title


@pytest.mark.parametrize("typed, expected", [("hlep", "/aide"), ("langeu", "/langue"), ("anuler", "/annuler")])
async def test_unknown_command_suggests_the_closest(app, memory, typed, expected):
    user = memory.user("1", "Ana")
    reply = (await user.send(f"/{typed}"))[0]
    assert f"/{typed}" in reply.text and expected in reply.text
    assert reply.buttons, "suggestions come as buttons"
    pressed = await user.press(reply.buttons[0][0])
    assert pressed and "Je ne connais pas" not in pressed[0].text


async def test_nonsense_command_gets_pointed_to_help(app, memory):
    reply = (await memory.user("1").send("/zzzzqqqq"))[0]
    assert "/aide" in reply.text


async def test_over_long_input_is_refused_politely(app, memory):
    reply = (await memory.user("1").send("/help " + "x" * 5000))[0]
    assert "trop long" in reply.text


async def test_a_failing_handler_apologises_and_rolls_back(app, memory, caplog):
    registry: Registry = app.core.registry

    @registry.command("boom", summary="help.summary")
    async def boom(ctx):
        ctx.identity.display_name = "changed"
        raise RuntimeError("kaboom")

    user = memory.user("9", "Zed", language="en")
    with caplog.at_level(logging.ERROR):
        replies = await user.send("/boom")
    assert replies == [Reply(replies[0].text)] and "Nothing was saved" in replies[0].text
    assert "kaboom" in caplog.text  # the operator gets the traceback
    from storage.identities import find_identity

    async with app.db.session() as session:
        identity = await find_identity(session, "memory", "9")
        assert identity is None  # even the first-contact row was rolled back with the failure


async def test_text_outside_a_flow_gets_a_hint_in_dm_and_silence_in_groups(app, memory):
    user = memory.user("1")
    assert "/aide" in (await user.send("bonjour"))[0].text
    assert await user.send("bonjour à tous", chat=user.group("-100123")) == []


async def test_expired_buttons_are_answered(app, memory):
    from bot.types import Button

    user = memory.user("1")
    assert "plus valable" in (await user.press(Button("x", "nosuchaction", "1")))[0].text
    assert "plus valable" in (await user.press(Button("x", "lang", "klingon")))[0].text


async def test_plain_aliases_stay_out_of_help_but_work(app, memory):
    user = memory.user("1", "Ana")
    assert "/evenements" not in (await user.send("/aide"))[0].text
    assert [r.text for r in await user.send("/evenements")] == [r.text for r in await user.send("/programme")]


async def test_a_suggestion_keeps_what_was_typed_after_the_command(app, memory):
    # "/agnda semaine" -> pressing /programme shows the week, not the whole programme.
    user = memory.user("1", "Ana")
    reply = (await user.send("/agnda semaine"))[0]
    # The label is the whole command it runs ("/apariement exclus" offered a bare "/appariement").
    button = next(b for row in reply.buttons for b in row if b.label == "/programme semaine")
    assert button.payload == "agenda semaine"
    pressed = (await user.press(button))[0]
    assert "(1/1)" in pressed.title and any(b.label == "✓ Semaine" for b in pressed.all_buttons())
    # Words too long for a button's 64 bytes: the command alone, never a broken button.
    long = (await user.send("/agnda " + "semaine " * 10))[0]
    assert all(len(f"{b.action}:{b.payload}".encode()) <= 64 for row in long.buttons for b in row)
    assert "/programme" in [b.label for row in long.buttons for b in row], "what does not fit is not promised"

