"""The outbox dispatcher: delivers proactive messages exactly once, through the adapters' ports.

Each due row goes pending -> claimed -> sending -> sent, with a commit at every step, so a crash
leaves a row in a state that says what to do next:
- `claimed` but never `sending`: nothing left the process; once the claim's lease expires the row
  is delivered again (a crash between claim and send loses nothing);
- `sending`: the request may have reached the platform. Where the adapter's sends are idempotent
  (Discord's nonce) it is resent safely; otherwise it is marked `unknown` for the operator rather
  than risk a duplicate.
Typed errors decide the rest: Unreachable marks the identity and stops; RateLimited waits the time
asked (and pauses that platform); Transient retries with exponential backoff, then `dead`;
UnknownOutcome becomes `unknown`; Rejected becomes `rejected`. On PostgreSQL, rows are claimed with
FOR UPDATE SKIP LOCKED, so several dispatchers can share one database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import DBAPIError

from bot.clock import Clock, SystemClock
from bot.config import OutboxConfig
from bot.ports import ChatAdapter, RateLimited, Rejected, Transient, UnknownOutcome, Unreachable
from bot.types import ChatRef, ChatKind
from storage.db import Database
from storage.identities import DM_UNREACHABLE, set_dm_status
from storage.models import Identity, OutboxMessage
from storage.models.runtime import OutboxStatus
from storage.outbox import payload_to_reply

log = logging.getLogger(__name__)

FINISH_ATTEMPTS = 4
RETRY = "retry"  # an outcome, not a status: becomes pending (with backoff) or dead


class OutboxDispatcher:
    def __init__(self, db: Database, adapters: Mapping[str, ChatAdapter], config: OutboxConfig | None = None,
                 clock: Clock | None = None, worker_id: str | None = None,
                 on_delivered: Callable[[OutboxMessage], None] | None = None) -> None:
        self.db = db
        self.adapters = adapters
        self.config = config or OutboxConfig()
        self.clock = clock or SystemClock()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.on_delivered = on_delivered
        self._paused_until: dict[str, datetime] = {}
        self._next_recovery: datetime | None = None
        self._pause_began = False  # a RateLimited in the batch under way
        self.wake = asyncio.Event()
        # Per platform, the one person whose direct messages this dispatcher delivers (a console
        # session plays one member); everyone else's wait in the outbox for their own session.
        self.only_for: dict[str, str] = {}

    # -- loop --------------------------------------------------------------------------------
    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                handled = await self.run_once(stop)
            except Exception:
                log.exception("outbox dispatch round failed; trying again")
                handled = 0
            if handled:
                continue
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.config.poll_seconds)
            except asyncio.TimeoutError:
                pass

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim the due rows and deliver them; returns how many rows were handled.

        When `stop` is set (shutdown), the send under way finishes and the rest of the batch goes back
        to pending at once, rather than waiting out its lease or being cut off mid-send.
        """
        now = self.clock.now()
        if self._next_recovery is None or now >= self._next_recovery:
            # Abandoned claims only matter after a lease: no need to look for them on every poll
            # (on SQLite each look takes the write lock).
            await self._recover_abandoned()
            self._next_recovery = now + timedelta(seconds=self.config.lease_seconds / 4)
        ids = await self._claim()
        self._pause_began = False
        for position, row_id in enumerate(ids):
            if stop is not None and stop.is_set():
                await self._release(ids[position:])
                return position
            try:
                await self._deliver(row_id)
            except Exception:  # one row's database trouble must not strand the rest of the batch
                log.exception("outbox message %s: delivery bookkeeping failed", row_id)
            if self._pause_began and position + 1 < len(ids):
                # A 429 paused a platform: the rest of the batch goes back in one statement (not one
                # transaction per row); the next claim leaves the paused platform's rows alone.
                await self._release(ids[position + 1:])
                return position + 1
        return len(ids)

    async def _release(self, ids: list[int]) -> None:
        async with self.db.session() as session:
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_by == self.worker_id,
            ).values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None))

    async def drain(self, max_rounds: int = 100) -> int:
        """Deliver until nothing is due (tests, scripted console runs)."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once()
            total += handled
            if not handled:
                break
        return total

    # -- claiming ----------------------------------------------------------------------------
    def _platforms(self) -> list[str]:
        now = self.clock.now()
        return [p for p in self.adapters if self._paused_until.get(p, now) <= now]

    async def _claim(self) -> list[int]:
        platforms = self._platforms()
        if not platforms:
            return []
        now = self.clock.now()
        async with self.db.session() as session:
            statement = (select(OutboxMessage.id)
                         .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
                                OutboxMessage.platform.in_(platforms))
                         .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                         .limit(self.config.batch_size))
            for platform, user_id in self.only_for.items():
                statement = statement.where(or_(OutboxMessage.platform != platform, OutboxMessage.user_id.is_(None),
                                                OutboxMessage.user_id == user_id))
            if self.db.dialect == "postgresql":
                statement = statement.with_for_update(skip_locked=True)
            ids = list((await session.execute(statement)).scalars())
            if ids:
                await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                      .values(status=OutboxStatus.CLAIMED, claimed_by=self.worker_id, claimed_at=now))
        return ids

    async def _recover_abandoned(self) -> None:
        """Rows left `claimed` or `sending` by a dead process (their lease ran out)."""
        now = self.clock.now()
        stale = now - timedelta(seconds=self.config.lease_seconds)
        # Only rows of platforms this process can send on: another process (say, the Discord one,
        # whose sends are idempotent) recovers its own rows its own way.
        mine = OutboxMessage.platform.in_(list(self.adapters))
        async with self.db.session() as session:
            await session.execute(update(OutboxMessage).where(
                mine, OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_at < stale,
            ).values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None))
            idempotent = [p for p, a in self.adapters.items() if a.capabilities.idempotent_send]
            sending = and_(mine, OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < stale)
            if idempotent:
                await session.execute(update(OutboxMessage).where(sending, OutboxMessage.platform.in_(idempotent))
                                      .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None))
            result = await session.execute(
                update(OutboxMessage).where(sending, OutboxMessage.platform.notin_(idempotent))
                .values(status=OutboxStatus.UNKNOWN, last_error="the process stopped while sending; not resent to avoid a duplicate")
                .returning(OutboxMessage.id))
            for (row_id,) in result:
                log.warning("outbox message %s: outcome unknown after a crash; check it by hand", row_id)

    # -- delivering --------------------------------------------------------------------------
    async def _deliver(self, row_id: int) -> None:
        async with self.db.session() as session:
            # Locked on PostgreSQL, so a /forget cancelling this row cannot be overwritten by "sending".
            row = await session.get(OutboxMessage, row_id, with_for_update=self.db.dialect == "postgresql",
                                    populate_existing=True)
            if row is None or row.status != OutboxStatus.CLAIMED or row.claimed_by != self.worker_id:
                return
            if self._paused_until.get(row.platform, self.clock.now()) > self.clock.now():
                row.status, row.claimed_by, row.claimed_at = OutboxStatus.PENDING, None, None
                return
            if row.user_id is not None and await self._known_unreachable(session, row):
                row.status, row.last_error = OutboxStatus.UNREACHABLE, "the person cannot be reached on this platform"
                return
            row.status = OutboxStatus.SENDING
            row.attempts += 1
            row.claimed_at = self.clock.now()
            platform, chat_id, user_id, key = row.platform, row.chat_id, row.user_id, row.key
            reply = payload_to_reply(row.payload)
        adapter = self.adapters[platform]
        outcome: dict = {}
        try:
            if user_id is not None:
                sent = await adapter.send_dm(user_id, reply, idempotency_key=key)
            else:
                sent = await adapter.send(ChatRef(platform, chat_id or "", ChatKind.GROUP), reply, idempotency_key=key)
            outcome = {"status": OutboxStatus.SENT, "sent_at": self.clock.now(), "platform_message_id": sent.message_id,
                       "last_error": None}
        except Unreachable as error:
            outcome = {"status": OutboxStatus.UNREACHABLE, "last_error": str(error) or "unreachable"}
            if user_id is not None:
                await self._mark_identity(platform, user_id)
        except RateLimited as error:
            until = self.clock.now() + timedelta(seconds=max(error.retry_after, 0.0))
            self._paused_until[platform] = until
            self._pause_began = True
            outcome = {"status": OutboxStatus.PENDING, "next_attempt_at": until, "last_error": str(error)}
            outcome["attempts"] = None  # waiting as asked is not a failed attempt
        except Transient as error:
            outcome = {"status": RETRY, "last_error": str(error) or "transient failure"}
        except UnknownOutcome as error:
            outcome = {"status": OutboxStatus.UNKNOWN, "last_error": str(error) or "unknown outcome"}
            log.warning("outbox message %s (%s): delivery outcome unknown; not resent", row_id, key)
        except Rejected as error:
            outcome = {"status": OutboxStatus.REJECTED, "last_error": str(error)}
            log.error("outbox message %s (%s) rejected by %s: %s", row_id, key, platform, error)
        except Exception as error:  # an adapter bug: treat like a transient failure, but log loudly
            log.exception("adapter %s raised an untyped error for outbox message %s", platform, row_id)
            outcome = {"status": RETRY, "last_error": repr(error)}
        await self._finish(row_id, outcome)

    async def _finish(self, row_id: int, outcome: dict) -> None:
        """Record what happened to a send. Retried a few times: once a message left, losing the record
        would make it look unsent (and, on Discord, resent)."""
        for attempt in range(FINISH_ATTEMPTS):
            try:
                await self._record(row_id, dict(outcome))
                return
            except DBAPIError:
                if attempt == FINISH_ATTEMPTS - 1:
                    raise
                log.warning("outbox message %s: recording the outcome failed, retrying", row_id)
                await asyncio.sleep(0.2 * 2 ** attempt)

    async def _record(self, row_id: int, outcome: dict) -> None:
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is None:  # erased meanwhile (/forget)
                return
            status = outcome.pop("status")
            if outcome.pop("attempts", 0) is None:
                row.attempts = max(row.attempts - 1, 0)
            if status == RETRY:
                if row.attempts >= self.config.max_attempts:
                    status = OutboxStatus.DEAD
                    log.error("outbox message %s gave up after %s attempts: %s", row_id, row.attempts,
                              outcome.get("last_error"))
                else:
                    delay = self.config.backoff_seconds * 2 ** (row.attempts - 1)
                    outcome["next_attempt_at"] = self.clock.now() + timedelta(seconds=delay)
                    status = OutboxStatus.PENDING
            row.status = status
            row.claimed_by = None
            row.claimed_at = None
            for name, value in outcome.items():
                setattr(row, name, value)
            delivered = row if status == OutboxStatus.SENT else None
        if delivered is not None and self.on_delivered is not None:
            self.on_delivered(delivered)

    async def _known_unreachable(self, session, row: OutboxMessage) -> bool:
        status = (await session.execute(select(Identity.dm_status).where(
            Identity.platform == row.platform, Identity.platform_user_id == row.user_id))).scalar_one_or_none()
        return status == DM_UNREACHABLE

    async def _mark_identity(self, platform: str, user_id: str) -> None:
        async with self.db.session() as session:
            await set_dm_status(session, platform, user_id, reachable=False)
