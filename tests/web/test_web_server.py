"""The HTTP server starts inside our loop, answers, and stops."""

from __future__ import annotations

import httpx

from adapters.web import start_web
from bot.config import WebConfig


async def test_health_endpoint(app):
    server = await start_web(WebConfig(host="127.0.0.1", port=0), app)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/healthz")
        assert response.json() == {"status": "ok", "network": "Réseau Test"}
    finally:
        await server.stop()
