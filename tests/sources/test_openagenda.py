"""OpenAgenda v2: page mapping and paged fetching, against recorded API answers served by a mock transport."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from adapters.sources.model import FeedError
from adapters.sources.openagenda import fetch_openagenda, parse_openagenda_page, pick_language

RECORDED = Path(__file__).resolve().parents[3] / "shared" / "data" / "openagenda"
UTC = timezone.utc
SEPT_2022 = datetime(2022, 9, 15, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not RECORDED.is_dir(), reason=f"recorded OpenAgenda answers not found at {RECORDED}")


def page_of(*events: dict, after=None, total=None) -> bytes:
    return json.dumps({"success": True, "total": total or len(events), "events": list(events), "after": after}).encode()


def sample_event() -> dict:
    return json.loads((RECORDED / "sample.json").read_text())


def test_pick_language_prefers_french_then_english_then_any():
    assert pick_language({"en": "Hello", "fr": "Bonjour"}) == "Bonjour"
    assert pick_language({"de": "Hallo", "en": "Hello"}) == "Hello"
    assert pick_language({"de": "Hallo", "fr": ""}) == "Hallo"
    assert pick_language("plain") == "plain"


def test_detailed_event_gives_one_occurrence_per_timing():
    occurrences, after, warnings = parse_openagenda_page(page_of(sample_event(), after=[1, 2]))
    assert after == [1, 2] and warnings == []
    assert len(occurrences) == len(sample_event()["timings"]) == 7
    first = occurrences[0]
    assert first.source_uid == "30815625"
    assert first.recurrence_id == "2023-09-26T09:00:00+00:00" == first.start.isoformat()
    assert first.end == datetime(2023, 9, 26, 12, tzinfo=UTC)
    assert (first.title, first.description) == ("Un titre", "Desc")
    assert first.location.startswith("Musée d'art moderne Richard Anacréon, Place de l’Isthme")
    assert (first.latitude, first.longitude) == (48.839113, -1.600285)
    assert first.timezone == "Europe/Paris" and first.status == "confirmed"
    assert first.updated == datetime(2023, 8, 21, 14, 41, 50, tzinfo=UTC)
    assert first.categories == ("Mot", "clé", "trousseau")
    assert first.url == "https://openagenda.com/agendas/36441758/events/un-titre-3127707"
    assert len({o.key for o in occurrences}) == 7


@pytest.mark.parametrize(("changes", "status"), [({"status": 6}, "cancelled"), ({"status": 4}, "tentative"),
                                                  ({"status": 5}, "confirmed"), ({"state": -1}, "cancelled")])  # fmt: skip
def test_status_and_state_map_to_occurrence_status(changes: dict, status: str):
    event = sample_event() | changes
    occurrences, _, _ = parse_openagenda_page(page_of(event))
    assert {o.status for o in occurrences} == {status}


def test_window_drops_timings_outside_it():
    window = (datetime(2023, 9, 27, tzinfo=UTC), datetime(2023, 9, 28, tzinfo=UTC))
    occurrences, _, _ = parse_openagenda_page(page_of(sample_event()), window=window)
    assert [o.start.strftime("%d %H:%M") for o in occurrences] == ["27 12:00", "27 13:00"]


def test_recorded_list_page_without_timings_falls_back_to_next_and_last_timing():
    occurrences, after, warnings = parse_openagenda_page((RECORDED / "events.response.json").read_bytes())
    assert isinstance(after, list) and len(after) == 4
    assert {o.source_uid for o in occurrences} >= {"80533203"}
    assert any("detailed=1" in w for w in warnings)
    lecture = next(o for o in occurrences if o.source_uid == "80533203")
    assert lecture.title == "Lecture : Au moyen d’une magnifique prose poétique"
    assert lecture.start == datetime(2022, 9, 16, 16, 30, tzinfo=UTC)


def test_a_broken_event_is_a_warning_not_a_failure():
    broken = sample_event() | {"uid": 1, "timings": [{"begin": "not a date", "end": "x"}]}
    occurrences, _, warnings = parse_openagenda_page(page_of(broken, sample_event()))
    assert len(occurrences) == 7
    assert any(w.startswith("OpenAgenda event 1 could not be read") for w in warnings), warnings


@pytest.mark.parametrize(
    ("body", "message", "kind"),
    [(b"<html>502</html>", "invalid JSON", "invalid"),
     (b'{"success": false, "message": "invalid key"}', "invalid key", "refused"),
     (b"[]", "events page", "invalid")],
)
def test_invalid_answers_raise_feed_error(body: bytes, message: str, kind: str):
    with pytest.raises(FeedError, match=message) as caught:
        parse_openagenda_page(body)
    assert caught.value.kind == kind


def recorded_api(requests: list[httpx.Request]) -> httpx.MockTransport:
    """Serve manyEvents.response.json: page "from0" first, page "from20" after its cursor."""
    pages = json.loads((RECORDED / "manyEvents.response.json").read_text())

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.headers.get("key") != "public-key":
            return httpx.Response(403, json={"success": False, "message": "invalid key"})
        cursor = request.url.params.get_list("after[]")
        if not cursor:
            return httpx.Response(200, json=pages["from0"])
        if cursor == [str(v) for v in pages["from0"]["after"]]:
            return httpx.Response(200, json=pages["from20"])
        return httpx.Response(400, json={"success": False, "message": f"unexpected cursor {cursor}"})

    return httpx.MockTransport(handler)


async def test_fetch_reads_every_page_with_key_header_cursor_and_filters():
    requests: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=recorded_api(requests)) as client:
        since = datetime(2022, 9, 1, 8, tzinfo=UTC)
        result = await fetch_openagenda(client, 520499, "public-key", updated_since=since, now=SEPT_2022, size=20)
    assert len(requests) == 2  # total=25 reached after the second page
    first = requests[0].url
    assert first.path == "/v2/agendas/520499/events" and first.host == "api.openagenda.com"
    assert first.params["detailed"] == "1" and first.params["size"] == "20"
    assert first.params["updatedAt[gte]"] == "2022-09-01T08:00:00.000Z"
    assert first.params["timings[gte]"] == "2022-09-14T00:00:00.000Z"
    assert requests[1].url.params.get_list("after[]") == ["0", "1663502400000", "1663511400000", "56614506"]
    assert len({o.source_uid for o in result.occurrences}) == 25
    assert result.window_start is None  # incremental: absence says nothing
    assert [o.start for o in result.occurrences] == sorted(o.start for o in result.occurrences)


async def test_full_fetch_carries_its_window():
    async with httpx.AsyncClient(transport=recorded_api([])) as client:
        result = await fetch_openagenda(client, "520499", "public-key", now=SEPT_2022, horizon_days=30)
    assert result.window_start == datetime(2022, 9, 14, tzinfo=UTC)
    assert result.window_end == datetime(2022, 10, 15, tzinfo=UTC)


async def test_fetch_stops_when_the_api_repeats_a_cursor():
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        event = sample_event() | {"uid": calls}
        return httpx.Response(200, content=page_of(event, after=[7], total=1000))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        result = await fetch_openagenda(client, 1, "k", now=datetime(2023, 9, 25, tzinfo=UTC))
    assert calls == 2 and len({o.source_uid for o in result.occurrences}) == 2


async def test_fetch_errors_become_feed_errors():
    async with httpx.AsyncClient(transport=recorded_api([])) as client:
        with pytest.raises(FeedError, match="403") as caught:
            await fetch_openagenda(client, 520499, "wrong-key", now=SEPT_2022)
    assert caught.value.kind == "forbidden"
