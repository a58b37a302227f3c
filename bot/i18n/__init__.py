"""French and English message catalogues.

Messages live in TOML files, `bot/i18n/<locale>/<area>.toml`, one file per feature area, and are
addressed by dotted keys (`help.title`). A message may have plural forms as a table with `one` and
`other`, chosen by the `count` parameter. In French, "de {venue}" and "à {venue}" contract with a
name that starts with Le / Les ("du Hangar", "aux Ateliers"). A test checks that both languages have the same keys and
the same placeholders.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
HERE = Path(__file__).parent
_FORMATTER = string.Formatter()


def normalize_locale(code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a platform language code ("en-GB", "fr", "de") to a supported locale."""
    if not code:
        return default
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else default


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, Any], source: Path) -> None:
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not set(value) <= {"one", "other"}:
            _flatten(value, dotted, out, source)
        else:
            if dotted in out:
                raise ValueError(f"{source}: message key {dotted!r} defined twice")
            out[dotted] = value


@lru_cache(maxsize=None)
def catalogue(locale: str) -> dict[str, Any]:
    """Every message of one locale, flattened to dotted keys."""
    messages: dict[str, Any] = {}
    for path in sorted((HERE / locale).glob("*.toml")):
        area = path.stem
        with path.open("rb") as file:
            _flatten(tomllib.load(file), area, messages, path)
    return messages


def placeholders(message: Any) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for text in texts for _, name, _, _ in _FORMATTER.parse(text) if name}


def _plural(locale: str, count: int) -> str:
    # French treats 0 and 1 as singular; English only 1.
    if locale == "fr":
        return "one" if abs(count) < 2 else "other"
    return "one" if count == 1 else "other"


def translate(locale: str, key: str, **params: Any) -> str:
    """The message `key` in `locale`, formatted with `params`; falls back to French, then the key."""
    message = catalogue(locale).get(key)
    if message is None:
        message = catalogue(DEFAULT_LOCALE).get(key)
        log.error("missing message %r for locale %s", key, locale)
        if message is None:
            return key
    if isinstance(message, dict):
        message = message.get(_plural(locale, int(params.get("count", 0))), message.get("other", key))
    if locale == "fr" and params:
        message, params = _contracted(message, params)
    try:
        return message.format(**params) if params else message
    except (KeyError, IndexError, ValueError):
        log.exception("cannot format message %r (%s) with %r", key, locale, sorted(params))
        return message


# "de Le Hangar" is written "du Hangar" in French, "à Les Ateliers" "aux Ateliers": a name that
# starts with the article Le / Les contracts with de / à put before its placeholder in a message.
_BEFORE_NAME = re.compile(r"\b(de|à) \{(\w+)\}")
_CONTRACTIONS = {("de", "Le"): "du", ("de", "Les"): "des", ("à", "Le"): "au", ("à", "Les"): "aux"}


def _contracted(message: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The French message with "de {venue}" made "du {venue:without Le}" where the name asks it."""
    params = dict(params)

    def contract(match: re.Match) -> str:
        word, name = match.groups()
        value = params.get(name)
        article, _, rest = value.partition(" ") if isinstance(value, str) else ("", "", "")
        short = _CONTRACTIONS.get((word, article))
        if short is None or not rest[:1].isupper():  # "Le Hangar", not "Le" alone or "Les 3 moulins"
            return match.group(0)
        params[f"{name}__contracted"] = rest
        return f"{short} {{{name}__contracted}}"

    return _BEFORE_NAME.sub(contract, message), params


def day_of_month(day: int, locale: str) -> str:
    """The day of a date as it is written: "1er" in French for the first of a month ("1er septembre")."""
    return f"{day}er" if day == 1 and normalize_locale(locale) == "fr" else str(day)


class Translator:
    """`t("key", name=...)` bound to one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = normalize_locale(locale)

    def __call__(self, key: str, **params: Any) -> str:
        return translate(self.locale, key, **params)
