"""Lists said in a sentence, in the reader's language: "A, B et C" / "A, B and C", or with "ou" /
"or" for a choice ("Tu veux dire A ou B ?"). A list shown as a list (after a colon, one per line)
keeps its commas; a list a sentence says ends with the conjunction, as a person would write it."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import Translator


def spoken_list(items: Iterable[str], t: Translator, *, choice: bool = False) -> str:
    """The items joined with commas, the last two with "et"/"and" ("ou"/"or" with `choice`)."""
    items = list(items)
    if len(items) < 2:
        return items[0] if items else ""
    return t("core.list_or" if choice else "core.list_and", a=", ".join(items[:-1]), b=items[-1])
