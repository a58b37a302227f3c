"""The live wall's pages: /wall (the network), /wall/{slug} (one venue), and their event stream.

`?lang=en` switches the language (French by default, or the network's default), `?layout=portrait`
forces the portrait layout (otherwise the screen's orientation decides; a phone gets a scrollable
page). The page is self-contained: its CSS and script are inlined, QR codes and the map are SVG,
nothing is fetched from anywhere else. A private venue's wall needs its `?token=`.
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from adapters.web.wall_api import api_routes
from adapters.web.wall_live import WallHub
from bot.i18n import LOCALES, Translator
from bot.wall.tokens import allowed

if TYPE_CHECKING:
    from bot.application import App

HERE = Path(__file__).parent
CSS = (HERE / "static" / "wall.css").read_text(encoding="utf-8")
JS = (HERE / "static" / "wall.js").read_text(encoding="utf-8")
PAGE = Template((HERE / "templates" / "wall.html").read_text(encoding="utf-8"))
# A screen reloads itself when the server it reconnects to serves another version of the page.
BUILD = hashlib.sha256((CSS + JS + PAGE.template).encode()).hexdigest()[:12]


def wall_locale(request: Request, default: str) -> str:
    lang = request.query_params.get("lang", default)
    return lang if lang in LOCALES else default


def routes(app: "App") -> list[BaseRoute]:
    hub = WallHub(app)
    config = app.config

    async def page(request: Request) -> Response:
        slug = request.path_params.get("slug")
        token = request.query_params.get("token")
        if not await allowed(app.db, config, slug, token):
            return PlainTextResponse("this wall needs its link (maillage wall url VENUE)", status_code=403)
        locale = wall_locale(request, config.network.default_locale)
        drawing = await hub.drawing(slug, locale)
        if drawing is None:
            return PlainTextResponse("unknown venue", status_code=404)
        t = Translator(locale)
        wall = drawing.wall
        query = {"lang": locale} | ({"venue": slug} if slug else {}) | ({"token": token} if token else {})
        layout = request.query_params.get("layout", "auto")
        values = {name: html for name, html in drawing.panels.items()}
        values.update(
            lang=locale, css=CSS, js=JS, build=BUILD, version=escape(drawing.version),
            title=escape(t("wall.page_title", network=wall.network)),
            heading=escape(wall.venue.name if wall.venue else wall.network),
            subheading=escape(t("wall.subheading_venue", network=wall.network) if wall.venue
                              else t("wall.subheading", count=len(wall.venues))),
            offline=escape(t("wall.offline")), stream=escape("/wall-stream?" + urlencode(query)),
            health="/healthz", tz=escape(wall.timezone), layout=layout if layout in ("auto", "portrait", "landscape") else "auto",
            rotate=f"{config.wall.rotate_seconds:g}", heartbeat=f"{config.wall.heartbeat_seconds:g}")
        return HTMLResponse(PAGE.substitute(values), headers={"Cache-Control": "no-store"})

    async def stream(request: Request) -> Response:
        slug = request.query_params.get("venue") or None
        if not await allowed(app.db, config, slug, request.query_params.get("token")):
            return PlainTextResponse("forbidden", status_code=403)
        locale = wall_locale(request, config.network.default_locale)
        if await hub.drawing(slug, locale) is None:
            return PlainTextResponse("unknown venue", status_code=404)
        last = request.headers.get("last-event-id") or request.query_params.get("last")
        stopping = getattr(request.app.state, "stopping", None)
        return StreamingResponse(hub.stream(slug, locale, last, BUILD, stopping), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return [Route("/wall", page), Route("/wall/{slug}", page), Route("/wall-stream", stream),
            *api_routes(app, hub)]
