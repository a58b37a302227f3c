"""Text normalisation at the door, and escaping for terminals.

Whatever a platform hands us is cleaned once, in `BotCore.handle`, before any handler or query sees
it (`clean_event`):

- lone surrogates, NUL and other control characters are dropped (PostgreSQL refuses NUL in text,
  so one display name with NUL used to make every event of that person fail); newlines and tabs
  survive in typed text, not in names;
- bidi overrides, embeddings and isolates are dropped (they reorder what others read: a name could
  show as someone else's, or a bio hide a link);
- text is NFC-normalised, so "é" typed two ways is one "é" for search and comparisons;
- a name made only of invisible characters (zero-width spaces, Hangul fillers, braille blank...)
  becomes empty: the caller falls back to the handle, or refuses it (`clean_name`).

`for_terminal` is the other direction: a name printed by the CLI has its control characters
escaped, so a member called "\\x1b[2J" cannot clear the operator's screen. The CLI's `main` runs
every subcommand inside `terminal_safe_output`, so no command can forget it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
import unicodedata
from collections.abc import Iterator
from typing import TextIO, TypeVar

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Characters that draw nothing although Unicode does not class them as spaces or format characters.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e\u034f")
KEPT_CONTROLS = frozenset("\n\t")
# What `for_terminal` escapes: Unicode's Cc (C0, DEL, C1) and Cs (surrogates) categories and the bidi
# controls, as one character class (a regex scans a 20 MB dry-run document at C speed); with lines
# kept, the class leaves out newline and tab.
_BIDI = "".join(sorted(BIDI_CONTROLS))
_TO_ESCAPE = {False: re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI}]"),
              True: re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI}]")}


def _dropped(char: str, keep_lines: bool) -> bool:
    if char in BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    if category == "Cs":  # a lone surrogate: cannot be encoded, let alone stored
        return True
    if category == "Cc":
        return not (keep_lines and char in KEPT_CONTROLS)
    return False


def clean_text(text: str, *, keep_lines: bool = True) -> str:
    """`text` without NUL, control characters (newlines and tabs kept if `keep_lines`), lone
    surrogates or bidi controls, NFC-normalised."""
    if text.isascii() and text.isprintable():  # the common case, at no cost
        return text
    kept = "".join(char for char in text if not _dropped(char, keep_lines))
    return unicodedata.normalize("NFC", kept)


def is_invisible(char: str) -> bool:
    return char in INVISIBLE or char.isspace() or unicodedata.category(char) in ("Cf", "Mn", "Me", "Zs")


def clean_name(text: str) -> str:
    """A name on one line, spaces collapsed; "" when nothing in it would show."""
    name = " ".join(clean_text(text, keep_lines=False).split())
    return "" if all(is_invisible(char) for char in name) else name


def clean_event(event: E) -> E:
    """The same event with every text field cleaned (names with `clean_name`, typed text kept multi-line)."""
    changes: dict[str, object] = {}
    user = getattr(event, "user", None)
    if user is not None:
        name = clean_name(user.display_name or "")
        handle = clean_name(user.handle) if user.handle else user.handle
        changes["user"] = dataclasses.replace(user, display_name=name or handle or "", handle=handle or None)
    chat = getattr(event, "chat", None)
    if chat is not None and chat.title:
        changes["chat"] = dataclasses.replace(chat, title=clean_name(chat.title))
    for field in ("args", "text", "payload", "command", "action"):
        value = getattr(event, field, None)
        if isinstance(value, str):
            changes[field] = clean_text(value)
    return dataclasses.replace(event, **changes) if changes else event  # type: ignore[type-var]


def for_terminal(text: object, *, keep_lines: bool = False) -> str:
    """`text` safe to print on an operator's terminal: control and bidi characters shown escaped
    (newlines and tabs kept if `keep_lines`)."""
    value = str(text)
    if value.isascii() and value.isprintable():
        return value
    return _TO_ESCAPE[keep_lines].sub(_escaped, value)


def _escaped(found: re.Match) -> str:
    return found.group().encode("unicode_escape", "backslashreplace").decode("ascii")


class TerminalSafe:
    """A text stream that writes everything through `for_terminal` (lines kept)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def unfiltered(self) -> TextIO:
        """The stream underneath, for a writer that cleans what it did not write itself (the console
        chat, whose colours are its own escape codes)."""
        return self._stream

    def write(self, text: str) -> int:
        self._stream.write(for_terminal(text, keep_lines=True))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """Within it, whatever is printed to stdout and stderr cannot drive the terminal (the CLI's `main`)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def name_key(name: str) -> str:
    """A name as people compare names: accents and case aside, spaces collapsed ("Léna  François" and
    "lena francois" are one name). Letters without accents of other scripts are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())
