"""Tokeniser for the date parser: normalised text in, a flat list of typed tokens out.

Clock times and numeric dates are recognised here as whole tokens ("18h30", "6:30 pm", "12/12/2026",
"2026-12-12") because their shape is unambiguous; bare numbers stay numbers and get their meaning
from their neighbours in `bot.timeparse.parser` ("7" is a day in "7 décembre" and an hour in "à 7").
Anything the tokeniser does not know becomes an `unknown` token, which makes the whole text
unparsable: the parser refuses rather than guesses around words it cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.timeparse.lexicon import Lang, Word, lookup

TokKind = Literal["iso", "dmy", "time", "num", "word", "unknown"]
# How a clock time was written; it decides how sure we are about morning or evening.
TimeStyle = Literal["ampm", "h", "colon", "bare", "noon"]


@dataclass(frozen=True)
class Clock:
    """A clock time as written, before any morning/evening adjustment."""

    hour: int
    minute: int
    second: int
    style: TimeStyle
    meridiem: str | None = None  # "am" / "pm" when written
    zero_padded: bool = False  # "07:30" is clearly morning; "7:30" may not be


@dataclass(frozen=True)
class Token:
    kind: TokKind
    text: str
    # iso: (y, m, d); dmy: (a, b, year-or-None); num: int; time: Clock; word: Word
    value: object = None
    ordinal: bool = False  # "1er", "3rd": a number that can only be a day of the month
    lang: Lang = None


_TOKEN_RE = re.compile(
    r"""
    (?P<iso>\d{4}-\d{1,2}-\d{1,2})(?:t(?=\d))?
    | (?P<ampm>(?P<ah>\d{1,2})(?:[:.h](?P<am>\d{2}))?\s*(?P<mer>am|pm))\b
    | (?P<hm>(?P<hh>\d{1,2})\s*h(?:eures?)?(?:\s*(?P<hmin>\d{2}))?)(?![a-z\d])
    | (?P<colon>(?P<ch>\d{1,2}):(?P<cm>\d{2})(?::(?P<cs>\d{2}))?)\b
    | (?P<dmy>(?P<d1>\d{1,2})(?P<sep>[/.-])(?P<d2>\d{1,2})(?:(?P=sep)(?P<d3>\d{4}|\d{2}))?)\b
    | (?P<num>\d+)(?P<ord>er|re|e|eme|st|nd|rd|th)?\b
    | (?P<word>[a-z]+)
    | (?P<skip>[\s,.;!?'()\-/]+)
    | (?P<other>.)
    """,
    re.VERBOSE,
)


def tokenise(normalised: str) -> list[Token]:
    """Split normalised text (see `bot.timeparse.lexicon.normalise`) into tokens."""
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(normalised):
        text = m.group(0)
        if m.group("iso"):
            y, mo, d = (int(p) for p in m.group("iso").split("-"))
            tokens.append(Token("iso", text, (y, mo, d)))
        elif m.group("ampm"):
            clock = Clock(int(m.group("ah")), int(m.group("am") or 0), 0, "ampm",
                          meridiem=m.group("mer"))
            tokens.append(Token("time", text, clock, lang="en"))
        elif m.group("hm"):
            clock = Clock(int(m.group("hh")), int(m.group("hmin") or 0), 0, "h")
            tokens.append(Token("time", text, clock))
        elif m.group("colon"):
            hour_text = m.group("ch")
            clock = Clock(int(hour_text), int(m.group("cm")), int(m.group("cs") or 0), "colon",
                          zero_padded=len(hour_text) == 2)
            tokens.append(Token("time", text, clock))
        elif m.group("dmy"):
            year = m.group("d3")
            value = (int(m.group("d1")), int(m.group("d2")), int(year) if year else None)
            tokens.append(Token("dmy", text, value))
        elif m.group("num"):
            tokens.append(Token("num", text, int(m.group("num")), ordinal=bool(m.group("ord"))))
        elif m.group("word"):
            word: Word | None = lookup(m.group("word"))
            if word is None:
                tokens.append(Token("unknown", text))
            else:
                tokens.append(Token("word", text, word, lang=word.lang))
        elif m.group("other"):
            tokens.append(Token("unknown", text))
    return tokens
