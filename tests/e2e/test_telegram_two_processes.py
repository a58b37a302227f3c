"""Two `maillage run` processes on one PostgreSQL: only the one holding the scheduler's lock polls
Telegram (a second poller would get 409 Conflict and steal updates); when it dies, the other takes
over both the schedule and the polling, and updates are answered once (issue 18.8)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from adapters.telegram.adapter import TelegramAdapter
from bot.app import build_app
from bot.config import TelegramConfig
from jobs.scheduler import SchedulerSupervisor
from testkit import empty_postgres, make_config
from tgemu import TelegramEmulator, skip_reason, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.postgres,
              pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "616161:TWO-PROCESSES"


async def start_process(url: str, emu: TelegramEmulator, clock):
    """What `maillage run` does at start (bot.app.run_app): take the lock, then start Telegram."""
    config = TelegramConfig(api_base_url=emu.url, poll_interval=0.05, poll_timeout=1, request_timeout=20,
                            set_commands=False)
    object.__setattr__(config, "token", TOKEN)
    adapter = TelegramAdapter(config)
    app = await build_app(make_config(url), adapters=[adapter], clock=clock, migrate=False)
    supervisor = SchedulerSupervisor(app, on_lead=adapter.set_receiving)
    await supervisor.check()
    await adapter.set_receiving(supervisor.leading)
    await adapter.start(app.core)
    return app, adapter, supervisor


def polling(adapter: TelegramAdapter) -> bool:
    return adapter.application.updater is not None and adapter.application.updater.running


async def test_one_process_polls_and_the_other_takes_over_when_it_dies(postgres_url, clock):
    await empty_postgres(postgres_url)
    async with TelegramEmulator() as emu:
        first = await start_process(postgres_url, emu, clock)
        second = await start_process(postgres_url, emu, clock)
        try:
            (_, adapter_one, one), (_, adapter_two, two) = first, second
            assert (one.leading, polling(adapter_one)) == (True, True)
            assert (two.leading, polling(adapter_two)) == (False, False), "the second process only sends"
            ana = emu.user(TOKEN, 4200, "Ana", language_code="en")
            await ana.send("/help")
            await ana.wait_for(lambda messages: len(messages) >= 1, timeout=30)

            # The first process's lock connection dies (its machine froze, the database restarted).
            await one.lock._connection.invalidate()
            await one.check()
            assert not polling(adapter_one), "a process that lost the lock stops polling"
            await two.check()
            assert two.leading and polling(adapter_two), "and the one that took the lock polls"

            await ana.send("/language")
            await ana.wait_for(lambda messages: len(messages) >= 2, timeout=30)
            assert len(await ana.messages()) == 2, "each update answered once"
        finally:
            for app, adapter, supervisor in (first, second):
                await supervisor.close()
                await adapter.stop()
                await app.close()


async def test_two_maillage_run_processes_one_polls_and_a_kill_hands_over(postgres_url, tmp_path):
    """The same, with two real `maillage run` processes, the second taking over after a SIGKILL."""
    repo = Path(__file__).resolve().parents[2]
    await empty_postgres(postgres_url)
    async with TelegramEmulator() as emu:
        config = tmp_path / "config.toml"
        config.write_text(textwrap.dedent(f"""
            [network]
            name = "Réseau Test"

            [[venues]]
            slug = "hangar"
            name = "Le Hangar"
            kind = "coworking"
            city = "Nantes"

            [database]
            url = "{postgres_url}"

            [scheduler]
            lock_check_seconds = 1

            [telegram]
            api_base_url = "{emu.url}"
            poll_interval = 0.05
            poll_timeout = 1
            set_commands = false
        """), encoding="utf-8")
        env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "MAILLAGE_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
        env.pop("MAILLAGE_DATABASE_URL", None)
        processes, logs = [], []
        try:
            for n in range(2):
                log = tmp_path / f"run-{n}.log"
                logs.append(log)
                with log.open("wb") as out:
                    processes.append(await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "-v", "run", cwd=repo, env=env,
                        stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out))
                await wait_until(lambda: processes[-1].returncode is not None or "Maillage is running" in log.read_text(),
                                 timeout=90, what=f"maillage run #{n} to start")
                assert processes[-1].returncode is None, log.read_text()[-3000:]
            first, second = (log.read_text() for log in logs)
            assert "scheduler started" in first and "ready (polling)" in first
            assert "scheduler started" not in second and "sending only until this process leads" in second

            ana = emu.user(TOKEN, 4300, "Ana", language_code="en")
            await ana.send("/help")
            await ana.wait_for(lambda messages: len(messages) >= 1, timeout=30)

            processes[0].send_signal(signal.SIGKILL)  # the leader dies without a word
            await processes[0].wait()
            await wait_until(lambda: "now receives the updates" in logs[1].read_text(), timeout=60,
                             what="the second process to take over")
            await ana.send("/language")
            await ana.wait_for(lambda messages: len(messages) >= 2, timeout=30)
            assert len(await ana.messages()) == 2, "each update answered once"
        finally:
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), 20)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
