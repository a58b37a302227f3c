"""`maillage doctor`: is this installation ready? One line per check, exit 1 if any fails.

Checks the configuration, the database (reachable, migrated), that a platform is configured, each
platform's token (named with where to get it when the environment lacks it; Telegram's
getMe, Discord's /users/@me when the network answers; "cannot reach" otherwise, a warning, since a
machine being set up offline is no broken installation), the webhook URL, the web face's port, the
time zone and the calendar feeds (last success, failures). Read-only: it writes nothing anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cli import config_from, run_async
from bot.config import Config, ConfigError, missing_secrets

OK, WARN, FAIL = "ok", "warn", "FAIL"
DATABASE_TIMEOUT = 30.0  # seconds: a database server that does not answer by then is reported as such
NETWORK_TIMEOUT = 8.0  # seconds per platform request: enough for a slow link, short for an offline one
TELEGRAM_API = "https://api.telegram.org"
DISCORD_API = "https://discord.com/api/v10"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str

    def line(self) -> str:
        return f"[{self.status:>4}] {self.name:<10} {self.detail}"


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    import httpx

    async with httpx.AsyncClient(timeout=NETWORK_TIMEOUT) as client:
        response = await client.get(url, headers=headers or {})
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


def _unreachable(where: str, host: str, error: Exception) -> Check | None:
    import httpx

    if isinstance(error, (httpx.TransportError, OSError)):
        return Check(where, WARN, f"cannot reach {host} ({type(error).__name__}): token not verified")
    return None


# Where each platform's token comes from: a missing one is named with the way to get it.
TOKEN_SOURCES = {"telegram": "the token @BotFather gives with /newbot",
                 "discord": "the bot token from https://discord.com/developers/applications, tab Bot"}


def check_platforms(config: Config) -> list[Check]:
    """No platform section at all: the bot would reach nobody, and nothing else would say so."""
    if config.telegram is not None or config.discord is not None:
        return []
    return [Check("platforms", WARN, 'no [telegram] nor [discord] section: the bot reaches nobody. Add '
                                     '[telegram] token_env = "TELEGRAM_TOKEN" and/or [discord] token_env = '
                                     '"DISCORD_TOKEN" (see config.example.toml), then set those variables')]


def _missing(config: Config, platform: str) -> list[Check]:
    section = getattr(config, platform)
    checks = []
    for line in missing_secrets(config, (platform,)):
        if line.startswith(f"{platform}.token_env:"):
            line += f": export {section.token_env}=... ({TOKEN_SOURCES[platform]})"
        checks.append(Check(platform, FAIL, line))
    return checks


async def check_telegram(config: Config) -> list[Check]:
    telegram = config.telegram
    if telegram is None:
        return []
    problems = _missing(config, "telegram")
    if problems:
        return problems
    base = (telegram.api_base_url or TELEGRAM_API).rstrip("/")
    host = base.split("://", 1)[-1]
    try:
        status, body = await _get(f"{base}/bot{telegram.token}/getMe")
    except Exception as error:  # noqa: BLE001 - every network failure is one line, never a traceback
        return [_unreachable("telegram", host, error) or Check("telegram", FAIL, f"{host}: {error}")]
    if status == 401 or body.get("ok") is False:
        return [Check("telegram", FAIL, f"{host} refuses the token in {telegram.token_env} "
                                        f"({body.get('description', status)})")]
    username = (body.get("result") or {}).get("username")
    found = [Check("telegram", OK, f"token accepted: @{username}")]
    if telegram.username and username and telegram.username.lstrip("@").lower() != username.lower():
        found.append(Check("telegram", FAIL, f"telegram.username is {telegram.username!r} but the token is @{username}'s"))
    if telegram.mode == "webhook":
        found.append(await _check_webhook(config, base))
    return found


async def _check_webhook(config: Config, base: str) -> Check:
    telegram = config.telegram
    assert telegram is not None
    if not (telegram.webhook_url or "").startswith("https://"):
        return Check("webhook", FAIL, f"{telegram.webhook_url!r}: Telegram only calls https:// URLs")
    try:
        _status, body = await _get(f"{base}/bot{telegram.token}/getWebhookInfo")
    except Exception as error:  # noqa: BLE001
        return _unreachable("webhook", base.split("://", 1)[-1], error) or Check("webhook", FAIL, str(error))
    info = body.get("result") or {}
    registered = info.get("url") or ""
    if registered and registered != telegram.webhook_url:
        return Check("webhook", WARN, f"Telegram calls {registered}; `maillage run` will set {telegram.webhook_url}")
    if info.get("last_error_message"):
        return Check("webhook", WARN, f"{telegram.webhook_url}: Telegram's last error: {info['last_error_message']}")
    return Check("webhook", OK, telegram.webhook_url or "")


async def check_discord(config: Config) -> list[Check]:
    if config.discord is None:
        return []
    problems = _missing(config, "discord")
    if problems:
        return problems
    try:
        status, body = await _get(f"{DISCORD_API}/users/@me", {"Authorization": f"Bot {config.discord.token}"})
    except Exception as error:  # noqa: BLE001
        return [_unreachable("discord", "discord.com", error) or Check("discord", FAIL, str(error))]
    if status == 401:
        return [Check("discord", FAIL, f"discord.com refuses the token in {config.discord.token_env}")]
    if status >= 400:
        return [Check("discord", WARN, f"discord.com answered {status}: token not verified")]
    return [Check("discord", OK, f"token accepted: {body.get('username', '?')}")]


async def check_database(config: Config) -> list[Check]:
    from sqlalchemy.engine import make_url

    from storage.db import Database
    from storage.migrate import current_revisions, head_revisions

    url = make_url(config.database.url)
    where = url.database if url.get_backend_name() == "sqlite" else f"{url.host}:{url.port or 5432}/{url.database}"
    db = Database(config.database.url)
    try:
        current = await asyncio.wait_for(current_revisions(db), DATABASE_TIMEOUT)
    except asyncio.TimeoutError:
        return [Check("database", FAIL, f"{url.get_backend_name()} {where}: no answer in {DATABASE_TIMEOUT:.0f} s")]
    except Exception as error:  # noqa: BLE001
        return [Check("database", FAIL, f"{url.get_backend_name()} {where}: cannot connect ({str(error)[:120]})")]
    finally:
        await db.dispose()
    heads = head_revisions()
    if current != heads:
        at = ", ".join(sorted(current)) or "empty"
        return [Check("database", FAIL, f"{where}: at {at}, latest {', '.join(sorted(heads))}: "
                                        "run `maillage db upgrade`")]
    return [Check("database", OK, f"{url.get_backend_name()} {where}, migrated ({', '.join(sorted(heads))})")]


def check_web(config: Config) -> list[Check]:
    if config.web is None:
        return []
    web = config.web
    try:
        with socket.socket(socket.AF_INET6 if ":" in web.host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((web.host, web.port))
    except OSError as error:
        return [Check("web", WARN, f"{web.host}:{web.port} is taken or not bindable ({error.strerror}): "
                                   "another program, or the bot already running")]
    public = f", public URL {web.public_url}" if web.public_url else " (no public_url: calendar links are not shown)"
    return [Check("web", OK, f"{web.host}:{web.port} is free{public}")]


def check_timezone(config: Config, now: datetime) -> list[Check]:
    zone = config.network.timezone
    try:
        local = now.astimezone(ZoneInfo(zone))
    except Exception as error:  # noqa: BLE001 - a missing tzdata package on a minimal system
        return [Check("timezone", FAIL, f"{zone}: {error} (install the tzdata package)")]
    return [Check("timezone", OK, f"{zone}: it is {local:%Y-%m-%d %H:%M} there")]


async def check_feeds(config: Config, now: datetime) -> list[Check]:
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Venue
    from storage.models.events import FeedSource

    db = Database(config.database.url)
    try:
        async with db.session() as session:
            rows = (await session.execute(select(FeedSource, Venue.slug).join(Venue, Venue.id == FeedSource.venue_id)
                                          .where(FeedSource.enabled.is_(True)).order_by(Venue.slug))).all()
    except Exception:  # noqa: BLE001 - the database check has said why
        return []
    finally:
        await db.dispose()
    if not rows and not config.events.feeds:
        return [Check("feeds", OK, "no calendar feeds")]
    if not rows:
        return [Check("feeds", WARN, f"{len(config.events.feeds)} feed(s) in the config, none in the database yet")]
    checks = []
    for source, slug in rows:
        last = source.last_success_at.strftime("%Y-%m-%d %H:%M UTC") if source.last_success_at else "never"
        if source.error_streak:
            checks.append(Check("feeds", FAIL, f"{slug} #{source.id}: {source.error_streak} failure(s) in a row, "
                                               f"last success {last}: {(source.last_error or '')[:100]}"))
        elif source.last_success_at is None:
            checks.append(Check("feeds", WARN, f"{slug} #{source.id}: never synced (`maillage feeds sync`)"))
        else:
            checks.append(Check("feeds", OK, f"{slug} #{source.id}: last success {last}"))
    return checks


async def run_checks(config: Config, now: datetime) -> list[Check]:
    database = await check_database(config)
    telegram, discord = await asyncio.gather(check_telegram(config), check_discord(config))
    feeds = await check_feeds(config, now) if database[0].status == OK else []
    return [Check("config", OK, f"{config.source}: {config.network.name}, {len(config.venues)} venue(s)"),
            *database, *check_platforms(config), *telegram, *discord, *check_web(config), *check_timezone(config, now), *feeds]


def _doctor(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock

    try:
        config = config_from(args)
    except ConfigError as error:
        for problem in error.problems:
            print(Check("config", FAIL, problem).line())
        return 1
    checks = run_async(run_checks(config, SystemClock().now()))
    for check in checks:
        print(check.line())
    failed = sum(1 for c in checks if c.status == FAIL)
    warned = sum(1 for c in checks if c.status == WARN)
    print(f"{len(checks)} check(s): {failed} failed, {warned} warning(s)", file=sys.stderr)
    return 1 if failed else 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check the installation: config, database, tokens, webhook, web port, time zone, feeds",
        description="Check the configuration, the database (reachable, migrated), each platform token (a real "
                    "request when the network answers), the webhook URL, the web face's port, the time zone and "
                    "the calendar feeds. One line per check; exit status 1 if any fails. Writes nothing.")
    doctor.set_defaults(func=_doctor)
