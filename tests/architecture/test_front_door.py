"""The core's front door, as adapters use it: `handle` says when text is awaited, `complete` suggests.

Adapters may not open sessions (tests/test_architecture.py), so what they used to look up
themselves the core now tells them: whether the person's next free text answers a conversation
(Discord's "Answer" button in servers), the language of the replies, and autocomplete choices.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from bot.context import Expired
from bot.i18n import translate
from bot.registry import Registry
from bot.types import Button, CommandInvoked
from storage.models import Identity, Member
from testkit import add_echo_flow


def make_survey_fragile(registry: Registry) -> None:
    """The echo flow, with an answer that crashes its step (a bug in a handler)."""
    answer = registry.flows["survey"]

    async def fragile(ctx):
        if ctx.args == "crash":
            raise RuntimeError("a bug in a step")
        return await answer(ctx)

    registry.flows["survey"] = fragile


async def test_replies_say_whether_the_next_text_is_awaited(app, memory):
    add_echo_flow(app.core.registry)
    user = memory.user("1", language="en")
    help_replies = await user.send("/help")
    assert help_replies.awaits_text is False and help_replies.locale == "en"
    started = await user.send("/survey")
    assert [r.text for r in started] == ["name?"] and started.awaits_text is True
    middle = await user.send("Ana")
    assert [r.text for r in middle] == ["city?"] and middle.awaits_text is True
    answered = await user.send("Nantes")
    assert [r.text for r in answered] == ["Ana from Nantes"] and answered.awaits_text is False


async def test_a_failed_step_still_awaits_the_answer(app, memory, caplog):
    # The step's transaction rolled back, so the conversation is still there: the person can answer again.
    add_echo_flow(app.core.registry)
    make_survey_fragile(app.core.registry)
    user = memory.user("1", language="en")
    await user.send("/survey")
    with caplog.at_level(logging.ERROR, logger="bot.core"):
        failed = await user.send("crash")
    assert failed.awaits_text is True and "a bug in a step" in caplog.text
    assert [r.text for r in failed] == [translate("en", "core.error")]
    assert [r.text for r in await user.send("Ana")] == ["city?"]


async def test_cancel_ends_the_wait(app, memory):
    add_echo_flow(app.core.registry)
    user = memory.user("1", language="fr")
    await user.send("/survey")
    cancelled = await user.send("/annuler")
    assert cancelled.awaits_text is False and cancelled.locale == "fr"


async def test_a_raised_expired_is_answered_and_rolls_back(app, memory):
    @app.core.registry.command("stale", summary="help.summary")
    async def stale(ctx):
        ctx.session.add(Member(display_name="Ghost", locale="fr", visibility="private"))
        raise Expired(private=True)

    user = memory.user("1", language="en")
    replies = await user.send("/stale")
    assert [(r.text, r.private) for r in replies] == [(translate("en", "core.button_expired"), True)]
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0


async def test_ctx_expired_answers_in_the_persons_language(app, memory):
    @app.core.registry.action("gone")
    async def gone(ctx):
        return ctx.expired()

    en = (await memory.user("1", language="en").press(Button("x", "gone", "1")))[0]
    fr = (await memory.user("2", language="fr").press(Button("x", "gone", "1")))[0]
    assert (en.text, en.private) == (translate("en", "core.button_expired"), False)
    assert fr.text == translate("fr", "core.button_expired")
    unknown = (await memory.user("3", language="en").press(Button("x", "nothing", "1")))[0]
    assert unknown.text == en.text  # an action no feature declares: the same answer, from the core


async def test_complete_suggests_without_recording_anyone(app, memory):
    stranger = memory.user("42", "Zoé", language="en")
    event = CommandInvoked(stranger.ref, stranger.dm(), "offer")
    found = await app.core.complete(event, "skills", "3d print")
    assert found and found[0][0] == "3D printing", found
    french = memory.user("43", language="fr")
    found_fr = await app.core.complete(CommandInvoked(french.ref, french.dm(), "offer"), "skills", "impression")
    assert found_fr[0][0] == "Impression 3D"
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Identity))).scalar_one() == 0


async def test_complete_answers_nothing_for_an_unknown_name_or_a_failing_completer(app, memory, caplog):
    @app.core.registry.completer("broken")
    async def broken(ctx, text):
        raise ValueError("completer bug")

    user = memory.user("1")
    event = CommandInvoked(user.ref, user.dm(), "offer")
    assert await app.core.complete(event, "no-such-completer", "a") == []
    with caplog.at_level(logging.ERROR, logger="bot.core"):
        assert await app.core.complete(event, "broken", "a") == []
    assert "completer bug" in caplog.text
