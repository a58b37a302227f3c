"""The [report] section of the configuration: the funders' report and its nightly aggregation."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.sections import CLOCK_RE


@dataclass(frozen=True)
class ReportConfig:
    """[report]: `min_count` is the smallest count of people shown (INSEE's rule: 5); below it a cell
    reads "< 5". `aggregate_at` ("HH:MM", network time zone) is when the nightly job closes the day."""

    min_count: int = 5
    aggregate_at: str = "01:15"

    def problems(self) -> list[str]:
        found = []
        if not 2 <= self.min_count <= 100:
            found.append(f"min_count: {self.min_count} must be between 2 and 100 (5 is the usual rule)")
        if not CLOCK_RE.match(self.aggregate_at):
            found.append(f'aggregate_at: "{self.aggregate_at}" is not a time of day "HH:MM" (e.g. "01:15")')
        return found
