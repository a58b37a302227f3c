"""Which feed addresses are acceptable, and from where.

From the config file: https/http/webcal URLs, local paths, and `openagenda:AGENDA_UID` (with
`key_env`). From a chat: only http(s)/webcal URLs to public hosts: a host typing
`http://127.0.0.1:5432/` or a cloud metadata address must not make the bot probe its own network
(SSRF). The host name is resolved and every address must be public; redirects are checked the same
way by a request hook on the client used for chat-added feeds.

Where each check runs: `/feed_add` only checks the URL's form (`chat_url_problem`, no network). It
does not resolve the name: its handler holds the event's write transaction (on SQLite a database
lock every other writer waits for), and a DNS lookup has no bound of its own. The sync resolves the
name before every fetch (`resolves_public`, bounded by DNS_TIMEOUT, failing closed) and the public
client's hook re-checks every request and redirect, so a name that points to a private address is
refused at its first sync, and its hosts are told why ("private").
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the fetcher (httpx, icalendar) is imported when a client is made, not at start-up
    import httpx

OPENAGENDA_PREFIX = "openagenda:"
WEB_SCHEMES = ("http", "https", "webcal", "webcals")
MAX_URL = 1000
DNS_TIMEOUT = 2.0  # seconds for the sync's own check of a chat feed's host name


def kind_of(url: str) -> str:
    """FeedSource.kind for a configured address: openagenda, ics (a URL) or file (a local path)."""
    if url.startswith(OPENAGENDA_PREFIX):
        return "openagenda"
    return "ics" if urlsplit(url).scheme.lower() in WEB_SCHEMES else "file"


def stored_url(url: str) -> str:
    """What FeedSource.url holds: the agenda uid for OpenAgenda, else the address itself."""
    return url[len(OPENAGENDA_PREFIX):].strip() if url.startswith(OPENAGENDA_PREFIX) else url.strip()


def chat_url_problem(url: str) -> str | None:
    """Why a URL typed in a chat is refused (an i18n key under feeds.), or None when its form is fine."""
    if len(url) > MAX_URL:
        return "url_too_long"
    if url.startswith(OPENAGENDA_PREFIX):
        return "openagenda_config_only"
    parts = urlsplit(url)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return "url_scheme"
    if parts.username or parts.password:
        return "url_credentials"
    if not _public_literal(parts.hostname):
        return "url_private"
    return None


def _public_literal(host: str) -> bool:
    """False for loopback/private/link-local literals, their odd spellings, and local names; True
    for other names (the sync checks them again once resolved).

    Odd spellings are read the way the resolver would read them: full-width or circled digits
    (NFKC: "①②⑦.0.0.1" is 127.0.0.1), the inet_aton forms ("127.1", "0x7f000001", "2130706433",
    "0177.0.0.1"), and single-label names ("ip6-localhost", "router"), which a public calendar
    never has and /etc/hosts often maps to this machine.
    """
    name = unicodedata.normalize("NFKC", host).strip("[]").casefold().rstrip(".")
    if name in ("localhost", "") or name.endswith((".localhost", ".local", ".internal", ".localdomain")):
        return False
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        address = _inet_aton(name)
        if address is None:
            return "." in name  # a name: checked again once resolved; a single label is local
    return _public_address(address)


def _inet_aton(name: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a resolver would read in `name` ("127.1", "0x7f000001"...), if any."""
    if not name or not all(char.isascii() and (char.isalnum() or char == ".") for char in name):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(name))
    except (OSError, ValueError):
        return None


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # IPv6 forms that carry an IPv4 address (mapped, 6to4, NAT64) are judged by that address:
    # "::ffff:127.0.0.1" would otherwise pass as a global IPv6 address.
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _public_address(embedded)
    return address.is_global and not address.is_multicast


async def resolves_public(host: str) -> bool:
    """Every address `host` resolves to is public. An unresolvable name passes: the fetch fails anyway."""
    if not _public_literal(host):
        return False
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return True
    return all(_public_literal(info[4][0].split("%")[0]) for info in infos)


async def _guard(request: httpx.Request) -> None:
    from adapters.sources import FeedError

    if not await resolves_public(request.url.host):
        raise FeedError(f"{request.url.host} is a private address; only public calendar links are accepted",
                        kind="private")


async def _guard_peer(response: httpx.Response) -> None:
    """The address actually connected to must be public too: a name can resolve to a public address
    when checked and to a private one a moment later (DNS rebinding). Runs before the body is read."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    from adapters.sources import FeedError

    if peer and not _public_literal(str(peer[0]).split("%")[0]):
        await response.aclose()
        raise FeedError(f"{response.url.host} led to a private address; only public calendar links are accepted",
                        kind="private")


def make_public_client(**kwargs) -> httpx.AsyncClient:
    """A client for feeds added from a chat: every request, redirects included, to public hosts only,
    checked before connecting (the name) and after (the address connected to)."""
    from adapters.sources import make_client

    hooks = kwargs.pop("event_hooks", {}) or {}
    hooks = {**hooks, "request": [*hooks.get("request", []), _guard],
             "response": [*hooks.get("response", []), _guard_peer]}
    return make_client(event_hooks=hooks, **kwargs)
