"""The Discord adapter end to end, offline: real client and command tree, INTERACTION_CREATE payloads
built from each command's own `to_dict()`, Discord's HTTP answers recorded (see discord_harness)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.memory import MemoryAdapter
from bot.i18n import translate
from bot.registry import Where
from discord_harness import APP_ID, CHANNEL_ID, GUILD_ID, DiscordHarness, DiscordUser, http_error
from storage.models import Identity, Member, OutboxMessage, Role, Venue

ANA = DiscordUser(111111111111111111, "Ana", "fr")
BOB = DiscordUser(222222222222222222, "Bob", "en-US")
APOLOGIES = {translate(locale, key) for locale in ("fr", "en") for key in ("core.error", "core.busy")}


def answers(calls):
    """The calls that show something to the person (callbacks with a message, followups, edits)."""
    return [c for c in calls if c.response_type in (4, 7) or "/webhooks/" in c.path and c.method in ("POST", "PATCH")]


async def seed(app, user: DiscordUser, name: str, *, venue: str = "hangar", host: bool = False,
               platform: str = "discord", visibility: str = "network", handle: str | None = None,
               offers: tuple[str, ...] = ()) -> int:
    from storage.models import MemberSkill, Skill

    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == venue))).scalar_one()
        member = Member(display_name=name, home_venue_id=venue_id, locale=user.locale[:2], visibility=visibility,
                        intro_opt_in=True, consent_at=app.clock.now(), consent_version="test")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform=platform, platform_user_id=str(user.id),
                             handle=handle or user.name.lower(), display_name=name, dm_status="open",
                             created_at=app.clock.now(), last_seen_at=app.clock.now()))
        if host:
            session.add(Role(member_id=member.id, role="host", venue_id=venue_id))
        for slug in offers:
            skill_id = (await session.execute(select(Skill.id).where(Skill.slug == slug))).scalar_one()
            session.add(MemberSkill(member_id=member.id, skill_id=skill_id, kind="offer"))
        return member.id


# -- publishing the commands ---------------------------------------------------------------------
async def test_commands_are_published_with_french_names_and_only_when_changed(app, harness):
    [put] = [c for c in harness.recorder.calls if c.method == "PUT"]
    assert put.path == f"/applications/{APP_ID}/commands"
    by_name = {command["name"]: command for command in put.payload}
    assert set(by_name) == set(app.core.registry.commands)
    help_ = by_name["help"]
    assert help_["name_localizations"] == {"fr": "aide"}
    assert help_["description_localizations"]["fr"] == translate("fr", "help.summary")
    assert help_["options"][0]["name_localizations"] == {"fr": "commande"} and not help_["options"][0]["required"]
    for name, command in by_name.items():
        registered = app.core.registry.commands[name]
        assert command["name_localizations"]["fr"] == registered.alias
        assert bool(command.get("options")) == (registered.args_key is not None)
        assert (0 in command["contexts"], 1 in command["contexts"]) == (True, registered.where is not Where.GROUP)
    mark = len(harness.recorder.calls)
    await harness.restart()
    assert not [c for c in harness.recorder.since(mark) if c.method == "PUT"], "unchanged: not published again"


async def test_a_test_guild_gets_its_own_instant_sync(app):
    from bot.config import DiscordConfig

    harness = DiscordHarness(app, config=DiscordConfig(test_guild_id=str(GUILD_ID)))
    await harness.start()
    try:
        [put] = [c for c in harness.recorder.calls if c.method == "PUT"]
        assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    finally:
        await harness.stop()
        harness.close()


# -- every command -------------------------------------------------------------------------------
@pytest.mark.parametrize("guild", [False, True], ids=["dm", "server"])
async def test_every_registry_command_answers_through_a_real_payload(app, harness, guild):
    host = DiscordUser(333333333333333333, "Hugo")
    await seed(app, host, "Hugo", host=True)
    for command in app.core.registry.sorted_commands():
        for value in ([None, "zz"] if command.args_key else [None]):
            calls = await harness.slash(host, command.name, value, guild=guild)
            shown = answers(calls)
            assert shown, f"/{command.name} {value or ''} got no answer: {calls}"
            texts = " ".join(c.content for c in shown)
            assert not any(apology in texts for apology in APOLOGIES), f"/{command.name} {value}: {texts}"
            if guild and command.where is Where.PRIVATE:
                assert all(c.ephemeral for c in shown if c.method == "POST"), f"/{command.name} is personal"
        await harness.slash(host, "cancel")  # leave whatever flow the command opened


async def test_personal_answers_are_ephemeral_in_a_server_and_files_attached(app, harness):
    [mydata] = answers(await harness.slash(ANA, "mydata", guild=True))
    assert mydata.ephemeral and mydata.files == ["mydata.json"]
    [help_] = answers(await harness.slash(ANA, "help", guild=True))
    assert not help_.ephemeral and "Réseau Test" in help_.content
    [english] = answers(await harness.slash(BOB, "help"))
    assert "what I can do" in english.content, "the interaction's locale picks the language"


async def test_a_slow_answer_is_deferred_then_followed_up(app, harness):
    harness.adapter.config = dataclasses.replace(harness.adapter.config, defer_after_seconds=0)
    calls = await harness.slash(ANA, "mydata", guild=True)
    assert [c.response_type for c in calls if c.response_type] == [5], "deferred first"
    assert calls[0].payload["data"]["flags"] & 64, "a personal command defers ephemerally"
    [followup] = [c for c in calls if c.path == f"/webhooks/{APP_ID}/{calls[0].path.split('/')[3]}"]
    assert followup.ephemeral and followup.files == ["mydata.json"]


# -- joining, finding, introductions ------------------------------------------------------------
async def test_join_with_a_venue_code_makes_a_discord_member(app, harness):
    if app.core.registry.resolve("start") is None:
        pytest.skip("pending: onboarding (/start CODE) is not registered yet")
    async with app.db.session() as session:
        code = (await session.execute(select(Venue.join_code).where(Venue.slug == "fabrique"))).scalar_one()
    shown = answers(await harness.slash(ANA, "start", code, guild=True))
    assert shown and all(c.ephemeral for c in shown)
    assert "Réseau Test" in shown[0].content
    async with app.db.session() as session:
        identity = (await session.execute(select(Identity).where(Identity.platform == "discord"))).scalar_one()
        member = await session.get(Member, identity.member_id)
        assert identity.platform_user_id == str(ANA.id) and identity.handle == "ana"
        assert member is not None and member.display_name == "Ana"


async def test_find_autocompletes_skills_typed_with_typos(app, harness):
    if app.core.registry.resolve("find") is None:
        pytest.skip("pending: the directory (/find) is not registered yet")
    choices = await harness.autocomplete(ANA, "find", "impresion 3")
    assert any("3D" in choice["name"] for choice in choices) and len(choices) <= 25
    english = await harness.autocomplete(BOB, "find", "3d print")
    assert any("3D printing" in choice["name"] for choice in english)
    for command in app.core.registry.commands.values():  # every completed option answers in time, in bounds
        if command.complete and command.args_key:
            choices = await harness.autocomplete(ANA, command.name, "fa")
            assert len(choices) <= 25 and all(0 < len(c["value"]) <= 100 for c in choices)


async def test_an_introduction_between_discord_and_telegram_end_to_end(app, harness):
    if "ireq" not in app.core.registry.actions:
        pytest.skip("pending: introductions on request are not registered yet")
    telegram = MemoryAdapter("telegram")
    app.add_adapter(telegram)
    await telegram.start(app.core)
    await seed(app, DiscordUser(444, "Zoé"), "Zoé", platform="telegram", handle="zoe_tg", offers=("3d-printing",))
    await seed(app, BOB, "Bob", venue="fabrique")
    # Bob, in a server: /find answers privately, with one button per person.
    [found] = answers(await harness.slash(BOB, "find", "3d printing", guild=True))
    assert found.ephemeral and "Zoé" in found.content
    assert "maillage:discord.answer:" not in found.custom_ids, "no conversation under way: no Answer button"
    ask = next(cid for cid in found.custom_ids if cid.startswith("maillage:ireq:"))
    # The press asks for one line of context; in a server the answer comes through a form.
    prompt_calls = await harness.press(BOB, harness.message_of(found), ask, guild=True)
    [prompt] = answers(prompt_calls)
    assert prompt.ephemeral and "maillage:discord.answer:" in prompt.custom_ids
    form_calls = await harness.press(BOB, harness.message_of(prompt), "maillage:discord.answer:", guild=True)
    [modal] = [c for c in form_calls if c.response_type == 9]
    sent = answers(await harness.submit(BOB, modal.payload["data"], "Could you print a bike part?", guild=True,
                                        message=harness.message_of(prompt)))
    assert sent and sent[0].ephemeral
    assert "maillage:discord.answer:" not in sent[0].custom_ids, "the conversation is over: no more Answer button"
    await app.dispatcher.drain()
    [request] = telegram.to_user("444")
    assert "Bob" in request.text and "bike part" in request.text and "Discord" not in request.text
    zoe = telegram.user("444", "Zoé")
    accepted = await zoe.press(request.reply.all_buttons()[0])
    assert "Discord : bob" in accepted[0].text, "the Discord user name, kept current by each interaction"
    mark = len(harness.recorder.calls)
    await app.dispatcher.drain()
    dm = [c for c in harness.recorder.since(mark) if c.method == "POST" and c.path.startswith("/channels/")]
    assert dm and "@zoe\\_tg" in dm[0].content, "markdown escaped: the underscore is shown as typed"
    assert dm[0].payload["enforce_nonce"] is True and dm[0].payload["nonce"]
    assert dm[0].payload["allowed_mentions"] == {"parse": []}


# -- buttons after a restart, venue channels ----------------------------------------------------
async def test_rsvp_button_works_after_a_restart(app, harness):
    if "rsvp" not in app.core.registry.actions or app.core.registry.resolve("link_venue") is None:
        pytest.skip("pending: events (RSVP, /link_venue) are not registered yet")
    from bot.events.announce import announce_event
    from bot.events.queries import set_venues
    from storage.models.events import Event, Rsvp

    host, mia = DiscordUser(555, "Hugo"), DiscordUser(666, "Mia")
    await seed(app, host, "Hugo", host=True)
    mia_id = await seed(app, mia, "Mia")
    [linked] = answers(await harness.slash(host, "link_venue", guild=True))
    assert "Le Hangar" in linked.content, linked.content
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == "hangar"))).scalar_one()
        starts = app.clock.now() + timedelta(days=2)
        event = Event(title="Repair café", starts_at=starts, ends_at=starts + timedelta(hours=2),
                      timezone="Europe/Paris", status="published", audience=[], published_at=app.clock.now())
        session.add(event)
        await session.flush()
        await set_venues(session, event, [venue_id])
        await announce_event(session, app.config, event, app.clock.now())
        event_id = event.id
    mark = len(harness.recorder.calls)
    await app.dispatcher.drain()
    [post] = [c for c in harness.recorder.since(mark) if c.path == f"/channels/{CHANNEL_ID}/messages"]
    assert "Repair café" in post.content and f"maillage:rsvp:{event_id}:y" in post.custom_ids
    message = harness.message_of(post)
    await harness.restart()
    [going] = answers(await harness.press(mia, message, f"maillage:rsvp:{event_id}:y", guild=True))
    assert going.ephemeral and "Repair café" in going.content
    async with app.db.session() as session:
        rsvp = (await session.execute(select(Rsvp).where(Rsvp.member_id == mia_id))).scalar_one()
        assert rsvp.status == "going"


async def test_a_language_button_pressed_after_a_restart_still_works(app, harness):
    [choose] = answers(await harness.slash(ANA, "language"))
    message = harness.message_of(choose)
    await harness.restart()
    [done] = answers(await harness.press(ANA, message, "maillage:lang:en"))
    assert done.response_type == 7 and done.content.startswith("Got it"), "edits the message it was under"
    forged_message = copy.deepcopy(message)  # a client that rewrote the button's custom_id
    forged_message["components"][0]["components"][0]["custom_id"] = "maillage:lang:xx"
    [forged] = answers(await harness.press(ANA, forged_message, "maillage:lang:xx"))
    assert "no longer valid" in forged.content or "n'est plus valable" in forged.content


# -- privacy and delivery errors ----------------------------------------------------------------
async def test_forget_erases_the_discord_member(app, harness):
    member_id = await seed(app, ANA, "Ana")
    [confirm] = answers(await harness.slash(ANA, "forget", guild=True))
    assert confirm.ephemeral and "maillage:forget:yes" in confirm.custom_ids
    [done] = answers(await harness.press(ANA, harness.message_of(confirm), "maillage:forget:yes", guild=True))
    assert done.response_type == 7 and done.data["components"] == []
    async with app.db.session() as session:
        assert await session.get(Member, member_id) is None
        assert (await session.execute(select(Identity).where(Identity.platform == "discord"))).first() is None


async def test_a_dm_to_closed_dms_marks_the_identity_and_is_never_retried(app, harness):
    from storage.outbox import enqueue
    from bot.types import Reply

    member_id = await seed(app, ANA, "Ana")
    harness.recorder.fail("POST", r"^/channels/\d+/messages$", http_error(403, 50007, "Cannot send messages to this user"))
    async with app.db.session() as session:
        await enqueue(session, key="test:closed", platform="discord", reply=Reply("Hello"), user_id=str(ANA.id),
                      member_id=member_id, not_before=app.clock.now())
    await app.dispatcher.drain()
    async with app.db.session() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == "test:closed"))).scalar_one()
        identity = (await session.execute(select(Identity).where(Identity.platform == "discord"))).scalar_one()
        assert (row.status, row.attempts, identity.dm_status) == ("unreachable", 1, "unreachable")
    posts = [c for c in harness.recorder.calls if c.method == "POST" and c.path.startswith("/channels/")]
    assert len(posts) == 1, "never retried"
    await harness.dm(ANA, "/aide")  # writing to the bot opens the way again
    async with app.db.session() as session:
        identity = (await session.execute(select(Identity).where(Identity.platform == "discord"))).scalar_one()
        assert identity.dm_status == "open"


async def test_a_failed_send_is_retried_with_the_same_nonce(app, harness):
    from bot.types import ChatKind, ChatRef, Reply
    from bot.ports import Transient

    harness.recorder.fail("POST", r"^/channels/\d+/messages$", http_error(503, 0, "unavailable"))
    chat = ChatRef("discord", str(CHANNEL_ID), ChatKind.GROUP)
    with pytest.raises(Transient):
        await harness.adapter.send(chat, Reply("Programme"), idempotency_key="k1")
    sent = await harness.adapter.send(chat, Reply("Programme"), idempotency_key="k1")
    first, second = [c for c in harness.recorder.calls if c.path == f"/channels/{CHANNEL_ID}/messages"]
    assert first.payload["nonce"] == second.payload["nonce"] and sent.message_id


async def test_dm_text_continues_a_conversation(app, harness):
    calls = await harness.dm(ANA, "/langue")
    [shown] = [c for c in calls if c.method == "POST" and c.path.startswith("/channels/")]
    assert "maillage:lang:en" in shown.custom_ids
    assert not shown.payload.get("flags"), "a DM answer is a plain message"
