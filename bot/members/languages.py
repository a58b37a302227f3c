"""The languages a member may say they speak, shared by /profile and /introductions.

Matchmaking needs two people to share a language, so both places must offer the same list: /profile
shows `NAMES` as buttons (each language named in itself, so a speaker recognises it whatever the
interface language), and typed forms (`/rencontres langues fr anglais`) read `ALIASES`, keyed by
plain ASCII words (lower case, accents removed) in French and English.
"""

from __future__ import annotations

import unicodedata

# Code -> the language's own name, in the order the buttons show them.
NAMES: dict[str, str] = {
    "fr": "Français", "en": "English", "es": "Español", "de": "Deutsch", "it": "Italiano", "pt": "Português",
    "ar": "العربية", "br": "Brezhoneg", "nl": "Nederlands", "uk": "Українська", "ru": "Русский", "zh": "中文",
}
CODES: tuple[str, ...] = tuple(NAMES)

# Typed word (plain ASCII) -> code: the code itself, then the French and English names.
ALIASES: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en", "english": "en",
    "es": "es", "espagnol": "es", "spanish": "es", "de": "de", "allemand": "de", "german": "de",
    "it": "it", "italien": "it", "italian": "it", "pt": "pt", "portugais": "pt", "portuguese": "pt",
    "ar": "ar", "arabe": "ar", "arabic": "ar", "br": "br", "breton": "br", "nl": "nl", "neerlandais": "nl",
    "dutch": "nl", "uk": "uk", "ukrainien": "uk", "ukrainian": "uk", "ru": "ru", "russe": "ru",
    "russian": "ru", "zh": "zh", "chinois": "zh", "chinese": "zh",
}


def plain(word: str) -> str:
    """A typed word as `ALIASES` keys it: accents dropped, lower case, trimmed."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower().strip()


def language_code(word: str) -> str | None:
    """The code a typed word names ("Anglais", "english", "en" -> "en"), else None."""
    return ALIASES.get(plain(word))
