"""convert.py both ways, with python-telegram-bot objects built offline (no network, no bot)."""

from __future__ import annotations

import html
import logging

import pytest
from telegram import Update

from adapters.telegram.convert import (
    ANONYMOUS_ADMIN_ID, Anonymous, keyboard_for, render, split_text, update_to_events, visible_length,
)
from bot.types import (
    Attachment, Button, ButtonPressed, ChatKind, ChatMigrated, ChatRef, CommandInvoked, DmStatusChanged,
    LocationShared, MemberJoined, Reply, TextReceived, UserRef,
)

BOT_ID = 123456
BOT = "maillage_test_bot"
ANA = {"id": 1001, "is_bot": False, "first_name": "Ana", "last_name": "Lopez", "username": "ana", "language_code": "fr"}
DM = {"id": 1001, "type": "private", "first_name": "Ana"}
GROUP = {"id": -4001, "type": "group", "title": "Le Hangar"}
SUPERGROUP = {"id": -1004001, "type": "supergroup", "title": "Le Hangar"}
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Maillage", "username": BOT}


def update(**fields) -> Update:
    return Update.de_json({"update_id": 1, **fields}, None)


def message(text: str | None = None, chat=DM, sender=ANA, **extra) -> dict:
    data = {"message_id": 7, "date": 1_764_000_000, "chat": chat, **extra}
    if sender is not None:
        data["from"] = sender
    if text is not None:
        data["text"] = text
        if text.startswith("/"):
            data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return data


def events(upd: Update):
    return update_to_events(upd, BOT_ID, BOT)


# -- in ----------------------------------------------------------------------------------------
def test_deep_link_start_becomes_a_command_with_its_code():
    [event] = events(update(message=message("/start CODE42")))
    assert event == CommandInvoked(UserRef("telegram", "1001", "Ana Lopez", "ana", "fr"),
                                   ChatRef("telegram", "1001", ChatKind.PRIVATE), "start", "CODE42", message_id="7",
                                   delivery_id="1")  # the update_id: a repeat is applied once


def test_commands_addressed_to_this_bot_or_another_in_groups():
    [event] = events(update(message=message("/Aide@Maillage_Test_Bot  deux mots", chat=SUPERGROUP)))
    assert (event.command, event.args, event.chat.kind, event.chat.title) == ("aide", "deux mots", ChatKind.GROUP,
                                                                              "Le Hangar")
    assert events(update(message=message("/help@other_bot", chat=GROUP))) == []


def test_free_text_reaches_the_core_in_dms_only_or_as_a_reply_to_the_bot():
    [text] = events(update(message=message("bonjour <b>")))
    assert isinstance(text, TextReceived) and text.text == "bonjour <b>"
    assert events(update(message=message("chatter", chat=GROUP))) == []
    answer = message("jeudi 18h", chat=GROUP, reply_to_message=message("Quand ?", chat=GROUP, sender=BOT_USER))
    [reply] = events(update(message=answer))
    assert isinstance(reply, TextReceived) and reply.chat.chat_id == "-4001"
    other = message("hein", chat=GROUP, reply_to_message=message("salut", chat=GROUP, sender=ANA))
    assert events(update(message=other)) == []


def test_anonymous_admin_is_never_mistaken_for_a_person():
    anonymous = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    [event] = events(update(message=message("/link_venue", chat=SUPERGROUP, sender=anonymous, sender_chat=SUPERGROUP)))
    assert isinstance(event, Anonymous) and event.chat.chat_id == "-1004001"
    assert events(update(message=message("hello", chat=SUPERGROUP, sender=anonymous, sender_chat=SUPERGROUP))) == []


def test_bots_and_edits_and_channel_posts_are_ignored():
    other_bot = {"id": 99, "is_bot": True, "first_name": "Other"}
    assert events(update(message=message("/help", chat=GROUP, sender=other_bot))) == []
    assert events(update(edited_message=message("/help"))) == []
    channel = {"id": -100777, "type": "channel", "title": "News"}
    assert events(update(channel_post=message("/help", chat=channel, sender=None))) == []
    assert events(update(message=message(None, sticker=None))) == []


def test_migrated_group_both_sides():
    [old_side] = events(update(message=message(None, chat=GROUP, migrate_to_chat_id=-1004001)))
    assert old_side == ChatMigrated("telegram", "-4001", "-1004001")
    [new_side] = events(update(message=message(None, chat=SUPERGROUP, migrate_from_chat_id=-4001)))
    assert new_side == old_side


def test_button_press_carries_action_payload_and_message():
    query = {"id": "q1", "from": ANA, "chat_instance": "ci", "data": "forget:yes",
             "message": message("Sûr ?", sender=BOT_USER)}
    [event] = events(update(callback_query=query))
    assert isinstance(event, ButtonPressed)
    assert (event.action, event.payload, event.message_id, event.chat.chat_id) == ("forget", "yes", "7", "1001")
    assert events(update(callback_query={**query, "data": None})) == []


@pytest.mark.parametrize("status, reachable", [("kicked", False), ("member", True)])
def test_blocking_and_unblocking_the_bot(status, reachable):
    change = {"chat": DM, "from": ANA, "date": 1_764_000_000,
              "old_chat_member": {"status": "member", "user": BOT_USER},
              "new_chat_member": {"status": status, "user": BOT_USER, **({"until_date": 0} if status == "kicked" else {})}}
    [event] = events(update(my_chat_member=change))
    assert event == DmStatusChanged(UserRef("telegram", "1001", "Ana Lopez", "ana", "fr"), reachable)
    assert events(update(my_chat_member={**change, "chat": GROUP})) == []  # the bot added to or removed from a group


def test_everyone_added_at_once_is_greeted_but_bots():
    bob = {"id": 1002, "is_bot": False, "first_name": "Bob"}
    joined = events(update(message=message(None, chat=GROUP, new_chat_members=[ANA, bob, BOT_USER])))
    assert [e.user.user_id for e in joined] == ["1001", "1002"]
    assert all(isinstance(e, MemberJoined) and e.chat.chat_id == "-4001" for e in joined)


# -- out ---------------------------------------------------------------------------------------
def test_everything_typed_is_escaped_and_the_title_is_bold():
    rendered = render(Reply("Bio: <b>gras</b> & [x](y) *z*", title="Profil <de> Ana & co"))
    assert rendered.chunks == ("<b>Profil &lt;de&gt; Ana &amp; co</b>\nBio: &lt;b&gt;gras&lt;/b&gt; &amp; [x](y) *z*",)
    assert html.unescape(rendered.chunks[0].replace("<b>", "").replace("</b>", "")) == \
        "Profil <de> Ana & co\nBio: <b>gras</b> & [x](y) *z*"


def test_long_replies_are_split_on_line_boundaries():
    lines = [f"ligne {i} " + "é" * 90 for i in range(200)]
    text = "\n".join(lines)
    chunks = render(Reply(text, buttons=((Button("OK", "ok"),),))).chunks
    assert len(chunks) == 5
    assert all(visible_length(html.unescape(c)) <= 4096 for c in chunks)
    assert "\n".join(html.unescape(c) for c in chunks) == text  # nothing lost, cut only at newlines
    assert all(c.startswith("ligne ") for c in chunks)


def test_one_huge_line_is_cut_at_spaces_or_hard():
    words = " ".join(["mot"] * 3000)
    pieces = split_text(words)
    assert all(visible_length(p) <= 4096 for p in pieces) and " ".join(pieces) == words
    solid = "x" * 9000
    assert [len(p) for p in split_text(solid)] == [4096, 4096, 808]


def test_limit_counts_utf16_like_telegram():
    emoji = "🙂" * 2100  # 4200 UTF-16 units although 2100 characters
    pieces = split_text(emoji)
    assert len(pieces) == 2 and all(visible_length(p) <= 4096 for p in pieces) and "".join(pieces) == emoji
    assert split_text("") == [""]


def test_callback_data_stays_within_64_bytes(caplog):
    fits = Button("OK", "intro", "a" * 58)  # "intro:" + 58 = 64 bytes
    too_long = Button("Trop", "intro", "é" * 30)  # 6 + 60 bytes
    link = Button("Site", "", url="https://example.org/?a=1&b=2")
    with caplog.at_level(logging.ERROR):
        keyboard = keyboard_for(((fits, too_long), (link,)))
    assert "over 64 bytes" in caplog.text
    rows = keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["OK"], ["Site"]]
    assert rows[0][0].callback_data == "intro:" + "a" * 58
    assert rows[1][0].url == "https://example.org/?a=1&b=2" and rows[1][0].callback_data is None
    assert keyboard_for(()) is None


def test_silent_flag_and_attachments():
    attachment = Attachment("mydata.json", b"{}", "application/json")
    short = render(Reply("Voici <tes> données", title="Export", attachment=attachment, silent=True))
    assert short.silent and short.chunks == () and short.caption == "<b>Export</b>\nVoici &lt;tes&gt; données"
    long = render(Reply("x" * 2000, attachment=attachment))
    assert long.caption is None and long.chunks == ("x" * 2000,)


def test_a_location_shared_in_private_is_an_event_and_ignored_in_groups():
    place = {"latitude": 47.2065, "longitude": -1.5632}
    [event] = events(update(message=message(None, location=place)))
    assert isinstance(event, LocationShared) and (event.latitude, event.longitude) == (47.2065, -1.5632)
    assert event.chat.kind is ChatKind.PRIVATE and event.delivery_id == "1"
    assert events(update(message=message(None, chat=GROUP, location=place))) == []
