"""What /forget erases beyond each feature's own share, and how it stays erased after a restore.

1. **Messages about the person.** Each feature's eraser handles its own rows; then
   `blank_mentions` sweeps every outbox row left: one whose text or buttons mention the person
   (their names, handles, platform ids, bio, the context lines they wrote) is blanked if it was
   already delivered (the row stays, without its words, so nothing is sent twice) and deleted if it
   was not (a message about someone who asked to be forgotten never goes). Names and ids match as
   whole words, case-insensitively, so "Ana" does not blank a message about bananas.
2. **A restore brings nobody back.** Each erased platform identity is remembered as a keyed hash
   (HMAC-SHA-256, the key made once per network) in the `erased_people` table and, when
   `MAILLAGE_ERASED_LIST` names a file, in that file too (append-only, one hash a line, the key on
   the first line: keep it outside the database backups). `reapply` (run at start and nightly by
   `jobs/privacy.py`) erases again any identity, and its member, that a restored backup brought
   back: an identity first seen before its erasure. Someone who comes back after /forget and writes
   again is a new person and is left alone. The hashes name nobody, but platform ids are few enough
   to be guessed: the list is kept as private as the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.registry import Registry
from storage.db import Database
from storage.models import ConversationState, Identity, Member, OutboxMessage
from storage.models.intro_requests import IntroRequest
from storage.models.privacy import ErasedPerson, PrivacySecret
from storage.models.runtime import OutboxStatus

log = logging.getLogger(__name__)

ERASED_LIST_ENV = "MAILLAGE_ERASED_LIST"
SALT_NAME = "erasure_salt"
MIN_TERM = 3  # shorter words (a two-letter name) would blank half the outbox
SCAN_BATCH = 2000


# -- terms ----------------------------------------------------------------------------------------

async def personal_terms(session: AsyncSession, member: Member | None, identities: Iterable[Identity]) -> set[str]:
    """Everything that would identify the person in a message someone else received."""
    terms: set[str] = set()
    for identity in identities:
        terms.update(filter(None, (identity.display_name, identity.handle, identity.platform_user_id)))
        if identity.handle:
            terms.add("@" + identity.handle)
    if member is not None:
        terms.update(filter(None, (member.display_name, member.bio)))
        contexts = await session.execute(select(IntroRequest.context).where(IntroRequest.requester_id == member.id))
        terms.update(context for (context,) in contexts if context)
    return {term.strip() for term in terms if len(term.strip()) >= MIN_TERM}


@dataclass(frozen=True)
class Mentions:
    """The person's terms, casefolded, and one regex matching any of them as a whole word."""

    words: tuple[str, ...]
    pattern: re.Pattern[str]

    def found_in(self, *values: Any) -> bool:
        text = "\n".join(piece for value in values for piece in _strings(value)).casefold()
        # A plain substring test first (fast); the whole-word regex only on the few rows it lets by.
        return any(word in text for word in self.words) and self.pattern.search(text) is not None


def mention_pattern(terms: Iterable[str]) -> Mentions | None:
    """What finds any term as a whole word (ids as whole numbers), case-insensitively."""
    words = tuple(sorted({term.casefold() for term in terms}, key=len, reverse=True))
    if not words:
        return None
    return Mentions(words, re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words)))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


async def blank_mentions(session: AsyncSession, terms: Iterable[str], since: datetime | None = None
                         ) -> tuple[int, int]:
    """Blank delivered messages that mention the person, delete undelivered ones: (blanked, deleted).

    `since`: when the bot first knew the person; older rows cannot be about them and are skipped.

    Read as plain tuples in batches by id (no ORM objects: 100,000 rows stay well under a second or
    two), changed with one statement per batch.
    """
    pattern = mention_pattern(terms)
    if pattern is None:
        return 0, 0
    blanked = deleted = 0
    last_id = 0
    columns = (OutboxMessage.id, OutboxMessage.status, OutboxMessage.payload, OutboxMessage.last_error,
               OutboxMessage.key)
    while True:
        statement = select(*columns).where(OutboxMessage.id > last_id)
        if since is not None:
            statement = statement.where(OutboxMessage.created_at >= since)
        rows = (await session.execute(statement.order_by(OutboxMessage.id).limit(SCAN_BATCH))).all()
        if not rows:
            break
        last_id = rows[-1][0]
        to_blank, to_delete = [], []
        for row_id, status, payload, last_error, key in rows:
            if pattern.found_in(payload, last_error, key):
                (to_delete if status in OutboxStatus.OPEN else to_blank).append(row_id)
        if to_blank:
            await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(to_blank))
                                  .values(payload={"text": ""}, last_error=None)
                                  .execution_options(synchronize_session=False))
        if to_delete:
            await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(to_delete))
                                  .execution_options(synchronize_session=False))
        blanked, deleted = blanked + len(to_blank), deleted + len(to_delete)
    return blanked, deleted


# -- erasing ------------------------------------------------------------------------------------

async def erase_person(session: AsyncSession, registry: Registry, config: Config, now: datetime,
                       member: Member | None, identities: list[Identity]) -> None:
    """Erase a member (every feature's share) or a non-member's identities, then every message about
    them, and remember them as erased (points 1 and 2 above). One transaction: the caller's; the
    file list is appended to before it commits, so a /forget that fails is still re-applied later,
    which errs the way the person asked."""
    terms = await personal_terms(session, member, identities)
    known_since = min([i.created_at for i in identities] + ([member.created_at] if member is not None else []),
                      default=None)
    await remember_erased(session, [(i.platform, i.platform_user_id) for i in identities], now)
    if member is not None:
        # Hooks first (the report's: today's share of this member becomes anonymous counts).
        for hook in registry.erasure_hooks:
            await hook(session, member, config=config, now=now)
        for holder in registry.personal_data.values():
            await holder.erase(session, member, config=config, now=now)
    for identity in identities:
        await session.execute(delete(ConversationState).where(
            ConversationState.platform == identity.platform, ConversationState.user_id == identity.platform_user_id))
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.platform == identity.platform, OutboxMessage.user_id == identity.platform_user_id))
        await session.delete(identity)
    if member is not None:
        await session.delete(member)
    await session.flush()
    # A day's margin: clocks of several processes may differ a little; nothing older can be about them.
    await blank_mentions(session, terms, since=known_since - timedelta(days=1) if known_since else None)


async def reapply(db: Database, registry: Registry, config: Config, now: datetime) -> int:
    """Erase again whoever a restored backup brought back; returns how many identities. One transaction."""
    async with db.session() as session:
        found = await restored_identities(session, now)
        members: dict[int, list[Identity]] = {}
        loners = []
        for identity in found:
            if identity.member_id is not None:
                members.setdefault(identity.member_id, []).append(identity)
            else:
                loners.append(identity)
        for member_id in members:
            member = await session.get(Member, member_id)
            every = list((await session.execute(select(Identity).where(Identity.member_id == member_id))).scalars())
            await erase_person(session, registry, config, now, member, every)
        if loners:
            await erase_person(session, registry, config, now, None, loners)
    if found:
        log.warning("privacy: %d identities erased by /forget were back (a restored backup?): erased again", len(found))
    return len(found)


# -- the list of erased people --------------------------------------------------------------------

def person_digest(salt: str, platform: str, user_id: str) -> str:
    return hmac.new(bytes.fromhex(salt), f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()


def _list_path() -> Path | None:
    value = os.environ.get(ERASED_LIST_ENV, "").strip()
    return Path(value) if value else None


def _read_list(path: Path | None) -> tuple[str | None, set[str]]:
    """(salt, digests) from the file, or (None, empty) when there is none yet."""
    if path is None or not path.exists():
        return None, set()
    lines = [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if not lines or not lines[0].startswith("salt "):
        raise ValueError(f"{path}: line 1 should be 'salt <hex>' (the list of erased people, {ERASED_LIST_ENV})")
    return lines[0][5:], {line.split()[0] for line in lines[1:]}


async def erasure_salt(session: AsyncSession) -> str:
    """The network's key for the hashes: the file's if there is one, else the database's, else a new one."""
    path = _list_path()
    from_file, _ = _read_list(path)
    row = await session.get(PrivacySecret, SALT_NAME)
    salt = from_file or (row.value if row is not None else secrets.token_hex(32))
    if row is None:
        session.add(PrivacySecret(name=SALT_NAME, value=salt))
    elif row.value != salt:  # a restored database with the file's older key: the file wins
        row.value = salt
    if path is not None and from_file is None:
        path.write_text(f"salt {salt}\n", encoding="ascii")
    return salt


async def remember_erased(session: AsyncSession, identities: Iterable[tuple[str, str]], now: datetime) -> None:
    """Record (platform, user id) pairs as erased, in the database and the file."""
    salt = await erasure_salt(session)
    digests = [person_digest(salt, platform, user_id) for platform, user_id in identities]
    for digest in digests:
        if await session.get(ErasedPerson, digest) is None:
            session.add(ErasedPerson(digest=digest, erased_at=now))
    path = _list_path()
    if path is not None and digests:
        with path.open("a", encoding="ascii") as handle:
            handle.writelines(f"{digest} {now.isoformat()}\n" for digest in digests)


async def erased_digests(session: AsyncSession) -> dict[str, datetime | None]:
    """Every remembered hash, with when it was erased (None when known only from the file)."""
    known: dict[str, datetime | None] = dict((await session.execute(
        select(ErasedPerson.digest, ErasedPerson.erased_at))).all())
    path = _list_path()
    if path is not None and path.exists():
        for line in path.read_text(encoding="ascii").splitlines()[1:]:
            parts = line.split()
            if parts and parts[0] not in known:
                known[parts[0]] = datetime.fromisoformat(parts[1]) if len(parts) > 1 else None
    return known


async def restored_identities(session: AsyncSession, now: datetime) -> list[Identity]:
    """Identities a restore brought back: remembered as erased, and first seen before that."""
    known = await erased_digests(session)
    if not known:
        return []
    salt = await erasure_salt(session)
    for digest, erased_at in known.items():  # the file's hashes go back into the table
        if await session.get(ErasedPerson, digest) is None:
            session.add(ErasedPerson(digest=digest, erased_at=erased_at or now))
    found = []
    for identity in (await session.execute(select(Identity))).scalars():
        digest = person_digest(salt, identity.platform, identity.platform_user_id)
        if digest in known:
            erased_at = known[digest]
            if erased_at is None or identity.created_at <= erased_at:
                found.append(identity)
    return found
