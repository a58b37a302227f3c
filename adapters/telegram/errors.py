"""Telegram's errors, mapped onto the core's typed delivery errors (bot/ports.py).

The outbox dispatcher decides from the type alone: `RateLimited` waits as asked, `Unreachable` marks
the person and stops, `Transient` retries with backoff, `UnknownOutcome` is never resent (it may
have arrived), `Rejected` is dropped for good (a malformed or too long message never loops).

The line between Transient and UnknownOutcome is whether the request could have reached Telegram:
a timeout while connecting or waiting for a pooled connection sent nothing (Transient); a timeout
while writing or reading the answer may have delivered the message (UnknownOutcome). Other network
errors (refused or reset connections, a keep-alive connection the server had closed) are Transient,
as python-telegram-bot reports them before any answer was read and Telegram has not acted on them.
"""

from __future__ import annotations

import datetime as dt
import warnings

import httpx
from telegram import error as tg

from bot.ports import DeliveryError, RateLimited, Rejected, Transient, UnknownOutcome, Unreachable

# Timeouts that prove the request never left: nothing can have been delivered.
_NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout)


def retry_seconds(error: tg.RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 returns int or timedelta, with a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def timed_out_before_sending(error: tg.TimedOut) -> bool:
    cause = error.__cause__
    return isinstance(cause, _NOT_SENT) or "not* sent" in str(error)


def to_delivery_error(error: tg.TelegramError) -> DeliveryError:
    """The typed error the core understands for a failed send. `ChatMigrated` is handled by the
    adapter (it resends to the new id); reaching here it counts as transient."""
    if isinstance(error, tg.RetryAfter):
        return RateLimited(retry_seconds(error), f"Telegram flood control: {error}")
    if isinstance(error, tg.Forbidden):
        return Unreachable(f"Telegram: {error}")
    if isinstance(error, tg.TimedOut):  # before BadRequest/NetworkError: it subclasses NetworkError
        if timed_out_before_sending(error):
            return Transient(f"Telegram request not sent: {error}")
        return UnknownOutcome(f"Telegram timed out after sending: {error}")
    if isinstance(error, tg.BadRequest):
        if _chat_gone(error):
            return Unreachable(f"Telegram: {error}")
        return Rejected(f"Telegram refused the message: {error}")
    if isinstance(error, tg.EndPointNotFound):
        return Rejected(f"Telegram: {error}")
    if isinstance(error, tg.ChatMigrated):
        return Transient(f"Telegram: {error}")
    if isinstance(error, tg.NetworkError):
        return Transient(f"Telegram network error: {error}")
    if isinstance(error, tg.InvalidToken):  # the operator must fix the token; keep the message meanwhile
        return Transient(f"Telegram refused the token: {type(error).__name__}")
    return Transient(f"Telegram error: {error}")


def _chat_gone(error: tg.BadRequest) -> bool:
    """A 400 that means the person or chat cannot be written to, rather than a bad message."""
    text = str(error).lower()
    return "chat not found" in text or "user not found" in text or "peer_id_invalid" in text


def is_not_modified(error: tg.BadRequest) -> bool:
    """An edit that changes nothing: harmless, the message already says it."""
    return "not modified" in str(error).lower()
