"""The report in the chat: /report (/rapport), for network animators (the file and a summary)."""

from __future__ import annotations

from bot.registry import Access, Registry
from bot.report.aggregate import before_erasure
from bot.report.chat import command


def register(registry: Registry) -> None:
    registry.command("report", fr="rapport", summary="report.summary", args="report.args", access=Access.ANIMATOR,
                     section="animators", order=65)(command.command)
    # The report holds no personal data (anonymous counts only), but it must count a member's share
    # of the open day before /forget deletes their rows.
    registry.before_erasure(before_erasure)
