"""Text normalisation shared by the taxonomy checks and the resolver.

Two strings that a member would consider "the same words" must normalise to the same key:
case, accents, ligatures, punctuation, extra spaces, French/English stop words and word order
do not count. The taxonomy validator uses the same key, so "no synonym claimed by two skills"
means exactly "no text the resolver would treat as an exact match for two skills".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["STOP_WORDS", "lang_of", "normalize", "sort_key", "tokens"]

# Articles and prepositions that carry no skill meaning ("cours d'anglais" == "anglais cours").
# Kept deliberately short: "it", "ia", "c", "r", "go" are meaningful in skill names.
STOP_WORDS = frozenset(
    "le la les l un une des de du d et en a au aux pour par avec sur dans ou "
    "the an of and for in on to with or".split()
)

# Letters that NFKD does not decompose into base letter + combining mark.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "’": "'"})

# Programming names whose meaning lives in punctuation that the next step removes.
_SYMBOLS = (
    (re.compile(r"c\+\+"), " cpp "),
    (re.compile(r"(?<![a-z0-9])c#"), " csharp "),
    (re.compile(r"(?<![a-z0-9])f#"), " fsharp "),
    (re.compile(r"(?<![a-z0-9])\.net\b"), " dotnet "),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# "3 D" is a split "3D": glue a lone digit to a following lone "d".
_SPLIT_3D = re.compile(r"\b(\d) d\b")


def _fold(text: str) -> str:
    """Casefold, expand ligatures and drop accents."""
    text = text.casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The meaningful words of ``text``, in order: folded, unpunctuated, without stop words."""
    folded = _fold(text)
    for pattern, replacement in _SYMBOLS:
        folded = pattern.sub(replacement, folded)
    spaced = _SPLIT_3D.sub(r"\1d", _NON_WORD.sub(" ", folded))
    return [word for word in spaced.split() if word not in STOP_WORDS]


def normalize(text: str) -> str:
    """Folded words joined by single spaces, original order kept (for prefix matching)."""
    return " ".join(tokens(text))


def sort_key(text: str) -> str:
    """Folded words in alphabetical order: equal keys mean "the same words in any order"."""
    return " ".join(sorted(tokens(text)))


def lang_of(locale: str | None) -> str:
    """Map a platform language code ("en-GB", "fr", None) to "en" or "fr" (French first)."""
    return "en" if locale and locale.casefold().startswith("en") else "fr"
