"""Button payloads come back from the platform and can be forged: no action may crash on one."""

from __future__ import annotations

import pytest

from bot.types import Button

FORGED = ["9" * 25, "abc", "", "1:2:3", "-1", "+" + "9" * 25, "-" + "9" * 25, "x" * 60, "0"]


@pytest.mark.parametrize("who", ["member", "animator", "stranger"])
async def test_every_action_answers_a_forged_payload_without_an_apology(app, memory, people, who):
    user_id = {"member": "m1", "animator": "animator", "stranger": "nobody"}[who]
    if who != "stranger":
        await people.add("Forger", user_id=user_id)
    user = memory.user(user_id, "Forger")
    crashed = []
    for action in sorted(app.core.registry.actions):
        for payload in FORGED:
            replies = await user.press(Button("x", action, payload))
            if any("Oups" in reply.text for reply in replies):
                crashed.append(f"{action}:{payload[:12]}")
    assert crashed == []
