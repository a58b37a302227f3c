"""ICS over HTTP: /calendar/network.ics, /calendar/venue/{slug}.ics, /calendar/member/{token}.ics.

Files are built by bot.feeds.calendar_files from the database at each request (a network's
programme is a few hundred events: milliseconds), with a strong ETag so calendar apps polling
every few minutes get a 304 when nothing changed. An unknown venue or token is a plain 404: a token is never hinted at.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.feeds.calendar_files import member_calendar, network_calendar, venue_calendar

if TYPE_CHECKING:
    from bot.application import App

MEDIA_TYPE = "text/calendar; charset=utf-8"


def _ics(request: Request, body: bytes, filename: str, private: bool = False) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": ("private" if private else "public") + ", max-age=300",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def routes(app: "App") -> list[BaseRoute]:
    config, db, clock = app.config, app.db, app.clock

    async def network(request: Request) -> Response:
        found = await network_calendar(db, config, clock.now())
        return _ics(request, found.body, found.filename)

    async def venue(request: Request) -> Response:
        found = await venue_calendar(db, config, request.path_params["slug"], clock.now())
        if found is None:
            return PlainTextResponse("unknown venue", status_code=404)
        return _ics(request, found.body, found.filename)

    async def member(request: Request) -> Response:
        found = await member_calendar(db, config, request.path_params["token"], clock.now())
        if found is None:
            return PlainTextResponse("not found", status_code=404)
        return _ics(request, found.body, found.filename, private=True)

    return [
        Route("/calendar/network.ics", network),
        Route("/calendar/venue/{slug}.ics", venue),
        Route("/calendar/member/{token}.ics", member),
    ]
