"""Words people type instead of pressing a button, understood the same in every flow."""

from __future__ import annotations

SKIP_WORDS = frozenset({"skip", "passer", "passe", "non", "no", "rien", "nothing", "none", "aucun", "aucune",
                        "-", "."})


def is_skip(text: str) -> bool:
    """True when the answer means "skip this step" ("passer", "rien", "skip"...)."""
    word = text.strip().lower()
    return word in SKIP_WORDS or word.rstrip("!.") in SKIP_WORDS

YES_WORDS = frozenset({"oui", "yes", "ok", "okay", "d'accord", "dac", "volontiers", "ouais", "yep", "sure", "o", "y"})


def is_yes(text: str) -> bool:
    """True when the answer means "yes" ("oui", "ok", "yes"...)."""
    word = text.strip().lower()
    return word in YES_WORDS or word.rstrip("!.") in YES_WORDS
