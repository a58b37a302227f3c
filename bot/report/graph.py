"""The venue x venue collaboration graph: venues placed by their coordinates, links weighted by
introductions and co-hosted events of the period, drawn as inline SVG.

Widths come in three bands, and a link's introductions are shown as "< 5" below the threshold, so
the picture never tells how many people a small link involved. Venues without coordinates are set
in a row under the map.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

from bot.report.suppress import is_small

if TYPE_CHECKING:
    from bot.report.sections import Context

WIDTH, HEIGHT, MARGIN, ROW = 640, 420, 40, 50
BANDS = ((5, 1.5), (20, 4.0), (math.inf, 8.0))  # weight below the limit -> stroke width
KIND_COLOURS = {"coworking": "#2b6cb0", "fablab": "#c05621", "tiers-lieu": "#2f855a", "partner": "#6b46c1"}


def links(ctx: "Context") -> list[dict[str, Any]]:
    """Pairs of venues with their introductions and co-hosted events in the period."""
    intros, cohosts = ctx.b.cur.pairs("pair.intro"), ctx.b.cur.pairs("pair.cohost")
    found = []
    for a, b in sorted(set(intros) | set(cohosts)):
        if ctx.venue is not None and ctx.venue.id not in (a, b):
            continue
        n_intros, n_events = intros.get((a, b), 0), cohosts.get((a, b), 0)
        shown = ctx.t("report.small", n=ctx.b.min_count) if is_small(n_intros, ctx.b.min_count) else str(n_intros)
        found.append({"a": a, "b": b, "weight": n_intros + n_events, "introductions": shown,
                      "cohosted": n_events})
    return found


def layout(ctx: "Context", found: list[dict[str, Any]]) -> dict[str, Any]:
    """Node positions (an equirectangular projection fitted to the box) and the links between them."""
    placed = [i for i in ctx.infos if i.latitude is not None and i.longitude is not None]
    unplaced = [i for i in ctx.infos if i not in placed]
    nodes: dict[int, dict[str, Any]] = {}
    if placed:
        mid = math.radians(sum(i.latitude for i in placed) / len(placed))
        xs = [i.longitude * math.cos(mid) for i in placed]
        ys = [i.latitude for i in placed]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
        scale = min(WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - ROW) / span
        for info, x, y in zip(placed, xs, ys):
            nodes[info.id] = {"x": round(MARGIN + (x - min(xs)) * scale, 1),
                              "y": round(MARGIN + (max(ys) - y) * scale, 1)}
    step = (WIDTH - 2 * MARGIN) / max(len(unplaced), 1)
    for k, info in enumerate(unplaced):
        nodes[info.id] = {"x": round(MARGIN + step * (k + 0.5), 1), "y": HEIGHT - MARGIN / 2}
    for info in ctx.infos:
        nodes[info.id].update(slug=info.slug, name=info.name, kind=info.kind, placed=info in placed)
    return {"nodes": [dict(id=k, **v) for k, v in nodes.items()],
            "links": [link for link in found if link["a"] in nodes and link["b"] in nodes]}


def stroke(weight: int) -> float:
    for limit, width in BANDS:
        if weight < limit:
            return width
    return BANDS[-1][1]


def svg(drawing: dict[str, Any], title: str, legend: str) -> str:
    """The graph as an inline <svg> element (well-formed XML)."""
    nodes = {n["id"]: n for n in drawing["nodes"]}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="graph" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfaf7" stroke="#ddd"/>']
    for link in drawing["links"]:
        a, b = nodes[link["a"]], nodes[link["b"]]
        parts.append(f'<line x1="{a["x"]}" y1="{a["y"]}" x2="{b["x"]}" y2="{b["y"]}" stroke="#718096" '
                     f'stroke-opacity="0.7" stroke-width="{stroke(link["weight"])}" stroke-linecap="round">'
                     f'<title>{escape(a["name"])} – {escape(b["name"])}</title></line>')
    for node in drawing["nodes"]:
        colour = KIND_COLOURS.get(node["kind"], "#4a5568")
        parts.append(f'<circle cx="{node["x"]}" cy="{node["y"]}" r="7" fill="{colour}" stroke="#fff" '
                     f'stroke-width="2"/><text x="{node["x"] + 10}" y="{node["y"] + 4}" font-size="12" '
                     f'fill="#1a202c">{escape(node["name"])}</text>')
    parts.append(f'<text x="{MARGIN / 2}" y="{HEIGHT - 6}" font-size="10" fill="#4a5568">{escape(legend)}</text>')
    parts.append("</svg>")
    return "".join(parts)
