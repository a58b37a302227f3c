"""Partners in the chat: /partner (`partner`), /opportunity and /opportunities (`opportunity`),
and the buttons of the double opt-in (`interest`)."""

from __future__ import annotations

from bot.partners.chat import interest, opportunity, partner
from bot.partners.personal import erase_opportunities, export_opportunities
from bot.registry import Registry


def register(registry: Registry) -> None:
    partner.register(registry)
    opportunity.register(registry)
    interest.register(registry)
    registry.holds_personal_data("opportunities", export=export_opportunities, erase=erase_opportunities)
