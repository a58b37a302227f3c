"""Is the event a host is about to publish already in the programme? (issue 4, the reverse case)

The feed importer merges a feed occurrence into an event already posted by chat (`bot.feeds.dedupe`).
This is the other order: the venue's online calendar brought the event in first, then a host types
it with /event. Before publishing, the draft is compared with the published events of its day with
the same rule as the importer (`bot.feeds.match`: same local day, similar title, overlapping venue).

Only a SAME verdict (title at least 90 similar, starts within 2 hours) stops the publication: a
borderline look-alike ("Atelier vélo" vs "Atelier couture" at the same venue) is published without
a question, because the host is writing this event on purpose and a warning they learn to click
through is worse than none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.feeds.dedupe import ProgrammeIndex
from bot.feeds.match import Candidate, Verdict, best_match, place_keys
from storage.models.events import Event

DRAFT_KEY = "draft"  # the draft's key among candidates (events are keyed by id)


async def find_duplicate(session: AsyncSession, title: str, start: datetime, zone: str,
                         venue_ids: list[int]) -> Event | None:
    """The published event that is confidently the same as this draft, or None."""
    index = await ProgrammeIndex.load(session, start - timedelta(days=1), start + timedelta(days=1))
    draft = Candidate(DRAFT_KEY, title, start, zone, place_keys(venue_ids, "", index.names))
    found = best_match(draft, index.days.around(draft))
    if found is None or found[1].verdict is not Verdict.SAME:
        return None
    return await session.get(Event, int(found[0].key))
