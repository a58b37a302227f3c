"""Telegram errors -> the core's typed delivery errors (what the outbox dispatcher acts on)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from telegram import error as tg

from adapters.telegram.errors import is_not_modified, retry_seconds, to_delivery_error
from bot.ports import RateLimited, Rejected, Transient, UnknownOutcome, Unreachable


def timed_out(cause: Exception | None = None, message: str | None = None) -> tg.TimedOut:
    try:
        try:
            if cause is not None:
                raise cause
            raise tg.TimedOut(message)
        except httpx.TimeoutException as inner:
            raise tg.TimedOut(message) from inner
    except tg.TimedOut as error:
        return error


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_becomes_rate_limited_with_the_wait():
    mapped = to_delivery_error(tg.RetryAfter(7))
    assert isinstance(mapped, RateLimited) and mapped.retry_after == 7.0
    assert retry_seconds(tg.RetryAfter(dt.timedelta(seconds=2.5))) == 2.5


@pytest.mark.parametrize("error, expected", [
    (tg.Forbidden("Forbidden: bot was blocked by the user"), Unreachable),
    (tg.Forbidden("Forbidden: user is deactivated"), Unreachable),
    (tg.BadRequest("Bad Request: chat not found"), Unreachable),
    (tg.BadRequest("Bad Request: message is too long"), Rejected),
    (tg.BadRequest("Bad Request: can't parse entities: unsupported start tag"), Rejected),
    (tg.BadRequest("Bad Request: BUTTON_DATA_INVALID"), Rejected),
    (tg.EndPointNotFound("Not Found"), Rejected),
    (tg.NetworkError("httpx.ConnectError: [Errno 111] Connection refused"), Transient),
    (tg.NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response."), Transient),
    (tg.NetworkError("Bad Gateway"), Transient),
    (tg.ChatMigrated(-1004001), Transient),
    (tg.InvalidToken("The token `123:SECRET` was rejected by the server."), Transient),
])
def test_each_telegram_error_has_its_type(error, expected):
    assert type(to_delivery_error(error)) is expected


def test_invalid_token_never_repeats_the_token():
    mapped = to_delivery_error(tg.InvalidToken("The token `123:SECRET` was rejected by the server."))
    assert "SECRET" not in str(mapped)


def test_timeouts_after_sending_are_unknown_before_sending_transient():
    assert isinstance(to_delivery_error(timed_out(httpx.ReadTimeout("read"))), UnknownOutcome)
    assert isinstance(to_delivery_error(timed_out(httpx.WriteTimeout("write"))), UnknownOutcome)
    assert isinstance(to_delivery_error(timed_out()), UnknownOutcome)  # no cause: assume it may have arrived
    assert isinstance(to_delivery_error(timed_out(httpx.ConnectTimeout("connect"))), Transient)
    pool = tg.TimedOut("Pool timeout: All connections in the connection pool are occupied. "
                       "Request was *not* sent to Telegram.")
    assert isinstance(to_delivery_error(pool), Transient)


def test_an_edit_that_changes_nothing_is_recognised():
    assert is_not_modified(tg.BadRequest("Bad Request: message is not modified: specified new message content"))
    assert not is_not_modified(tg.BadRequest("Bad Request: message to edit not found"))
