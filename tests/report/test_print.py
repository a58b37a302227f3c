"""The HTML report printed by a real browser (headless Chromium): A4 pages, and a picture of page one."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess

import pytest

from bot.i18n import Translator
from bot.report.export import render
from bot.report.service import build_report
from reportkit import PERIOD

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
A4_POINTS = (595.0, 842.0)


def chromium(*args: str) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", *args], check=True,
                   capture_output=True, timeout=180)


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
async def test_the_report_prints_on_a4_pages(app, seeded, tmp_path):
    async with app.db.session() as session:
        document = await build_report(session, app.config, PERIOD, now=app.clock.now(), locale="fr")
    page = tmp_path / "report.html"
    page.write_bytes(render(document, "html", Translator("fr")))
    pdf, png = tmp_path / "report.pdf", tmp_path / "page1.png"
    await asyncio.to_thread(chromium, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    await asyncio.to_thread(chromium, "--hide-scrollbars", f"--screenshot={png}", "--window-size=820,1160",
                            page.as_uri())
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert boxes, "the PDF has pages"
    for width, height in boxes:
        assert abs(float(width) - A4_POINTS[0]) < 2 and abs(float(height) - A4_POINTS[1]) < 2
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000
