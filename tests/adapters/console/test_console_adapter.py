"""The terminal adapter with the real core and dispatcher: a console session delivers only the
played person's messages (the others' wait in the outbox), its own lines follow the session's
language, and an attached file is written where it says."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from adapters.console import ConsoleAdapter
from bot.app import build_app
from bot.text import TerminalSafe
from bot.types import Attachment, Button, Reply, UserRef
from storage.models import OutboxMessage
from storage.models.runtime import OutboxStatus
from storage.outbox import enqueue
from testkit import People, make_config


async def test_a_console_session_delivers_only_the_played_persons_messages(database_url, clock):
    out = io.StringIO()
    adapter = ConsoleAdapter(UserRef("console", "ana", "Ana", None, "fr"), out=out, colour=False)
    app = await build_app(make_config(database_url), adapters=[adapter], clock=clock, migrate=False)
    try:
        await adapter.start(app.core)
        people = People(app, clock)
        ana = await people.add("Ana", platform="console", user_id="ana")
        bea = await people.add("Béa", platform="console", user_id="bea")
        async with app.db.session() as session:
            for member_id, user_id in ((ana, "ana"), (bea, "bea")):
                await enqueue(session, key=f"hello:{user_id}", platform="console", reply=Reply(f"Bonjour {user_id}"),
                              user_id=user_id, member_id=member_id, now=clock.now())
        app.dispatcher.only_for["console"] = "ana"
        assert await app.dispatcher.drain() == 1
        assert "[message]\n< Bonjour ana\n" in out.getvalue() and "bea" not in out.getvalue()
        async with app.db.session() as session:
            statuses = dict((await session.execute(select(OutboxMessage.user_id, OutboxMessage.status))).all())
        assert statuses == {"ana": OutboxStatus.SENT, "bea": OutboxStatus.PENDING}, "Béa's waits for her session"

        app.dispatcher.only_for["console"] = "bea"  # Béa's session, later
        assert await app.dispatcher.drain() == 1
        app.dispatcher.only_for.clear()  # without the filter (not the CLI's way), it says who got it
        async with app.db.session() as session:
            await enqueue(session, key="late", platform="console", reply=Reply("Plus tard"), user_id="bea",
                          member_id=bea, now=clock.now())
        await app.dispatcher.drain()
        assert out.getvalue().endswith("· message remis à bea\n")
    finally:
        await app.close()


async def test_the_consoles_own_lines_follow_the_session_language(app, clock):
    out = io.StringIO()
    adapter = ConsoleAdapter(UserRef("console", "zoe", "Zoé", None, "en"), out=out, colour=False, locale="en")
    await adapter.start(app.core)
    await adapter.say("press 3")
    assert out.getvalue() == "< (no button 3 here)\n"
    await adapter.say("/langue fr")
    await adapter.say("press 3", bare_numbers_press=False)
    assert out.getvalue().endswith("< (pas de bouton 3 ici)\n")


def test_an_attached_file_is_written_and_its_path_shown(tmp_path):
    out = io.StringIO()
    adapter = ConsoleAdapter(UserRef("console", "ana", "Ana"), out=out, colour=False, files_dir=tmp_path / "files")
    adapter.show(Reply("Tes données :", attachment=Attachment("../mydata.json", b'{"name": "Ana"}', "application/json")))
    path = (tmp_path / "files" / "mydata.json").resolve()
    assert f"< [fichier enregistré : {path}, 15 octets]\n" in out.getvalue()
    assert json.loads(path.read_text()) == {"name": "Ana"}, "written inside the folder, never beside it"
    english = ConsoleAdapter(UserRef("console", "ana", "Ana"), out=io.StringIO(), colour=False, locale="en")
    english.show(Reply("Your data:", attachment=Attachment("mydata.json", b"{}", "application/json")))
    assert "[file mydata.json, 2 bytes]" in english.out.getvalue(), "no folder given: nothing written, said so"


def test_under_the_clis_terminal_safe_stdout_the_colours_are_codes_and_members_text_is_inert():
    """`make demo` printed its colours as the text "\\x1b[2m…": the CLI's escaping stdout caught them."""
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    adapter = ConsoleAdapter(UserRef("console", "ana", "Ana", None, "fr"), out=TerminalSafe(screen))
    adapter.note("Maillage — discussion dans le terminal")
    adapter.show(Reply("Bonjour\x1b[2J de Zoé\u202e", title="Titre\x1b[31m",
                       buttons=((Button("Oui\x1b[0m", "x", "1"),),)))
    out = screen.getvalue()
    assert out.startswith("\x1b[2mMaillage — discussion dans le terminal\x1b[0m\n"), out
    assert "\x1b[1mTitre\\x1b[31m\x1b[0m" in out and "Bonjour\\x1b[2J de Zoé\\u202e" in out
    assert "[1] Oui\\x1b[0m" in out
    assert "\x1b[2J" not in out and "\u202e" not in out, "a member's text never drives the terminal"
