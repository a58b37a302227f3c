"""A platform delivery seen twice is applied once, across restarts, on both databases (issue 18.11)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import build_app
from bot.types import ChatKind, ChatRef, CommandInvoked, Reply, UserRef
from storage.models.deliveries import HandledDelivery

KIM = UserRef("telegram", "501", "Kim", None, "en")
KIM_DM = ChatRef("telegram", "501", ChatKind.PRIVATE)


def tally_command(app, runs: list[str], fail_first: bool = False) -> None:
    @app.core.registry.command("tally", summary="help.summary")
    async def tally(ctx):
        runs.append(ctx.args)
        if fail_first and len(runs) == 1:
            raise RuntimeError("the database went away mid-handler")
        return Reply("counted")


def update(delivery_id: str | None, platform_user: UserRef = KIM) -> CommandInvoked:
    chat = ChatRef(platform_user.platform, platform_user.user_id, ChatKind.PRIVATE)
    return CommandInvoked(platform_user, chat, "tally", "x", delivery_id=delivery_id)


async def test_the_same_update_twice_is_applied_once(any_app):
    runs: list[str] = []
    tally_command(any_app, runs)
    first = await any_app.core.handle(update("7001"))
    again = await any_app.core.handle(update("7001"))
    assert [reply.text for reply in first] == ["counted"] and list(again) == []
    assert runs == ["x"]
    # Another update, or the same number on another platform, is its own delivery.
    await any_app.core.handle(update("7002"))
    await any_app.core.handle(update("7001", UserRef("discord", "501", "Kim", None, "en")))
    assert len(runs) == 3
    # Events without a delivery id (the console, Discord interactions) are never held back.
    await any_app.core.handle(update(None))
    await any_app.core.handle(update(None))
    assert len(runs) == 5


async def test_a_replay_after_a_restart_is_still_applied_once(any_app, clock):
    runs: list[str] = []
    tally_command(any_app, runs)
    await any_app.core.handle(update("8001"))
    restarted = await build_app(any_app.config, clock=clock, migrate=False)
    try:
        tally_command(restarted, runs)
        assert list(await restarted.core.handle(update("8001"))) == []
    finally:
        await restarted.close()
    assert runs == ["x"]


async def test_a_delivery_whose_handling_failed_is_handled_when_it_comes_again(any_app):
    runs: list[str] = []
    tally_command(any_app, runs, fail_first=True)
    failed = await any_app.core.handle(update("9001"))
    assert "counted" not in failed[0].text  # the apology
    retried = await any_app.core.handle(update("9001"))
    assert [reply.text for reply in retried] == ["counted"] and len(runs) == 2
    async with any_app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(HandledDelivery)) == 1
