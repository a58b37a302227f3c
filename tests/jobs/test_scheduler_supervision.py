"""Exactly one process schedules: on PostgreSQL the advisory lock decides, and is watched."""

from __future__ import annotations

import contextlib

import pytest

from bot.app import build_app
from jobs.scheduler import SchedulerSupervisor
from testkit import empty_postgres, make_config


async def test_on_sqlite_the_one_process_schedules(app):
    supervisor = SchedulerSupervisor(app)
    await supervisor.check()
    try:
        assert supervisor.scheduler is not None and supervisor.scheduler.get_job("housekeeping") is not None
    finally:
        await supervisor.close()


@contextlib.asynccontextmanager
async def two_processes(postgres_url, clock):
    """Two apps on one PostgreSQL database, as two `maillage run` processes, each with its supervisor."""
    await empty_postgres(postgres_url)
    first = await build_app(make_config(postgres_url), clock=clock, migrate=False)
    second = await build_app(make_config(postgres_url), clock=clock, migrate=False)
    one, two = SchedulerSupervisor(first), SchedulerSupervisor(second)
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()
        await first.close()
        await second.close()


@pytest.mark.postgres
async def test_only_one_process_schedules_and_another_takes_over(postgres_url, clock):
    async with two_processes(postgres_url, clock) as (one, two):
        await one.check()
        await two.check()
        assert one.scheduler is not None and two.scheduler is None

        # The first process's lock connection dies (a database restart, a killed session).
        await one.lock._connection.invalidate()
        await one.check()
        assert one.scheduler is None, "a process that lost the lock stops scheduling"
        await two.check()
        assert two.scheduler is not None, "and another one takes over"


async def test_what_follows_the_lead_is_retried_until_it_starts(app):
    # Telegram's polling failing to start at take-over (a network error) is tried again at the next check.
    tries: list[bool] = []

    async def lead(leading: bool) -> None:
        tries.append(leading)
        if len(tries) == 1:
            raise ConnectionError("api.telegram.org unreachable")

    supervisor = SchedulerSupervisor(app, on_lead=lead)
    try:
        try:
            await supervisor.check()
        except ConnectionError:
            pass
        await supervisor.check()
        assert supervisor.leading and tries == [True, True]
    finally:
        await supervisor.close()


@pytest.mark.postgres
async def test_the_standby_says_so_once_not_at_every_check(postgres_url, clock, caplog):
    # A standby checks every few seconds: one INFO line, then quiet (the soak's logs had one every 5 s).
    async with two_processes(postgres_url, clock) as (one, two):
        await one.check()
        with caplog.at_level("INFO", logger="jobs.scheduler"):
            for _ in range(4):
                await two.check()
        standby = [r for r in caplog.records if "another process holds" in r.getMessage()
                   and r.levelname == "INFO"]
        assert two.scheduler is None and len(standby) == 1
