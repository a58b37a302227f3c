"""Words people type instead of pressing a button, understood the same in every flow."""

from __future__ import annotations

SKIP_WORDS = frozenset({"skip", "passer", "passe", "non", "no", "rien", "nothing", "none", "aucun", "aucune",
                        "-", "."})


def is_skip(text: str) -> bool:
    """True when the answer means "skip this step" ("passer", "rien", "skip"...)."""
    word = text.strip().lower()
    return word in SKIP_WORDS or word.rstrip("!.") in SKIP_WORDS
