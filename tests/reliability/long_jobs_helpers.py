"""Holding a long job at a seam of its planning, to prove what stays possible meanwhile (issue 19.3).

No timing: the job is *stopped* inside its planning phase (the real function it calls there waits
for an event first), and while it is stopped a chat command must get its normal answer. Had the job
opened its write transaction before that point, SQLite's write lock would make the command wait
out the busy timeout and answer "busy" instead.
"""

from __future__ import annotations

import asyncio

BUSY = "sollicité"  # core.busy in French: "Je suis très sollicité à l'instant…"
BOUND_S = 300  # a bound on waiting for the job to reach the seam, never an assertion on speed


class Pause:
    """Set `reached` when the job arrives at the seam; it goes on once `release` is set."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def wait(self) -> None:
        await asyncio.wait_for(self.reached.wait(), BOUND_S)


def pause_at(monkeypatch, module, name: str, *, times: int = 1) -> Pause:
    """Hold the first `times` calls of `module.name` (the real function, called once released)."""
    real = getattr(module, name)
    pause = Pause()

    async def held(*args, **kwargs):
        pause.calls += 1
        if pause.calls <= times:
            pause.reached.set()
            await pause.release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return pause


async def command_answers(user) -> str:
    """A command that writes (the person's identity is touched): its answer, which must not be 'busy'."""
    replies = await user.send("/aide")
    text = "\n".join(reply.text for reply in replies)
    assert replies and BUSY not in text and "Oups" not in text, text
    return text
