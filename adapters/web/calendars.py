"""ICS over HTTP: /calendar/network.ics, /calendar/venue/{slug}.ics, /calendar/member/{token}.ics.

Files are built by bot.feeds.export from the database at each request (a network's programme is a
few hundred events: milliseconds), with a strong ETag so calendar apps polling every few minutes
get a 304 when nothing changed. An unknown venue or token is a plain 404: a token is never hinted at.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.feeds.calendar_tokens import member_by_token
from bot.feeds.export import calendar_bytes, member_calendar_bytes, network_events, venue_events
from storage.venues import venue_by_slug

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
    config = app.config

    async def network(request: Request) -> Response:
        now = app.clock.now()
        async with app.db.session() as session:
            body = await calendar_bytes(session, await network_events(session, now), config.network.name,
                                        config.network.timezone, locale=config.network.default_locale)
        return _ics(request, body, "network.ics")

    async def venue(request: Request) -> Response:
        slug = request.path_params["slug"]
        now = app.clock.now()
        async with app.db.session() as session:
            row = await venue_by_slug(session, slug) if len(slug) <= 63 else None
            if row is None:
                return PlainTextResponse("unknown venue", status_code=404)
            body = await calendar_bytes(session, await venue_events(session, row.id, now),
                                        f"{row.name} — {config.network.name}", row.timezone,
                                        locale=config.network.default_locale)
        return _ics(request, body, f"{slug}.ics")

    async def member(request: Request) -> Response:
        now = app.clock.now()
        async with app.db.session() as session:
            person = await member_by_token(session, request.path_params["token"])
            if person is None:
                return PlainTextResponse("not found", status_code=404)
            body = await member_calendar_bytes(session, person.id, now, config.network.name, config.network.timezone,
                                               config.network.default_locale)
        return _ics(request, body, "my-events.ics", private=True)

    return [
        Route("/calendar/network.ics", network),
        Route("/calendar/venue/{slug}.ics", venue),
        Route("/calendar/member/{token}.ics", member),
    ]
