"""ICS over HTTP for audiences and partners: /calendar/audience/{tag}.ics and
/calendar/partner/{slug}.ics (built by bot.partners.calendars, served with the same strong ETag
and caching as the other calendars). An unknown tag or partner is a plain 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from adapters.web.calendars import calendar_route
from bot.partners.calendars import audience_calendar, partner_calendar

if TYPE_CHECKING:
    from bot.application import App


def routes(app: "App") -> list[BaseRoute]:
    return [
        calendar_route(app, "/calendar/audience/{tag}.ics", audience_calendar, "unknown audience"),
        calendar_route(app, "/calendar/partner/{slug}.ics", partner_calendar, "unknown partner"),
    ]
