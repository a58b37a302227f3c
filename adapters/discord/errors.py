"""Discord's failures mapped onto the core's typed delivery errors, and send nonces.

- 50007 "Cannot send messages to this user" (DMs closed, no shared server, bot blocked) and 10013
  "Unknown user" on a DM: `Unreachable`, never retried; the dispatcher marks the identity.
- 429: `RateLimited(retry_after)`. discord.py already waits out short limits itself (up to the
  client's `max_ratelimit_timeout`); a longer one arrives as `discord.RateLimited`.
- 5xx, a reset connection, a timeout: `Transient`. Resending is safe because every send carries a
  nonce derived from the outbox idempotency key with `enforce_nonce` (discord.py 2.7 sets
  `enforce_nonce: true` itself whenever a nonce is given): Discord returns the message already
  created with that nonce instead of creating a second one (for a few minutes after the first).
- Other 4xx (missing access or permissions, unknown channel, invalid body): `Rejected`.
"""

from __future__ import annotations

import asyncio
import hashlib

import aiohttp
import discord

from bot.ports import DeliveryError, RateLimited, Rejected, Transient, Unreachable

CANNOT_DM = 50007
UNKNOWN_USER = 10013
DEFAULT_RETRY_AFTER = 5.0

# Everything a send may raise that we translate; anything else is a bug and propagates.
SEND_ERRORS = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError, asyncio.TimeoutError)


def nonce_for(idempotency_key: str | None, part: int = 0) -> int | None:
    """A stable 63-bit nonce for part `part` of the message with this key (Discord allows 25 chars)."""
    if not idempotency_key:
        return None
    digest = hashlib.sha256(f"{idempotency_key}#{part}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2 ** 63 - 1) or 1


def delivery_error(error: BaseException, *, dm: bool = False) -> DeliveryError:
    """The typed error for a failure of one Discord request (`dm`: the target was a person)."""
    if isinstance(error, discord.RateLimited):
        return RateLimited(float(error.retry_after), f"Discord rate limit: retry after {error.retry_after:.1f}s")
    if isinstance(error, discord.HTTPException):
        return _from_http(error, dm=dm)
    if isinstance(error, (aiohttp.ClientError, OSError, asyncio.TimeoutError)):
        return Transient(f"Discord connection failed: {type(error).__name__}: {error}")
    return Transient(f"unexpected Discord failure: {error!r}")


def _from_http(error: discord.HTTPException, *, dm: bool) -> DeliveryError:
    status, code = error.status, error.code
    text = f"Discord {status} (code {code}): {error.text or 'no message'}"
    if code == CANNOT_DM or (dm and code == UNKNOWN_USER):
        return Unreachable(text)
    if status == 429:
        return RateLimited(_retry_after(error), text)
    if status >= 500:
        return Transient(text)
    return Rejected(text)


def _retry_after(error: discord.HTTPException) -> float:
    headers = getattr(error.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return max(float(headers[name]), 0.0)
        except (KeyError, TypeError, ValueError):
            continue
    return DEFAULT_RETRY_AFTER
