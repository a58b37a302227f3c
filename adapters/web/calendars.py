"""ICS over HTTP: /calendar/network.ics, /calendar/venue/{slug}.ics, /calendar/member/{token}.ics.

Files are built by bot.feeds.calendar_files from the database at each request (a network's
programme is a few hundred events: milliseconds), with a strong ETag so calendar apps polling
every few minutes get a 304 when nothing changed. An unknown venue or token is a plain 404: a token is never hinted at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.feeds.calendar_files import member_calendar, network_calendar, venue_calendar

if TYPE_CHECKING:
    from bot.application import App

MEDIA_TYPE = "text/calendar; charset=utf-8"


def ics_response(request: Request, body: bytes, filename: str, private: bool = False) -> Response:
    """The file with its strong ETag (a 304 when the client already has it) and caching headers."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": ("private" if private else "public") + ", max-age=300",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def calendar_route(app: "App", path: str, build: Callable, missing: str, private: bool = False) -> Route:
    """A route serving `build(db, config, key, now)` for the path's one parameter, a plain 404 saying
    `missing` when it finds nothing (a token is never hinted at)."""
    config, db, clock = app.config, app.db, app.clock
    param = path[path.index("{") + 1:path.index("}")]

    async def serve(request: Request) -> Response:
        found = await build(db, config, request.path_params[param], clock.now())
        if found is None:
            return PlainTextResponse(missing, status_code=404)
        return ics_response(request, found.body, found.filename, private=private)

    return Route(path, serve)


def routes(app: "App") -> list[BaseRoute]:
    config, db, clock = app.config, app.db, app.clock

    async def network(request: Request) -> Response:
        found = await network_calendar(db, config, clock.now())
        return ics_response(request, found.body, found.filename)

    return [
        Route("/calendar/network.ics", network),
        calendar_route(app, "/calendar/venue/{slug}.ics", venue_calendar, "unknown venue"),
        calendar_route(app, "/calendar/member/{token}.ics", member_calendar, "not found", private=True),
    ]
