"""Event sources for the programme: ICS feeds (URL or local file) and OpenAgenda agendas.

Platform- and database-free: fetch bytes (`fetch_feed`, `fetch_openagenda`), turn them into
`FeedOccurrence`s (`parse_ics`, `parse_openagenda_page`); the sync job upserts them by
(source, source_uid, recurrence_id). Every failure a feed can cause is a `FeedError`, whose `kind`
(one of `ERROR_KINDS`) says what to tell people.
"""

from adapters.sources.fetch import FetchResult, fetch_feed, make_client
from adapters.sources.ics import parse_ics
from adapters.sources.model import ERROR_KINDS, FeedError, FeedOccurrence, ParseResult
from adapters.sources.openagenda import fetch_openagenda, parse_openagenda_page

__all__ = [
    "ERROR_KINDS",
    "FeedError",
    "FeedOccurrence",
    "FetchResult",
    "ParseResult",
    "fetch_feed",
    "fetch_openagenda",
    "make_client",
    "parse_ics",
    "parse_openagenda_page",
]
