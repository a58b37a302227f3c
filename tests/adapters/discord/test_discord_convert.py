"""convert.py both ways: Discord objects built offline into neutral events; replies into messages."""

from __future__ import annotations

import discord
import pytest
from discord.state import ConnectionState

from adapters.discord.convert import (
    MAX_CONTENT, Outgoing, dm_event, escape, format_reply, interaction_chat, message_kwargs, pack_rows, render,
    split_content, user_ref,
)
from adapters.discord.errors import delivery_error, nonce_for
from adapters.discord.views import TEMPLATE, ActionButton, build_view
from bot.ports import RateLimited, Rejected, Transient, Unreachable
from bot.types import Attachment, Button, ChatKind, CommandInvoked, Reply, TextReceived
from discord_harness import DiscordUser, http_error


def _state() -> ConnectionState:
    return ConnectionState(dispatch=lambda *a: None, handlers={}, hooks={}, http=None, syncer=None)


def _message(text: str, author: DiscordUser) -> discord.Message:
    state = _state()
    data = {"id": "1", "channel_id": "5", "type": 0, "author": author.as_dict(), "content": text,
            "timestamp": "2026-11-25T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "components": [], "flags": 0}
    channel = discord.PartialMessageable(state=state, id=5, type=discord.ChannelType.private)
    return discord.Message(state=state, channel=channel, data=data)


# -- in ------------------------------------------------------------------------------------------
def test_a_dm_becomes_text_or_a_typed_command():
    ana = DiscordUser(42, "Ana")
    text = dm_event(_message("  impression 3D  ", ana), "fr")
    assert isinstance(text, TextReceived) and text.text == "impression 3D"
    assert text.chat.kind is ChatKind.PRIVATE and text.chat.chat_id == "42"
    assert text.user.user_id == "42" and text.user.language == "fr" and text.user.handle == "ana"
    command = dm_event(_message("/start ABC123", ana))
    assert isinstance(command, CommandInvoked) and (command.command, command.args) == ("start", "ABC123")
    assert dm_event(_message("   ", ana)) is None
    assert isinstance(dm_event(_message("/ not a command", ana)), TextReceived)


def test_user_ref_uses_the_display_name_and_keeps_the_snowflake_exact():
    user = discord.User(state=_state(), data=DiscordUser(1234567890123456789, "Zoé").as_dict())
    ref = user_ref(user, discord.Locale.british_english)
    assert ref.user_id == "1234567890123456789" and ref.display_name == "Zoé" and ref.language == "en-GB"


class _FakeInteraction:
    """Only what interaction_chat reads."""

    def __init__(self, guild_id, channel_id=7, user_id=42):
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.channel = type("C", (), {"name": "général"})()
        self.user = type("U", (), {"id": user_id})()


def test_an_ephemeral_exchange_in_a_server_is_a_private_chat():
    assert interaction_chat(_FakeInteraction(None)).kind is ChatKind.PRIVATE
    group = interaction_chat(_FakeInteraction(99))
    assert group.kind is ChatKind.GROUP and group.chat_id == "7" and group.title == "général"
    personal = interaction_chat(_FakeInteraction(99), personal=True)
    assert personal.kind is ChatKind.PRIVATE and personal.chat_id == "42"


# -- out -----------------------------------------------------------------------------------------
def test_markdown_and_mentions_are_made_inert():
    out = escape("**gras** _it_ @everyone <@123456789012345678> `code`")
    assert "\\*\\*gras\\*\\*" in out and "\\_it\\_" in out and "\\`code\\`" in out
    assert "@everyone" not in out and "<@123456789012345678>" not in out
    assert format_reply(Reply("a*b", title="T_1")) == "**T\\_1**\na\\*b"


@pytest.mark.parametrize("text", ["mot " * 1200, "x" * 4500, ("ligne\n" * 700), "\\" * 2500, "a\\" * 1500])
def test_long_text_is_cut_within_the_limit_and_nothing_is_lost(text):
    pieces = split_content(text)
    assert all(0 < len(p) <= MAX_CONTENT for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    for piece in pieces[:-1]:
        run = len(piece) - len(piece.rstrip("\\"))
        assert run % 2 == 0, "a cut must not leave a dangling escape"


def test_buttons_are_packed_in_rows_of_five_and_messages_of_five_rows():
    rows = (tuple(Button(f"b{i}", "act", str(i)) for i in range(7)),) + tuple(
        (Button(f"r{j}", "act", f"r{j}"),) for j in range(25))
    groups = pack_rows(rows)
    assert [len(row) for row in groups[0]] == [5, 2, 1, 1, 1]
    assert all(len(group) <= 5 for group in groups) and sum(len(r) for g in groups for r in g) == 32
    messages = render(Reply("hello", buttons=rows))
    assert messages[0].content == "hello" and all(m.content == "" for m in messages[1:])


def test_render_puts_buttons_and_file_on_the_last_chunk_and_keeps_silence():
    reply = Reply("y" * 4100, buttons=((Button("OK", "ok", "1"),),), silent=True,
                  attachment=Attachment("data.json", b"{}", "application/json"))
    messages = render(reply)
    assert len(messages) == 3 and all(m.silent for m in messages)
    assert messages[-1].rows and messages[-1].attachment and not messages[0].rows and not messages[0].attachment


def test_message_kwargs_never_mention_and_carry_the_custom_id():
    kwargs = message_kwargs(Outgoing("hi", ((Button("Oui", "forget", "yes"), Button("Site", "", url="https://x.org")),),
                                     silent=True))
    mentions = kwargs["allowed_mentions"].to_dict()
    assert mentions == {"parse": []} or (not mentions.get("parse") and not mentions.get("users"))
    assert kwargs["silent"] is True
    components = kwargs["view"].to_components()[0]["components"]
    assert components[0]["custom_id"] == "maillage:forget:yes" and components[1]["url"] == "https://x.org"
    edit = message_kwargs(Outgoing("done"), for_edit=True)
    assert edit["view"] is None and "silent" not in edit, "an edit removes the old buttons"


def test_the_custom_id_template_reads_back_every_neutral_button():
    for action, payload in [("rsvp", "12:going"), ("run", "help"), ("a.b_c", ""), ("x", "é:ü\nz")]:
        match = TEMPLATE.fullmatch(ActionButton(action, payload, "L").custom_id)
        assert match and (match["action"], match["payload"]) == (action, payload)
    assert build_view(()) is None


def test_a_repeated_button_is_kept_once():
    view = build_view(((Button("A", "x", "1"), Button("B", "x", "1")),))
    assert len(view.children) == 1


# -- errors --------------------------------------------------------------------------------------
def test_discord_failures_become_typed_errors():
    assert isinstance(delivery_error(http_error(403, 50007, "Cannot send messages to this user"), dm=True), Unreachable)
    assert isinstance(delivery_error(http_error(404, 10013, "Unknown User"), dm=True), Unreachable)
    limited = delivery_error(http_error(429, 0, "slow down", {"Retry-After": "12.5"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 12.5
    assert isinstance(delivery_error(discord.RateLimited(45.0)), RateLimited)
    assert isinstance(delivery_error(http_error(503, 0, "unavailable")), Transient)
    assert isinstance(delivery_error(ConnectionResetError("reset by peer")), Transient)
    assert isinstance(delivery_error(http_error(403, 50013, "Missing Permissions")), Rejected)
    assert isinstance(delivery_error(http_error(400, 50035, "Invalid Form Body")), Rejected)


def test_nonces_are_stable_distinct_per_part_and_short():
    assert nonce_for(None) is None
    assert nonce_for("intro:1:2") == nonce_for("intro:1:2") != nonce_for("intro:1:2", 1)
    assert nonce_for("intro:1:2") != nonce_for("intro:1:3")
    assert 0 < nonce_for("k") < 2 ** 63 and len(str(nonce_for("k"))) <= 25
