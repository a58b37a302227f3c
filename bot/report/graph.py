"""The venue x venue collaboration graph: venues placed by their coordinates, links weighted by
introductions and co-hosted events of the period, drawn as inline SVG.

A link's width follows its weight, except that every link below the threshold is drawn at the
thinnest and its introductions read "< 5", so the picture never tells how many people a small link
involved. Venues without coordinates are set
in a row under the map.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

from bot.report.suppress import is_small

if TYPE_CHECKING:
    from bot.report.sections import Context

WIDTH, HEIGHT, MARGIN, ROW, LABEL_ROOM = 640, 420, 30, 50, 110
MIN_GAP = 28.0  # venues of one town would sit on top of each other: they are pushed this far apart
THIN, THICK = 1.0, 9.0
KIND_COLOURS = {"coworking": "#2b6cb0", "fablab": "#c05621", "tiers-lieu": "#2f855a", "partner": "#6b46c1"}


def links(ctx: "Context") -> list[dict[str, Any]]:
    """Pairs of venues with their introductions and co-hosted events in the period."""
    intros, cohosts = ctx.b.cur.pairs("pair.intro"), ctx.b.cur.pairs("pair.cohost")
    found = []
    for a, b in sorted(set(intros) | set(cohosts)):
        if ctx.venue is not None and ctx.venue.id not in (a, b):
            continue
        n_intros, n_events = intros.get((a, b), 0), cohosts.get((a, b), 0)
        small = is_small(n_intros, ctx.b.min_count)
        shown = ctx.t("report.small", n=ctx.b.min_count) if small else str(n_intros)
        # A small count of introductions adds nothing to the weight: with the co-hosted events
        # shown, it could otherwise be read back from the width.
        found.append({"a": a, "b": b, "weight": n_events + (0 if small else n_intros), "introductions": shown,
                      "cohosted": n_events})
    return found


def layout(ctx: "Context", found: list[dict[str, Any]]) -> dict[str, Any]:
    """Node positions (an equirectangular projection fitted to the box) and the links between them."""
    placed = [i for i in ctx.infos if i.latitude is not None and i.longitude is not None]
    unplaced = [i for i in ctx.infos if i not in placed]
    nodes: dict[int, dict[str, Any]] = {}
    bottom = HEIGHT - MARGIN - (ROW if unplaced else 0)
    if placed:
        mid = math.radians(sum(i.latitude for i in placed) / len(placed))
        xs = [i.longitude * math.cos(mid) for i in placed]
        ys = [i.latitude for i in placed]
        x_span, y_span = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
        scale = min((WIDTH - 2 * MARGIN - LABEL_ROOM) / x_span, (bottom - MARGIN) / y_span)
        x0 = MARGIN + (WIDTH - 2 * MARGIN - LABEL_ROOM - x_span * scale) / 2
        y0 = MARGIN + (bottom - MARGIN - y_span * scale) / 2
        points = [[x0 + (x - min(xs)) * scale, y0 + (max(ys) - y) * scale] for x, y in zip(xs, ys)]
        _spread(points, MARGIN, bottom)
        for info, (x, y) in zip(placed, points):
            nodes[info.id] = {"x": round(x, 1), "y": round(y, 1)}
    step = (WIDTH - 2 * MARGIN) / max(len(unplaced), 1)
    for k, info in enumerate(unplaced):
        nodes[info.id] = {"x": round(MARGIN + step * (k + 0.5), 1), "y": HEIGHT - MARGIN / 2}
    for info in ctx.infos:
        nodes[info.id].update(slug=info.slug, name=info.name, kind=info.kind, placed=info in placed)
    return {"nodes": [dict(id=k, **v) for k, v in nodes.items()],
            "links": [link for link in found if link["a"] in nodes and link["b"] in nodes]}


def _spread(points: list[list[float]], top: float, bottom: float, rounds: int = 60) -> None:
    """Push apart venues closer than MIN_GAP (a few relaxation rounds): the map stays recognisable
    and each venue stays readable."""
    for _ in range(rounds):
        moved = False
        for i in range(len(points)):
            for j in range(i + 1, len(points)):
                dx, dy = points[j][0] - points[i][0], points[j][1] - points[i][1]
                gap = math.hypot(dx, dy)
                if gap < MIN_GAP:
                    if gap < 1e-6:
                        dx, dy, gap = 1.0, 0.5, math.hypot(1.0, 0.5)
                    push = (MIN_GAP - gap) / 2 / gap
                    points[i][0] -= dx * push
                    points[i][1] -= dy * push
                    points[j][0] += dx * push
                    points[j][1] += dy * push
                    moved = True
        for point in points:
            point[0] = min(max(point[0], MARGIN / 2), WIDTH - LABEL_ROOM)
            point[1] = min(max(point[1], top / 2), bottom)
        if not moved:
            return


def stroke(weight: int, heaviest: int, min_count: int) -> float:
    """Below the threshold every link is the thinnest (its width must not tell how small it is)."""
    if weight < min_count or heaviest <= 0:
        return THIN
    return round(THIN + (THICK - THIN) * weight / heaviest, 1)


def svg(drawing: dict[str, Any], title: str, min_count: int) -> str:
    """The graph as an inline <svg> element (well-formed XML)."""
    nodes = {n["id"]: n for n in drawing["nodes"]}
    heaviest = max((link["weight"] for link in drawing["links"]), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="graph" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfaf7" stroke="#ddd"/>']
    for link in drawing["links"]:
        a, b = nodes[link["a"]], nodes[link["b"]]
        parts.append(f'<line x1="{a["x"]}" y1="{a["y"]}" x2="{b["x"]}" y2="{b["y"]}" stroke="#718096" '
                     f'stroke-opacity="0.55" stroke-width="{stroke(link["weight"], heaviest, min_count)}" stroke-linecap="round">'
                     f'<title>{escape(a["name"])} – {escape(b["name"])}</title></line>')
    for node in drawing["nodes"]:
        colour = KIND_COLOURS.get(node["kind"], "#4a5568")
        parts.append(f'<circle cx="{node["x"]}" cy="{node["y"]}" r="7" fill="{colour}" stroke="#fff" '
                     f'stroke-width="2"/><text x="{node["x"] + 10}" y="{node["y"] + 4}" font-size="12" '
                     f'fill="#1a202c">{escape(node["name"])}</text>')
    parts.append("</svg>")
    return "".join(parts)
