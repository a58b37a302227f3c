"""The animators' round commands, finished after the command has answered (see bot.background).

`/matchmaking preview`, `/matchmaking run` (its headcount) and the confirming press plan a round:
seconds of work on a large network. The handler answers at once and starts one of these; each plans
as the scheduled round does — `run.prepare` in a read-only session (a WAL snapshot on SQLite, the
solver in a worker thread), the run through `run.run_round` itself (one short write transaction,
once per period) — and sends its result to the animator through the outbox, in their language.
A failure is logged and the animator told that nothing was sent.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.config import Config
from bot.i18n import Translator
from bot.matchmaking import preview
from bot.matchmaking.run import prepare, run_round
from bot.matchmaking.wording import round_name
from bot.types import Button, Reply
from storage.db import Database
from storage.outbox import enqueue

log = logging.getLogger(__name__)

PURPOSE = "mm.admin"


@dataclass(frozen=True)
class Animator:
    """Who asked, where the answer goes, and in which language."""

    platform: str
    user_id: str
    member_id: int | None
    locale: str


async def _send(db: Database, to: Animator, reply: Reply, now: datetime) -> bool:
    async with db.session() as session:
        # A fresh key per answer: every request gets its own (nothing here is retried by key).
        return await enqueue(session, key=f"{PURPOSE}:{uuid.uuid4().hex}", platform=to.platform, reply=reply,
                             user_id=to.user_id, member_id=to.member_id, purpose=PURPOSE, now=now)


async def _guarded(db: Database, to: Animator, now: datetime, name: str, work) -> bool:
    try:
        reply = await work(Translator(to.locale))
    except Exception:
        log.exception("the %s asked from the chat failed", name)
        reply = Reply(Translator(to.locale)("matchmaking.later.failed", round=name), private=True)
    return await _send(db, to, reply, now)


async def send_preview(db: Database, config: Config, to: Animator, at: datetime, now: datetime, name: str,
                       limit: int) -> bool:
    """The preview of the round due at `at`, planned in a snapshot, sent to the animator."""

    async def work(t: Translator) -> Reply:
        async with db.read_session() as session:
            prepared = await prepare(session, config, at)
            document = await preview.document(session, prepared, t)
            venues = await preview.venue_names(session)
        title = round_name(prepared.period, t, prepared.fire_time, config.network.timezone)
        return Reply(preview.as_text(document, t, limit=limit, name=title, venues=venues),
                     title=t("matchmaking.admin.preview_title", round=title), private=True)

    return await _guarded(db, to, now, name, work)


async def send_confirmation(db: Database, config: Config, to: Animator, now: datetime, name: str,
                            confirm: str) -> bool:
    """How many introductions and messages a run would send now, with yes/no (`confirm` + period)."""

    async def work(t: Translator) -> Reply:
        async with db.read_session() as session:
            prepared = await prepare(session, config, now, plan_if_done=False)
        if prepared.period is None:
            return Reply(t("matchmaking.admin.not_due"), private=True)
        title = round_name(prepared.period, t, prepared.fire_time, config.network.timezone)
        if prepared.already is not None or prepared.plan is None:
            return Reply(t("matchmaking.admin.already", round=title), private=True)
        count = len(prepared.plan.introductions)
        messages = sum(len(intro.members) for intro in prepared.plan.introductions)
        buttons = ((Button(t("matchmaking.admin.run_yes"), "mm.adm", confirm + prepared.period),
                    Button(t("matchmaking.admin.run_no"), "mm.adm", "no")),)
        return Reply(t("matchmaking.admin.run_confirm", round=title, count=count,
                       messages=t("matchmaking.admin.messages", count=messages)), buttons=buttons, private=True)

    return await _guarded(db, to, now, name, work)


async def send_run(db: Database, config: Config, to: Animator, now: datetime, name: str) -> bool:
    """The round due now, run exactly as the schedule runs it, and what came of it."""

    async def work(t: Translator) -> Reply:
        outcome = await run_round(db, config, now, "chat")
        if outcome.status == "already":
            return Reply(t("matchmaking.admin.already_meanwhile", round=name), private=True)
        if outcome.status == "not_due":
            return Reply(t("matchmaking.admin.not_due"), private=True)
        return Reply(t("matchmaking.admin.ran", round=name, count=outcome.introductions,
                       candidates=outcome.prepared.pool.size), private=True)

    return await _guarded(db, to, now, name, work)
