"""The wall's public JSON API and the programme widget for venues' own websites.

`/api/programme.json?venue=SLUG&lang=en`, `/api/venues.json`, `/api/wall.json?venue=SLUG&lang=en`:
JSON with a strong ETag (a client sending `If-None-Match` gets 304 when nothing changed) and CORS
open to every origin (read-only, public data). `/embed/programme?venue=SLUG` is a light HTML
widget to put in an iframe: no script, inline CSS, this venue's events first.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.i18n import LOCALES, Translator
from bot.wall.programme import programme_json, venues_json
from bot.wall.tokens import allowed

if TYPE_CHECKING:
    from adapters.web.wall_live import WallHub
    from bot.application import App

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS",
        "Access-Control-Allow-Headers": "If-None-Match", "Access-Control-Expose-Headers": "ETag"}

EMBED_CSS = """body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1b26;background:#fff}
h1{font-size:17px;margin:8px 12px;color:#d9480f}ul{list-style:none;margin:0;padding:0 12px}
li{padding:6px 0;border-bottom:1px solid #eee}.when{color:#d9480f;font-weight:600}.where{color:#6b6577}
.here .title{font-weight:700}.cancelled .title{text-decoration:line-through;color:#6b6577}
a{color:inherit}.empty{margin:8px 12px;color:#6b6577}"""


def _locale(request: Request, default: str) -> str:
    lang = request.query_params.get("lang", default)
    return lang if lang in LOCALES else default


def json_response(request: Request, data, max_age: int = 30) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = CORS | {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Origin"}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def api_routes(app: "App", hub: "WallHub") -> list[BaseRoute]:
    config, db, clock = app.config, app.db, app.clock

    async def preflight(_request: Request) -> Response:
        return Response(status_code=204, headers=CORS | {"Access-Control-Max-Age": "86400"})

    async def programme(request: Request) -> Response:
        slug = request.query_params.get("venue") or None
        found = await programme_json(db, config, clock.now(), slug, _locale(request, config.network.default_locale))
        if found is None:
            return PlainTextResponse("unknown venue", status_code=404, headers=CORS)
        return json_response(request, {"network": config.network.name, "events": found})

    async def venues(request: Request) -> Response:
        return json_response(request, {"network": config.network.name, "venues": await venues_json(db, config)}, 300)

    async def wall(request: Request) -> Response:
        slug = request.query_params.get("venue") or None
        if not await allowed(db, config, slug, request.query_params.get("token")):
            return PlainTextResponse("forbidden", status_code=403, headers=CORS)
        drawing = await hub.drawing(slug, _locale(request, config.network.default_locale))
        if drawing is None:
            return PlainTextResponse("unknown venue", status_code=404, headers=CORS)
        return json_response(request, drawing.wall.as_json() | {"version": drawing.version}, 5)

    async def embed(request: Request) -> Response:
        slug = request.query_params.get("venue") or None
        locale = _locale(request, config.network.default_locale)
        found = await programme_json(db, config, clock.now(), slug, locale)
        if found is None:
            return PlainTextResponse("unknown venue", status_code=404)
        t = Translator(locale)
        items = []
        for event in found[:20]:
            here = slug is not None and any(v["slug"] == slug for v in event["venues"])
            classes = " ".join(c for c in ("here" if here else "", "cancelled" if event["status"] == "cancelled" else "") if c)
            title = escape(event["title"])
            if event["rsvp_link"] and event["status"] != "cancelled":
                title = f'<a href="{escape(event["rsvp_link"])}" target="_blank" rel="noopener">{title}</a>'
            where = escape(" · ".join(v["name"] for v in event["venues"]))
            items.append(f'<li class="{classes}"><div class="when">{escape(event["when"])}</div>'
                         f'<div class="title">{title}</div><div class="where">{where}</div></li>')
        listing = f"<ul>{''.join(items)}</ul>" if items else f'<p class="empty">{escape(t("wall.coming.none"))}</p>'
        page = (f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{escape(t("wall.embed.title", network=config.network.name))}</title>'
                f"<style>{EMBED_CSS}</style></head><body>"
                f'<h1>{escape(t("wall.embed.title", network=config.network.name))}</h1>{listing}</body></html>')
        # No X-Frame-Options: the point is to be framed by venues' websites.
        return HTMLResponse(page, headers={"Cache-Control": "public, max-age=60",
                                           "Content-Security-Policy": "frame-ancestors *"})

    return [Route("/api/programme.json", programme, methods=["GET"]),
            Route("/api/venues.json", venues, methods=["GET"]),
            Route("/api/wall.json", wall, methods=["GET"]),
            Route("/api/{name}.json", preflight, methods=["OPTIONS"]),
            Route("/embed/programme", embed)]
