"""The report as a document: sections of figures and tables, each against the previous period,
small counts suppressed. Every renderer (HTML, CSV, JSON, the chat summary) reads this one dict:

    {"network", "locale", "generated_at", "min_count", "venue", "period", "previous", "since",
     "compared", "small", "small_note",
     "sections": [{"id", "title", "figures": [row], "tables": [table], "note", "graph"}]}

"since" is the network's first day (ISO), "compared" False when the previous period ends before it:
its cells then read "—" and no change is shown (a network cannot grow from before it existed).

A row is `{"label", "cells": [{"current", "previous", "change"}]}` (see cells.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.i18n import Translator
from bot.report import sections
from bot.report.cells import Builder
from bot.report.days import Period
from bot.report.figures import Totals
from bot.report.venues import VenueInfo
from storage.models.report import NETWORK


def build(t: Translator, *, network: str, infos: Sequence[VenueInfo], period: Period, current: Totals,
          previous: Totals, min_count: int, venue: VenueInfo | None = None, skill_labels: dict[str, str],
          generated_at: str, since: date | None = None) -> dict[str, Any]:
    """The whole report document (see the module docstring for its shape)."""
    compared = since is None or period.previous().last >= since
    b = Builder(t, min_count, current, previous, venue.id if venue else NETWORK, compare=compared)
    members_now = current.stock("members.total", b.venue)
    small = members_now < min_count
    document: dict[str, Any] = {
        "network": network, "locale": t.locale, "generated_at": generated_at, "min_count": min_count,
        "venue": {"slug": venue.slug, "name": venue.name} if venue else None,
        "period": period.as_dict(), "previous": period.previous().as_dict(),
        "since": since.isoformat() if since else None, "compared": compared, "small": small,
        "small_note": t("report.small_venue" if venue else "report.small_network", n=min_count) if small else None,
        "sections": [],
    }
    context = sections.Context(b, infos, skill_labels, venue, small, period)
    document["sections"] = [maker(context) for maker in sections.ALL]
    return document
