"""The [campaigns] section of the configuration: how campaigns share the attention budget and how
they are written out to the outbox."""

from __future__ import annotations

from dataclasses import dataclass

PRIORITIES = ("introductions", "campaigns")


@dataclass(frozen=True)
class CampaignsConfig:
    """[campaigns]: see config.example.toml for what each key does."""

    # Who gets a member's last unit of attention budget when both want it: "introductions" (the
    # default) keeps it for a matchmaking proposal when the member takes part in rounds and a
    # round is due within the week.
    priority: str = "introductions"
    batch_size: int = 200  # recipients written to the outbox per transaction while sending
    max_spread_hours: int = 72  # the longest window a sending may be spread over
    hosts_may_send: bool = True  # hosts may send campaigns to their own venue's members

    def keep_for_introductions(self) -> int:
        return 1 if self.priority == "introductions" else 0

    def problems(self) -> list[str]:
        found = []
        if self.priority not in PRIORITIES:
            found.append(f'priority: "{self.priority}" must be one of {", ".join(PRIORITIES)}')
        if not 1 <= self.batch_size <= 5000:
            found.append("batch_size: must be between 1 and 5000")
        if not 0 <= self.max_spread_hours <= 24 * 14:
            found.append("max_spread_hours: must be between 0 and 336 (two weeks)")
        return found
