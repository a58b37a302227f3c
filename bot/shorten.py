"""Cutting a text to a length with an ellipsis, so a cut label reads as cut ("Atelier impression…")."""

from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters; a cut one ends at a word when it can, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,.;:—–-") + "…"
