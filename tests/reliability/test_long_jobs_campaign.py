"""A campaign to many members (issue 19.3): each batch is planned with no write transaction open,
so commands answer meanwhile; a crash between batches loses and doubles nobody."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bench.write_lock import write_lock_meter
from bot.campaigns import sending
from jobs.campaigns import send_campaigns
from storage.models import Identity, Member, OutboxMessage
from storage.models.campaigns import Campaign, CampaignRecipient
from tests.reliability.long_jobs_helpers import BOUND_S, command_answers, pause_at

MEMBERS = 450  # three batches of 200 (the default batch size): a crash can fall between two


async def network_and_campaign(app, now) -> None:
    async with app.db.session() as session:
        first = (await session.execute(select(func.coalesce(func.max(Member.id), 0)))).scalar_one() + 1
        ids = range(first, first + MEMBERS)
        await session.execute(insert(Member), [dict(
            id=m, display_name=f"M{m}", bio="", locale="fr", languages=["fr"], visibility="network",
            intro_opt_in=False, cadence="biweekly", consent_at=now - timedelta(days=30), consent_version="test",
            created_at=now, updated_at=now) for m in ids])
        await session.execute(insert(Identity), [dict(
            member_id=m, platform="memory", platform_user_id=f"c{m}", display_name=f"M{m}", locale="fr",
            dm_status="open", created_at=now, last_seen_at=now) for m in ids])
        session.add(Campaign(author_platform="memory", author_user_id="animator", status="scheduled",
                             text_fr="Portes ouvertes samedi !", text_en="", poll=[], interested=False, audience={},
                             send_at=now, spread_minutes=0, occurrence=0, created_at=now))


async def written(app) -> tuple[int, int, int]:
    """(recipients recorded, distinct members recorded, campaign messages in the outbox)."""
    async with app.db.session() as session:
        recorded = (await session.execute(select(func.count()).select_from(CampaignRecipient))).scalar_one()
        distinct = (await session.execute(select(func.count(func.distinct(CampaignRecipient.member_id))))).scalar_one()
        messages = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.purpose == "campaign"))).scalar_one()
    return recorded, distinct, messages


async def test_commands_answer_while_a_campaign_batch_is_planned(app, memory, clock, monkeypatch):
    await network_and_campaign(app, clock.now())
    other = memory.user("someone", "Zoé")
    planning = pause_at(monkeypatch, sending, "reasons_for")  # rendering the batch's messages
    with write_lock_meter(app.db) as meter:
        job = asyncio.create_task(send_campaigns(app))
        await planning.wait()
        assert not meter._open, "a write transaction is open while the batch is planned"
        await command_answers(other)
        planning.release.set()
        covered = await asyncio.wait_for(job, BOUND_S)
    assert covered == MEMBERS and await written(app) == (MEMBERS, MEMBERS, MEMBERS)
    # The job's writes: starting it, one per batch, finishing it (not one per member).
    batches = -(-MEMBERS // app.config.campaigns.batch_size)
    job_writes = meter.count - 1  # the command's own transaction
    assert job_writes <= batches + 2, meter.held


async def test_a_crash_between_batches_loses_and_doubles_nobody(any_app, clock, monkeypatch):
    app = any_app  # SQLite and PostgreSQL (their bulk INSERT ... ON CONFLICT differ)
    await network_and_campaign(app, clock.now())
    real = sending._write_batch
    calls = 0

    async def dies_at_the_second_batch(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise SystemExit("killed between two batches")  # the process dies: nothing of this batch is kept
        return await real(*args, **kwargs)

    monkeypatch.setattr(sending, "_write_batch", dies_at_the_second_batch)
    with pytest.raises(SystemExit):
        await send_campaigns(app)
    batch = app.config.campaigns.batch_size
    assert await written(app) == (batch, batch, batch)  # the first batch whole, the second not at all
    monkeypatch.setattr(sending, "_write_batch", real)
    assert await send_campaigns(app) == MEMBERS - batch  # a new process resumes after the last recorded
    assert await written(app) == (MEMBERS, MEMBERS, MEMBERS)
    assert await send_campaigns(app) == 0  # and a third run finds nothing left
    assert await written(app) == (MEMBERS, MEMBERS, MEMBERS)


async def test_what_changes_while_a_batch_is_planned_is_read_again_before_writing(app, memory, clock, monkeypatch):
    """Planned from a snapshot, written from fresh facts: a member whose budget was spent meanwhile
    (another job's nudges) gets no campaign message, one who became unreachable neither."""
    await network_and_campaign(app, clock.now())
    async with app.db.session() as session:
        spent, gone = (await session.execute(select(Member.id).order_by(Member.id).limit(2))).scalars().all()
    planning = pause_at(monkeypatch, sending, "reasons_for")
    job = asyncio.create_task(send_campaigns(app))
    await planning.wait()  # the first batch is planned with both members able to receive it
    async with app.db.session() as session:
        now = clock.now()
        await session.execute(insert(OutboxMessage), [dict(
            key=f"other:{spent}:{n}", platform="memory", user_id=f"c{spent}", member_id=spent, purpose="digest",
            nudge=True, payload={"text": "x", "title": None, "silent": True, "buttons": []}, status="pending",
            attempts=0, next_attempt_at=now, created_at=now) for n in range(app.config.attention.budget_per_30_days)])
        await session.execute(Identity.__table__.update().where(Identity.member_id == gone)
                              .values(dm_status="unreachable"))
    planning.release.set()
    await asyncio.wait_for(job, BOUND_S)
    async with app.db.session() as session:
        status = dict((await session.execute(select(CampaignRecipient.member_id, CampaignRecipient.status)
                                             .where(CampaignRecipient.member_id.in_([spent, gone])))).all())
        sent_to = set((await session.execute(select(OutboxMessage.member_id)
                                             .where(OutboxMessage.purpose == "campaign"))).scalars())
    assert status == {spent: sending.NO_BUDGET, gone: sending.UNREACHABLE}
    assert spent not in sent_to and gone not in sent_to and len(sent_to) == MEMBERS - 2
