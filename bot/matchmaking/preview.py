"""The dry-run of a round, as the exact JSON document of `maillage match --dry-run --format json` and
as text for the CLI and `/matchmaking preview`.

Schema (nothing more, nothing less):
    {"period": str, "candidates": int,
     "introductions": [{"members": [{"id": int, "name": str, "venue": slug}], "score": float,
                        "reasons": [str],
                        "meet": null | {"mode": "in_person" | "video", "venue": slug | null,
                                        "event": null | {"id": int, "title": str, "starts_at": ISO},
                                        "km": [float | null per member]}}],
     "unmatched": [{"id": int, "name": str, "reason": str}],
     "stats": {...}}
`candidates` counts every member due (including those left out for lack of attention budget);
introduction reasons are sentences in the chosen language; an unmatched `reason` is a stable code
(`alone`, `no_common_language`, `all_blocked`, `weak_best_match`, `recent_partners_only`,
`odd_one_out`, `budget`), which `unmatched_text` phrases for people.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.matchmaking import render
from bot.matchmaking.batch_write import names_for
from bot.matchmaking.run import Prepared, round_stats
from storage.models import Venue


async def document(session: AsyncSession, prepared: Prepared, t: Translator) -> dict[str, Any]:
    plan = prepared.plan
    if plan is None:
        return {"period": "", "candidates": 0, "introductions": [], "unmatched": [], "stats": {}}
    pool = prepared.pool
    stored = [render.as_stored(intro.reasons) for intro in plan.introductions]
    names = await names_for(session, plan, pool)  # member names from the pool: no id list as parameters
    introductions = [{
        "members": [{"id": m, "name": pool.names.get(m, ""), "venue": pool.venue_slugs.get(m)} for m in intro.members],
        "score": round(float(intro.score), 3),
        "reasons": render.reason_texts(reasons, names, t),
        "meet": render.place_json(prepared.places.get(intro.members), names),
    } for intro, reasons in zip(plan.introductions, stored)]
    unmatched = [{"id": u.member_id, "name": pool.names.get(u.member_id, ""), "reason": u.reason.value}
                 for u in plan.unmatched]
    unmatched += [{"id": m, "name": pool.names.get(m, ""), "reason": reason} for m, reason in pool.excluded]
    return {"period": prepared.period or "", "candidates": pool.size, "introductions": introductions,
            "unmatched": unmatched, "stats": round_stats(prepared)}


def unmatched_text(reason: str, t: Translator) -> str:
    return t(f"matchmaking.unmatched.{reason}") if reason in UNMATCHED_CODES else reason


UNMATCHED_CODES = ("alone", "no_common_language", "all_blocked", "weak_best_match", "recent_partners_only",
                   "odd_one_out", "budget")
NAMES_SHOWN = 5  # names per reason in the chat summary of who is left out


async def venue_names(session: AsyncSession) -> dict[str, str]:
    """Venue slug -> name: the document carries slugs (stable ids), people read names."""
    return dict((await session.execute(select(Venue.slug, Venue.name))).all())


def _people(members: list[dict[str, Any]], venues: dict[str, str], t: Translator) -> str:
    parts = [t("matchmaking.who", name=m["name"],
               venue=venues.get(m["venue"], m["venue"]) if m["venue"] else t("matchmaking.no_venue"))
             for m in members]
    return parts[0] if len(parts) == 1 else t("matchmaking.and", a=", ".join(parts[:-1]), b=parts[-1])


def _meet_text(meet: dict[str, Any] | None, venues: dict[str, str], t: Translator) -> str | None:
    """Where the pair could meet, for animators: "by video", or the venue (and its event)."""
    if not meet:
        return None
    if meet["mode"] == "video":
        return t("matchmaking.meet.preview_video")
    if not meet["venue"]:
        return None
    venue = venues.get(meet["venue"], meet["venue"])
    if meet["event"]:
        return t("matchmaking.meet.preview_event", venue=venue, event=meet["event"]["title"])
    return t("matchmaking.meet.preview_place", venue=venue)


def _names(names: list[str], t: Translator) -> str:
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    return t("matchmaking.preview.names_more", names=", ".join(names[:NAMES_SHOWN]), count=len(names) - NAMES_SHOWN)


def as_text(doc: dict[str, Any], t: Translator, *, already: bool = False, limit: int | None = None,
            name: str | None = None, venues: dict[str, str] | None = None) -> str:
    """The preview for people: figures, each introduction with its reasons, then who is left out and why.

    `name` calls the round (default: its period id, as the CLI shows it); `venues` maps slugs to names.
    With a `limit` (the chat), introductions past it are counted, and the people left out are
    summarised by reason; without one (the CLI), everyone is listed.
    """
    venues = venues or {}
    stats = doc["stats"]
    called = name or t("matchmaking.period_name", period=doc["period"])
    lines = [t("matchmaking.preview.head", round=called, candidates=doc["candidates"],
               count=len(doc["introductions"]), coverage=round(100 * stats.get("coverage", 0)),
               cross=round(100 * stats.get("cross_venue_share", 0)), need=round(100 * stats.get("need_offer_share", 0)))]
    if already:
        lines.append(t("matchmaking.preview.already", round=called))
    shown = doc["introductions"] if limit is None else doc["introductions"][:limit]
    for intro in shown:
        lines.append(t("matchmaking.preview.pair", people=_people(intro["members"], venues, t)))
        lines += [f"   {reason}" for reason in intro["reasons"]]
        if meet := _meet_text(intro.get("meet"), venues, t):
            lines.append(f"   {meet}")
    if limit is not None and len(doc["introductions"]) > limit:
        lines.append(t("matchmaking.preview.more", count=len(doc["introductions"]) - limit))
    if doc["unmatched"]:
        lines.append(t("matchmaking.preview.unmatched", count=len(doc["unmatched"])))
        if limit is None:
            lines += [t("matchmaking.preview.person", name=u["name"], reason=unmatched_text(u["reason"], t))
                      for u in doc["unmatched"]]
        else:
            by_reason: dict[str, list[str]] = {}
            for u in doc["unmatched"]:
                by_reason.setdefault(u["reason"], []).append(u["name"])
            for reason, names in sorted(by_reason.items(), key=lambda item: -len(item[1])):
                group = (t(f"matchmaking.left_out.{reason}", count=len(names)) if reason in UNMATCHED_CODES
                         else f"{reason} ({len(names)})")
                lines.append(t("matchmaking.preview.group", reason=group, names=_names(names, t)))
    if not doc["introductions"] and not doc["unmatched"]:
        lines.append(t("matchmaking.preview.nobody"))
    return "\n".join(lines)
