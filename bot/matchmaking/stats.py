"""Matchmaking figures for animators: per round and over the last quarter.

- coverage: members introduced / members due; cross-venue and need<->offer shares of introductions;
  repeat pairs (introduced again inside the repeat window, as a last resort);
- acceptance rate: introductions revealed / introductions decided (revealed, declined or expired);
- met rate: "yes, we met" / follow-up answers;
- messages per member per month: matchmaking messages (proposals, reveals, neutral lines,
  follow-ups, pause notices) per member who got any, per 30 days of the period — a period shorter
  than a month counts as one month (one round with one message each is 1, not 30);
- venue x venue counts of introductions, for the heatmap;
- feedback after "we met" (`feedback.summary`): met, would meet again %, notes (listed for
  animators only, with their writer's name, never the partner's), and "I can't make it" presses.
Everything else reads anonymous columns (flags, venues, outcomes), so it survives /forget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.matchmaking.feedback import Summary
from bot.matchmaking.wording import number
from storage.models import OutboxMessage, Venue
from storage.models.matchmaking import (
    DECLINED, EXPIRED, REVEALED, Introduction, IntroductionMember, MatchRound,
)

QUARTER = timedelta(days=91)
DECIDED = (REVEALED, DECLINED, EXPIRED)


@dataclass
class Figures:
    rounds: int = 0
    due: int = 0
    matched: int = 0
    introductions: int = 0
    cross_venue: int = 0
    need_offer: int = 0
    repeats: int = 0
    decided: int = 0
    revealed: int = 0
    met_answers: int = 0
    met_yes: int = 0
    messages_per_member_month: float = 0.0
    venue_pairs: Counter = field(default_factory=Counter)

    def rate(self, part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds, "due": self.due, "matched": self.matched, "introductions": self.introductions,
            "coverage": self.rate(self.matched, self.due),
            "cross_venue_share": self.rate(self.cross_venue, self.introductions),
            "need_offer_share": self.rate(self.need_offer, self.introductions),
            "repeat_pairs": self.repeats,
            "acceptance_rate": self.rate(self.revealed, self.decided),
            "met_rate": self.rate(self.met_yes, self.met_answers),
            "messages_per_member_month": round(self.messages_per_member_month, 2),
        }


async def _figures(session: AsyncSession, round_ids: list[int]) -> Figures:
    figures = Figures(rounds=len(round_ids))
    if not round_ids:
        return figures
    for stats in (await session.execute(select(MatchRound.stats).where(MatchRound.id.in_(round_ids)))).scalars():
        figures.due += int(stats.get("due", stats.get("candidates", 0)))
    intros = list((await session.execute(select(Introduction).where(Introduction.round_id.in_(round_ids)))).scalars())
    figures.introductions = len(intros)
    figures.cross_venue = sum(i.cross_venue for i in intros)
    figures.need_offer = sum(i.need_offer for i in intros)
    figures.repeats = sum(i.repeat for i in intros)
    figures.decided = sum(i.status in DECIDED for i in intros)
    figures.revealed = sum(i.status == REVEALED for i in intros)
    ids = [i.id for i in intros]
    if ids:
        slots = list((await session.execute(select(IntroductionMember)
                                            .where(IntroductionMember.introduction_id.in_(ids)))).scalars())
        figures.matched = len(slots)
        figures.met_answers = sum(s.met is not None for s in slots)
        figures.met_yes = sum(s.met == "yes" for s in slots)
        by_intro: dict[int, list[int | None]] = {}
        for slot in slots:
            by_intro.setdefault(slot.introduction_id, []).append(slot.venue_id)
        for venues in by_intro.values():
            for a in range(len(venues)):
                for b in range(a + 1, len(venues)):
                    if venues[a] is not None and venues[b] is not None:
                        figures.venue_pairs[tuple(sorted((venues[a], venues[b])))] += 1
    return figures


async def _messages_per_member_month(session: AsyncSession, since: datetime, now: datetime) -> float:
    """Matchmaking messages per member who got any, per 30 days. A window shorter than 30 days is
    not scaled up (one round with one message each is 1.0, not 30.0 the day after)."""
    row = (await session.execute(
        select(func.count(), func.count(func.distinct(OutboxMessage.member_id)))
        .where(OutboxMessage.purpose.like("mm.%"), OutboxMessage.created_at >= since,
               OutboxMessage.status.notin_(("cancelled",))))).one()
    messages, members = int(row[0]), int(row[1])
    months = max((now - since) / timedelta(days=30), 1.0)
    return messages / members / months if members else 0.0


async def quarter(session: AsyncSession, now: datetime) -> tuple[list[tuple[str, Figures]], Figures]:
    """Figures of each round of the last quarter (newest first), and of the quarter as a whole."""
    since = now - QUARTER
    rounds = list((await session.execute(select(MatchRound.id, MatchRound.period)
                                         .where(MatchRound.run_at >= since, MatchRound.run_at <= now)
                                         .order_by(MatchRound.period.desc()))).all())
    per_round = [(period, await _figures(session, [round_id])) for round_id, period in rounds]
    total = await _figures(session, [round_id for round_id, _ in rounds])
    first = min((r.run_at for r in (await session.execute(select(MatchRound).where(
        MatchRound.id.in_([rid for rid, _ in rounds])))).scalars()), default=since)
    total.messages_per_member_month = await _messages_per_member_month(session, max(since, first), now)
    return per_round, total


async def venue_labels(session: AsyncSession) -> dict[int, str]:
    """Venue id -> name, in name order: the heatmap is read by people, not by scripts."""
    return dict((await session.execute(select(Venue.id, Venue.name).order_by(Venue.name, Venue.id))).all())


def text_lines(per_round: list[tuple[str, Figures]], total: Figures, t: Translator,
               name_of: Callable[[str], str], shown: int = 6, feedback: Summary | None = None,
               timezone: str = "Europe/Paris") -> list[str]:
    """The figures as sentences in the reader's language (chat and `maillage match stats`)."""
    figures = total.as_dict()
    lines = [t("matchmaking.admin.stats_quarter", rounds=t("matchmaking.admin.rounds", count=total.rounds),
               introductions=t("matchmaking.admin.introductions", count=total.introductions),
               coverage=round(100 * figures["coverage"]), cross=round(100 * figures["cross_venue_share"]),
               need=round(100 * figures["need_offer_share"]), repeats=total.repeats,
               accepted=round(100 * figures["acceptance_rate"]), met=round(100 * figures["met_rate"]),
               messages=number(figures["messages_per_member_month"], t))]
    for period, round_figures in per_round[:shown]:
        f = round_figures.as_dict()
        lines.append(t("matchmaking.admin.stats_round", round=name_of(period), count=round_figures.introductions,
                       coverage=round(100 * f["coverage"]), cross=round(100 * f["cross_venue_share"]),
                       accepted=round(100 * f["acceptance_rate"])))
    if not per_round:
        lines.append(t("matchmaking.admin.no_rounds"))
    if feedback is not None:
        lines.extend(feedback_lines(feedback, t, timezone))
    return lines


def feedback_lines(feedback: Summary, t: Translator, timezone: str) -> list[str]:
    """What members said after meeting: counts, then the latest notes (animators only)."""
    from zoneinfo import ZoneInfo

    def counted(key: str, count: int) -> str:
        return t(f"matchmaking.feedback.stats_{key}", count=count)

    lines = [t("matchmaking.feedback.stats", met=counted("met", feedback.met), again=round(100 * feedback.again_rate),
               answers=counted("answers", feedback.again_answers), notes=counted("notes", feedback.notes),
               cant=feedback.called_off, one_offs=counted("one_offs", feedback.one_offs))]
    zone = ZoneInfo(timezone)
    for note in feedback.latest:
        lines.append(t("matchmaking.feedback.stats_note", date=note.at.astimezone(zone).strftime("%d/%m"),
                       writer=note.writer, text=note.text))
    return lines


def as_document(per_round: list[tuple[str, Figures]], total: Figures,
                feedback: Summary | None = None) -> dict[str, Any]:
    document = {"quarter": total.as_dict(), "rounds": [{"period": p, **f.as_dict()} for p, f in per_round]}
    if feedback is not None:
        document["feedback"] = feedback.as_dict()
    return document
