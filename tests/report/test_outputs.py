"""The report's files: one self-contained printable HTML (parsed strictly), CSV and JSON; /report in
chat for animators only; `maillage report` with clear errors; the nightly job."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import xml.etree.ElementTree as ET

from bot.cli import main
from bot.i18n import Translator
from bot.report.export import render
from bot.report.service import build_report
from jobs import report as report_job
from reportkit import PERIOD

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


async def document(app, locale="fr", venue=None):
    async with app.db.session() as session:
        return await build_report(session, app.config, PERIOD, now=app.clock.now(), locale=locale, venue_slug=venue)


def parse_html(content: bytes) -> ET.Element:
    text = content.decode()
    assert text.startswith("<!DOCTYPE html>")
    return ET.fromstring(text[len("<!DOCTYPE html>"):])


async def test_html_is_one_well_formed_printable_file(app, seeded):
    content = render(await document(app), "html", Translator("fr"))
    root = parse_html(content)
    style = root.find(f"{XHTML}head/{XHTML}style").text
    assert "@page" in style and "size: A4" in style and "@media print" in style
    # Self-contained: no script, no external image, stylesheet or font.
    assert root.find(f".//{XHTML}script") is None and root.find(f".//{XHTML}link") is None
    assert root.find(f".//{XHTML}img") is None and "url(" not in style
    sections = [s.get("id") for s in root.iter(f"{XHTML}section")]
    assert sections == ["members", "programme", "collaborations", "skills", "partners", "light_touch"]
    graph = next(s for s in root.iter(f"{SVG}svg") if s.get("class") == "graph")
    assert len(graph.findall(f"{SVG}circle")) == 4 and len(graph.findall(f"{SVG}line")) == 1
    text = "".join(root.itertext())
    assert "< 5" in text and "Membres par lieu" in text and "Rapport du réseau" in text
    assert "Traceback" not in text


async def test_english_html_and_a_venue(app, seeded):
    root = parse_html(render(await document(app, "en", "hangar"), "html", Translator("en")))
    text = "".join(root.itertext())
    assert "Report: Le Hangar" in text and "Members per venue" not in text


async def test_csv_and_json(app, seeded):
    doc = await document(app, "en")
    rows = list(csv.reader(io.StringIO(render(doc, "csv", Translator("en")).decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Table", "Label", "This period", "Previous period", "Change"]
    assert ["Members", "Members per venue", "Université", "< 5", "0", ""] in rows
    assert ["Members", "", "Members", "18", "8", "+10"] in rows
    parsed = json.loads(render(doc, "json", Translator("en")))
    assert parsed["period"] == {"from": "2026-11-01", "to": "2026-11-20"} and parsed["min_count"] == 5


async def test_report_in_chat_for_animators(app, memory, seeded):
    boss = memory.user("animator", "Boss")
    [reply] = await boss.send("/rapport 01/11/2026 20/11/2026")
    assert reply.private and reply.attachment.filename == "rapport-2026-11-01-2026-11-20.html"
    assert "• Membres : 18 (+10)" in reply.text and "Événements : 2 (+1)" in reply.text
    parse_html(reply.attachment.content)
    [csv_reply] = await boss.send("/report 2026-11-01 2026-11-20 hangar csv")
    assert csv_reply.attachment.filename.endswith("hangar-2026-11-01-2026-11-20.csv")
    [wrong] = await boss.send("/rapport 20/11/2026 01/11/2026")
    assert "avant celle du début" in wrong.text and wrong.attachment is None
    [named] = await boss.send("/rapport 2026-11-01 2026-11-20 Le Hangar csv")  # the name, as a person says it
    assert named.attachment.filename.endswith("hangar-2026-11-01-2026-11-20.csv")
    assert named.title == "Rapport : Le Hangar", "a venue's report is titled as the venue's"
    [unknown] = await boss.send("/rapport nulle-part")
    assert "nulle-part" in unknown.text and "hangar" in unknown.text
    [garbled] = await boss.send("/rapport 31/02/2026 hangar")
    assert "31/02/2026" in garbled.text and "/rapport 01/09/2026" in garbled.text
    member = memory.user("someone", "Someone")
    [refused] = await member.send("/rapport")
    assert refused.attachment is None


async def test_the_default_period_is_the_last_three_whole_months_or_a_younger_networks_whole_life(app, memory, seeded):
    """The seeded network began on 15 October: a report of August-October would compare its first
    fortnight with months before it existed. It gets its whole life up to the end of last month."""
    [reply] = await memory.user("animator", "Boss").send("/report")
    assert reply.attachment.filename == "rapport-2026-10-15-2026-10-31.html"
    assert reply.text.startswith("Du 15 octobre 2026 au 31 octobre 2026 (le réseau a commencé le 15 octobre 2026 : "
                                 "pas de période précédente à comparer) :"), reply.text
    assert "(+" not in reply.text and "(-" not in reply.text, "no change against a period before the network"
    assert "le réseau a commencé le 15 octobre 2026" in reply.attachment.content.decode()
    [asked] = await memory.user("animator", "Boss").send("/report 2026-08-01 2026-10-31")
    assert asked.attachment.filename == "rapport-2026-08-01-2026-10-31.html", "dates asked are kept"


async def test_cli_writes_each_format_and_explains_mistakes(app, seeded, config_file, tmp_path, capsys):
    async def cli(*args):
        return await asyncio.to_thread(main, ["--config", config_file, "report", *args])

    out = tmp_path / "r.html"
    assert await cli("--from", "2026-11-01", "--to", "2026-11-20", "-o", str(out), "--at", "2026-11-25T10:00+00:00") == 0
    parse_html(out.read_bytes())
    assert await cli("--from", "2026-11-01", "--to", "2026-11-20", "--format", "json", "--lang", "en",
                     "-o", str(tmp_path / "r.json"), "--at", "2026-11-25T10:00+00:00") == 0
    assert json.loads((tmp_path / "r.json").read_text())["sections"][0]["figures"][0]["cells"][0]["current"] == \
        {"value": 18, "text": "18"}
    capsys.readouterr()
    assert await cli("--from", "2026-11-01") == 2
    assert "both --from and --to" in capsys.readouterr().err
    assert await cli("--from", "2026-11-01", "--to", "2026-11-20", "--venue", "nowhere", "--lang", "en") == 2
    assert 'I don\'t know the venue "nowhere"' in capsys.readouterr().err


async def test_the_nightly_job_closes_days(app, seeded):
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(timezone="Europe/Paris")
    report_job.schedule(scheduler, app)
    assert {job.id for job in scheduler.get_jobs()} == {"report_aggregate", "report_aggregate_catch_up"}
    assert await report_job.run(app) > 0
    assert await report_job.run(app) == 0
