"""ICS over HTTP for audiences and partners: /calendar/audience/{tag}.ics and
/calendar/partner/{slug}.ics (built by bot.partners.calendars, served with the same strong ETag
and caching as the other calendars). An unknown tag or partner is a plain 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.web.calendars import _ics as ics_response
from bot.partners.calendars import audience_calendar, partner_calendar

if TYPE_CHECKING:
    from bot.application import App


def routes(app: "App") -> list[BaseRoute]:
    config, db, clock = app.config, app.db, app.clock

    async def audience(request: Request) -> Response:
        found = await audience_calendar(db, config, request.path_params["tag"], clock.now())
        if found is None:
            return PlainTextResponse("unknown audience", status_code=404)
        return ics_response(request, found.body, found.filename)

    async def partner(request: Request) -> Response:
        found = await partner_calendar(db, config, request.path_params["slug"], clock.now())
        if found is None:
            return PlainTextResponse("unknown partner", status_code=404)
        return ics_response(request, found.body, found.filename)

    return [
        Route("/calendar/audience/{tag}.ics", audience),
        Route("/calendar/partner/{slug}.ics", partner),
    ]
