"""Malformed input at the door: odd digits, huge ids, NUL, lone surrogates, bidi overrides, invisible names.

Each used to give the generic apology (and a traceback in the log); now each gets its proper answer.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.payloads import INT4_MAX, parse_id, parse_ids, parse_int
from bot.text import clean_event, clean_name, clean_text, for_terminal
from bot.types import Button, ChatRef, CommandInvoked, UserRef
from storage.models import Identity
from testkit import People

APOLOGY = "quelque chose s'est mal passé"
EXPIRED = "n'est plus valable"


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "-1", "+1", " 1", "1 ", "", "1e3", "0x10", str(INT4_MAX + 1),
                                  "9" * 30])
def test_parse_id_refuses_anything_but_plain_ascii_digits_within_int4(text):
    assert parse_id(text) is None


def test_parse_int_reads_what_a_real_button_carries():
    assert parse_id("0") == 0 and parse_id(str(INT4_MAX)) == INT4_MAX and parse_id("42") == 42
    assert parse_int("5", 1, 10) == 5 and parse_int("11", 1, 10) is None and parse_int("-3", -5, 5) == -3
    assert parse_ids("12:0", 2, zero=True) == [12, 0] and parse_ids("12:0", 2) is None
    assert parse_ids("12", 2) is None and parse_ids("1:²", 2, zero=True) is None


@pytest.mark.parametrize("payload", ["²:0", "1²:0", f"{INT4_MAX + 1}:0", "99999999999:0", "1:99999999999"])
async def test_forged_ids_get_the_expired_answer_not_the_apology(any_app, memory, clock, payload):
    await People(any_app, clock).add("Bob", user_id="20")  # the ask button needs a member
    [reply] = await memory.user("20").press(Button("x", "ireq", payload))
    assert EXPIRED in reply.text


async def test_a_page_button_with_odd_digits_is_expired(app, memory, people):
    await people.add("Bob", user_id="20")
    [reply] = await memory.user("20").press(Button("x", "dir", "²:design"))
    assert EXPIRED in reply.text


async def test_a_platform_name_with_nul_no_longer_breaks_every_event(any_app, memory):
    """PostgreSQL refuses NUL in text: every event of this person used to fail."""
    user = memory.user("30", "Ana\x00Bel\u202e", handle="ana\x00")
    [reply] = await user.send("/help")
    assert APOLOGY not in reply.text
    async with any_app.db.session() as session:
        identity = (await session.execute(select(Identity).where(Identity.platform_user_id == "30"))).scalar_one()
        assert (identity.display_name, identity.handle) == ("AnaBel", "ana")


async def test_a_lone_surrogate_in_typed_text_is_dropped(any_app, memory):
    user = memory.user("31", "Eve")
    replies = await user.send("/chercher design\ud800")
    assert all(APOLOGY not in r.text for r in replies)


async def test_an_invisible_only_platform_name_falls_back_to_the_handle(app, memory):
    await memory.user("32", "\u200b\u3164\u2800", handle="zed").send("/help")
    async with app.db.session() as session:
        identity = (await session.execute(select(Identity).where(Identity.platform_user_id == "32"))).scalar_one()
        assert identity.display_name == "zed"


async def test_an_invisible_only_name_is_refused_in_the_profile(app, memory, people):
    member_id = await people.add("Ana", user_id="10")
    ana = memory.user("10", "Ana")
    await ana.send("/profil")
    await ana.press("Nom")
    [reply] = await ana.send("\u200b \u2060\u3164")
    assert "au moins un caractère" in reply.text
    assert (await people.member(member_id)).display_name == "Ana"


def test_clean_text_keeps_lines_and_accents_and_drops_controls():
    assert clean_text("Ligne 1\nLigne\t2\x00\x07\x1b[2J") == "Ligne 1\nLigne\t2[2J"
    assert clean_text("e\u0301té") == "été", "NFC: one é whichever way it was typed"
    assert clean_text("abc\u202egnp.exe") == "abcgnp.exe"
    assert clean_name("  Ana \n  Bel\t ") == "Ana Bel" and clean_name("\u200b\u200d") == ""
    assert clean_name("Zoë 🌱") == "Zoë 🌱"


def test_clean_event_cleans_every_text_field():
    event = CommandInvoked(UserRef("memory", "1", "A\x00na", "h\u202e"), ChatRef("memory", "1", title="G\x00"),
                           "find", "x\x00y")
    cleaned = clean_event(event)
    assert (cleaned.user.display_name, cleaned.user.handle, cleaned.chat.title, cleaned.args) == ("Ana", "h", "G", "xy")


def test_for_terminal_escapes_what_would_drive_the_terminal():
    assert for_terminal("\x1b[2JAna") == "\\x1b[2JAna"
    assert for_terminal("Zoë\u202e") == "Zoë\\u202e"
    assert for_terminal("plain") == "plain"


@pytest.mark.parametrize("keep_lines", [False, True])
def test_for_terminal_escapes_exactly_the_control_surrogate_and_bidi_characters(keep_lines):
    import unicodedata

    from bot.text import BIDI_CONTROLS

    def escaped(char: str) -> bool:
        if keep_lines and char in "\n\t":
            return False
        return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs")

    every = [chr(code) for code in range(0x110000)]
    shown = for_terminal("é" + "".join(every), keep_lines=keep_lines)
    expected = "é" + "".join(c.encode("unicode_escape", "backslashreplace").decode("ascii") if escaped(c) else c
                             for c in every)
    assert shown == expected
