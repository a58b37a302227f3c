"""The shortcuts taken for speed give exactly what the plain code gives: content-line heads split
once per process, the fingerprint's shared JSON encoder, occurrences pickled by value."""

from __future__ import annotations

import hashlib
import json
import pickle
from datetime import datetime, timezone

from icalendar.parser.content_line import Contentline

from adapters.sources.ics import parse_ics
from adapters.sources.ics_components import _HeadParsedLine
from adapters.sources.model import FeedOccurrence

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
LINES = [
    "DTSTART;TZID=Europe/Paris:20261127T183000",
    "DTSTART;TZID=Europe/Paris:20261128T090000",
    "SUMMARY:Repair café\\, salle 2",
    "CATEGORIES;LANGUAGE=fr:atelier,numérique",
    'ATTENDEE;MEMBER="mailto:a@example.org":mailto:b@example.org',  # a quoted head: the plain path
    "DESCRIPTION;ALTREP=\"cid:x\":Texte: avec deux-points",
    "X-THING;X-A=a,b:valeur",  # a list parameter: never cached, as lists are mutable
]


def test_head_split_lines_give_the_same_parts_as_icalendar():
    for line in LINES:
        for _ in range(2):  # the second time comes from the cache
            name, params, value = _HeadParsedLine(line).parts()
            plain_name, plain_params, plain_value = Contentline(line).parts()
            assert (name, dict(params), value) == (plain_name, dict(plain_params), plain_value)
            assert type(params) is type(plain_params)


def test_lines_sharing_a_head_never_share_their_parameters():
    first, second = (_HeadParsedLine(line).parts()[1] for line in LINES[:2])
    assert first == second and first is not second
    first["TZID"] = "America/New_York"
    assert _HeadParsedLine(LINES[1]).parts()[1]["TZID"] == "Europe/Paris"
    listed = [_HeadParsedLine(LINES[-1]).parts()[1]["X-A"] for _ in range(2)]
    assert listed[0] == ["a", "b"] and listed[0] is not listed[1]


def occurrence(**extra) -> FeedOccurrence:
    start = datetime(2026, 12, 1, 17, 30, tzinfo=timezone.utc)
    return FeedOccurrence(source_uid="u1", recurrence_id="", title="« Café »", start=start, end=start,
                          categories=("a", "b"), latitude=45.7, longitude=4.8, timezone="Europe/Paris", **extra)


def test_the_fingerprint_is_the_documented_json_hash():
    item = occurrence()
    content = [item.title, item.description, item.location, item.url, item.start.isoformat(), item.end.isoformat(),
               item.timezone, item.all_day, item.status, list(item.categories), item.latitude, item.longitude]
    expected = hashlib.blake2b(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode(),
                               digest_size=16).hexdigest()
    assert item.fingerprint == expected


def test_occurrences_survive_pickling_with_every_field():
    feed = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Paris:20261127T183000\r\n"
            b"RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Jeux\r\nGEO:45.7;4.8\r\nCATEGORIES:a,b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = parse_ics(feed, now=NOW)
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and len(copy.occurrences) == 3
    for before, after in zip(result.occurrences, copy.occurrences):
        assert type(after) is FeedOccurrence
        assert {name: getattr(after, name) for name in FeedOccurrence.__slots__} == {
            name: getattr(before, name) for name in FeedOccurrence.__slots__}
