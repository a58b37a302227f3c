"""A terminal chat with the core: the demo's face, and a scripted driver for automation.

Interactive (stdin is a terminal): type `/commands`, free text, or a number to press that button of
the last message (`'12` sends the text "12"); proactive messages appear as the dispatcher delivers
them. Script mode (stdin is not a terminal): one line per message, `press N` presses button N of the
last reply (a bare number is text), every reply is printed without colours, and the outbox is
drained after each line, so runs are deterministic.

The adapter plays one person. Their messages are shown as they arrive; the dispatcher of a console
session delivers no one else's (they wait in the outbox for that person's own session). The
adapter's own lines follow the language the core last answered in. A file sent with a reply
(/mydata) is written to `files_dir` and its path shown.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TextIO

from bot.i18n import translate
from bot.text import for_terminal
from bot.ports import Capabilities
from bot.types import (
    Button, ButtonPressed, ChatKind, ChatRef, CommandInvoked, Reply, SentMessage, TextReceived, UserRef,
)

if TYPE_CHECKING:
    from bot.core import BotCore
    from bot.outbox.dispatcher import OutboxDispatcher

PLATFORM = "console"
BOLD, DIM, CYAN, RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"


def _clean(text: str) -> str:
    """Text from members or the core, made unable to drive the terminal (lines kept)."""
    return for_terminal(text, keep_lines=True)


class ConsoleAdapter:
    platform = PLATFORM
    capabilities = Capabilities(max_message_length=100_000, can_edit=False)

    def __init__(self, user: UserRef, out: TextIO | None = None, colour: bool | None = None,
                 names: dict[str, str] | None = None, locale: str = "fr", files_dir: Path | None = None) -> None:
        self.user = user
        self.locale = locale  # the session's language: the core's last answer was in it
        self.files_dir = files_dir
        self.command = "maillage console"  # how to open another person's session, for the lines that say so
        # Called after each typed line is answered (the demo says whose messages now wait for them).
        self.after_each: Callable[[], Awaitable[None]] | None = None
        # Under the CLI, stdout escapes every control character; the chat writes its own colour codes,
        # so it writes to the stream underneath and cleans everything else itself (`_clean`).
        out = out or sys.stdout
        self.out = getattr(out, "unfiltered", out)
        self.colour = self.out.isatty() if colour is None else colour
        self.names = names or {}  # console user id -> display name, to say who got a message
        self.core: BotCore | None = None
        self.buttons: list[Button] = []
        self._counter = 0
        # When the person last typed or pressed something (read with `now`, the app's clock): the next
        # session shows an earlier message's buttons again only if it came after that (bot.demo.welcome).
        self.now: Callable[[], datetime] | None = None
        self.last_input_at: datetime | None = None

    # -- the port ----------------------------------------------------------------------------
    async def start(self, core: "BotCore") -> None:
        self.core = core

    async def stop(self) -> None:
        self.core = None

    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        self._print_header(f"[{chat.chat_id}]")
        self.show(reply, remember_buttons=False)
        return self._sent()

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        if user_id == self.user.user_id:
            self._print_header("📬" if self.colour else self.t("console.message_header"))
            self.show(reply)
        else:  # only with a dispatcher not told to hold other people's messages (`only_for`)
            self.note(self.t("console.delivered_to", name=self.names.get(user_id, user_id)))
        return self._sent()

    def _sent(self) -> SentMessage:
        self._counter += 1
        return SentMessage(str(self._counter))

    # -- rendering ---------------------------------------------------------------------------
    def t(self, key: str, **params) -> str:
        return translate(self.locale, key, **params)

    def note(self, text: str) -> None:
        """One of the console's own lines (who you are, what is waiting), dimmed."""
        self._write(self._style(DIM, text) + "\n")

    def _style(self, code: str, text: str) -> str:
        text = _clean(text)
        return f"{code}{text}{RESET}" if self.colour else text

    def _write(self, text: str) -> None:
        """Writes as it is: what came from members or the core went through `_clean` (or `_style`)."""
        self.out.write(text)
        self.out.flush()

    def _print_header(self, label: str) -> None:
        self._write(self._style(CYAN, label) + "\n")

    def show(self, reply: Reply, remember_buttons: bool = True) -> None:
        lines = []
        if reply.title:
            lines.append(self._style(BOLD, reply.title))
        lines.append(_clean(reply.text))
        if reply.attachment is not None:
            lines.append(_clean(self._save(reply.attachment.filename, reply.attachment.content)))
        buttons = [b for b in reply.all_buttons()]
        if remember_buttons and buttons:
            self.buttons = buttons
        for number, button in enumerate(buttons, 1):
            target = f" → {button.url}" if button.url else ""
            lines.append(self._style(CYAN, f"  [{number}] {button.label}{target}"))
        self._write("\n".join("< " + line if not self.colour else line for line in "\n".join(lines).split("\n")) + "\n")

    def _save(self, filename: str, content: bytes | str) -> str:
        """Write an attached file where the person can open it; the line that says where."""
        data = content.encode() if isinstance(content, str) else content
        size = f"{len(data):,}".replace(",", "\u202f" if self.locale == "fr" else ",")
        if self.files_dir is None:
            return self.t("console.file_kept_in_memory", name=filename, size=size)
        path = (self.files_dir / Path(filename).name).resolve()  # never outside the folder
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            return self.t("console.file_not_written", name=filename, size=size, reason=error.strerror or error)
        return self.t("console.file_written", path=str(path), size=size)

    # -- reading input -----------------------------------------------------------------------
    def to_event(self, line: str, *, bare_numbers_press: bool = True):
        """Turn one typed line into a core event (None for a press of a button that is not there).

        `press N` always presses button N. A bare number presses too when it is in range and
        `bare_numbers_press` (interactive use); otherwise it is text, e.g. a capacity. A leading
        apostrophe sends the rest as text as it is ("'3").
        """
        chat = ChatRef(PLATFORM, self.user.user_id, ChatKind.PRIVATE)
        stripped = line.strip()
        if stripped.startswith("'"):
            return TextReceived(self.user, chat, stripped[1:])
        explicit = stripped.lower().startswith("press ")
        number = stripped[6:].strip() if explicit else stripped
        in_range = number.isdigit() and 1 <= int(number) <= len(self.buttons)
        if explicit or (bare_numbers_press and in_range):
            if not in_range:
                return None
            button = self.buttons[int(number) - 1]
            return ButtonPressed(self.user, chat, button.action, button.payload, message_id="console")
        if stripped.startswith("/"):
            word, _, args = stripped[1:].partition(" ")
            return CommandInvoked(self.user, chat, word, args)
        return TextReceived(self.user, chat, stripped)

    async def say(self, line: str, *, bare_numbers_press: bool = True) -> None:
        assert self.core is not None
        if self.now is not None:
            self.last_input_at = self.now()
        event = self.to_event(line, bare_numbers_press=bare_numbers_press)
        if event is None:
            number = line.strip().lower().removeprefix("press").strip()
            self._write("< " + _clean(self.t("console.no_button", number=number)) + "\n")
            return
        self.show_all(await self.core.handle(event))
        if self.after_each is not None:
            await self.after_each()

    def show_all(self, replies) -> None:
        """The core's answer to one event; its language becomes the session's."""
        if getattr(replies, "locale", None):
            self.locale = replies.locale
        for reply in replies:
            self.show(reply)

    async def run_script(self, lines: TextIO, dispatcher: "OutboxDispatcher | None") -> None:
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.strip().lower() in ("quit", "exit", "/quit"):
                return
            self._write(f"> {_clean(line)}\n")
            await self.say(line, bare_numbers_press=False)
            if self.core is not None:  # work a command answers later (a round's preview) comes before the next line
                await self.core.background.drain()
            if dispatcher is not None:
                await dispatcher.drain()

    async def run_interactive(self, banner: str) -> None:
        self._write(_clean(banner) + "\n")
        loop = asyncio.get_running_loop()
        while True:
            self._write(self._style(BOLD, "> ") if self.colour else "> ")
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip().lower() in ("quit", "exit", "/quit"):
                self._write("\n")
                return
            if line.strip():
                await self.say(line)
