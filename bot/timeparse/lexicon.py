"""Words the date parser knows, in French and English, and the text normalisation around them.

Hosts type fast on phones: accents get dropped ("apres-demain"), caps stay on ("JEUDI"), apostrophes
come curly or straight, "p.m." arrives with dots. `normalise` folds all of that into one plain
lower-case ASCII form, and joins a few multi-word expressions into single words so the tokeniser in
`bot.timeparse.parser` only ever deals with single words. `lookup` maps a word to what it means, forgiving
small typos with rapidfuzz (indel ratio >= 85: a missing or extra letter from five letters up,
"tomorow", "jeudii"; a wrong or swapped letter from seven up, "mercerdi"), but never in words under
five letters, where a typo is as likely to be another word.

Deliberate omission: "mar" is March, never mardi (an English "Mar 12" is common; a French host
writes "mardi" in full or "mar." rarely enough that guessing wrong would be worse).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

Lang = Literal["fr", "en"] | None
Kind = Literal["weekday", "month", "rel", "period", "noon", "midnight", "next", "filler", "at"]

_FUZZY_MIN_LEN = 5  # shorter words: a typo is too likely to be another word
_FUZZY_CUTOFF = 85  # about one edit in a 7-letter word


@dataclass(frozen=True)
class Word:
    """What a known word means: its kind, a value (weekday 0-6, month 1-12, day offset, am/pm)."""

    kind: Kind
    value: int | str | None = None
    lang: Lang = None  # None: shared by both languages (or language-neutral)


# Full names, plain (see `normalise`), Monday and January first: shared with bot.venues.hours_reading.
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FR_MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
             "novembre", "decembre")
EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december")


def _table() -> dict[str, Word]:
    words: dict[str, Word] = {}
    for i, name in enumerate(FR_DAYS):
        words[name] = Word("weekday", i, "fr")
    for i, name in enumerate(EN_DAYS):
        words[name] = Word("weekday", i, "en")
    for abbr, i in {"lun": 0, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}.items():
        words[abbr] = Word("weekday", i, "fr")
    en_abbr = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3,
               "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
    for abbr, i in en_abbr.items():
        words[abbr] = Word("weekday", i, "en")

    for i, name in enumerate(FR_MONTHS, start=1):
        words[name] = Word("month", i, "fr")
    for i, name in enumerate(EN_MONTHS, start=1):
        words[name] = Word("month", i, "en")
    shared_abbr = {"jan": 1, "janv": 1, "fev": 2, "fevr": 2, "feb": 2, "mar": 3, "avr": 4,
                   "apr": 4, "jun": 6, "juil": 7, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                   "oct": 10, "nov": 11, "dec": 12}
    for abbr, i in shared_abbr.items():
        words[abbr] = Word("month", i)

    words.update({
        "today": Word("rel", 0),  # "aujourd'hui" is folded into "today" by normalise()
        "auj": Word("rel", 0, "fr"),
        "demain": Word("rel", 1, "fr"),
        "tomorrow": Word("rel", 1, "en"),
        "tmrw": Word("rel", 1, "en"),
        "apresdemain": Word("rel", 2, "fr"),  # also "the day after tomorrow", see normalise()
        "soir": Word("period", "pm", "fr"),
        "soiree": Word("period", "pm", "fr"),
        "evening": Word("period", "pm", "en"),
        "tonight": Word("period", "pm", "en"),
        "afternoon": Word("period", "pm"),  # "après-midi" is folded into "afternoon"
        "matin": Word("period", "am", "fr"),
        "matinee": Word("period", "am", "fr"),
        "morning": Word("period", "am", "en"),
        "midi": Word("noon", None, "fr"),
        "noon": Word("noon", None, "en"),
        "minuit": Word("midnight", None, "fr"),
        "midnight": Word("midnight", None, "en"),
        "prochain": Word("next", None, "fr"),
        "prochaine": Word("next", None, "fr"),
        "next": Word("next", None, "en"),
        # Words after which a bare number is an hour ("à 9", "at 9", "vers 18").
        "a": Word("at", None, "fr"),
        "at": Word("at", None, "en"),
        "vers": Word("at", None, "fr"),
        "around": Word("at", None, "en"),
    })
    for filler, lang in [("le", "fr"), ("la", "fr"), ("l", "fr"), ("ce", "fr"), ("cet", "fr"),
                         ("cette", "fr"), ("du", "fr"), ("de", "fr"), ("d", "fr"), ("en", "fr"),
                         ("the", "en"), ("on", "en"), ("this", "en"), ("of", "en"),
                         ("in", "en"), ("jusqu", "fr"), ("until", "en"), ("till", "en")]:
        words[filler] = Word("filler", filler, lang)
    return words


WORDS: dict[str, Word] = _table()
_FUZZY_CHOICES = [w for w in WORDS if len(w) >= _FUZZY_MIN_LEN]

# Multi-word expressions joined into one word, applied in order on the accent-free text.
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), repl)
    for pattern, repl in [
        (r"\baujourd\s*'?\s*hui\b", "today"),
        (r"\bapres[\s-]*demain\b", "apresdemain"),
        (r"\b(?:the\s+)?day\s+after\s+tomorrow\b", "apresdemain"),
        (r"\bapres[\s-]*midi\b", "afternoon"),
        (r"\bmid-?day\b", "noon"),
        (r"\b([ap])\.\s?m\.?", r"\1m"),  # "6 p.m." -> "6 pm"
        (r"\b(\d{1,2})\s*o\s*'?\s*clock\b", r"at \1"),  # "9 o'clock" is a bare hour
    ]
]


def normalise(text: str) -> str:
    """Lower-case, accent-free, one-space text with multi-word expressions joined."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").lower()
    plain = " ".join(plain.split())
    for pattern, repl in _PHRASES:
        plain = pattern.sub(repl, plain)
    return plain


def lookup(word: str) -> Word | None:
    """The meaning of a normalised word, forgiving one typo in words of five letters or more."""
    found = WORDS.get(word)
    if found is not None or len(word) < _FUZZY_MIN_LEN:
        return found
    best = process.extractOne(word, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return WORDS[best[0]] if best else None
