"""The network drawn from its venues' coordinates, as inline SVG (no tile server: none is reachable).

An equirectangular projection corrected by the cosine of the mean latitude is exact enough at the
scale of a territory. Venues without coordinates are listed under the map by the caller. Pairs of
venues with introductions between them are joined by a line whose width grows with their count.
"""

from __future__ import annotations

import math
from html import escape

from bot.wall.panels import PairCount, VenueItem

WIDTH, HEIGHT, MARGIN = 1000, 620, 90


def map_svg(venues: list[VenueItem], pairs: list[PairCount], label: str) -> str:
    placed = [v for v in venues if v.latitude is not None and v.longitude is not None]
    if not placed:
        return ""
    mean_lat = math.radians(sum(v.latitude for v in placed) / len(placed))
    xs = [v.longitude * math.cos(mean_lat) for v in placed]
    ys = [-v.latitude for v in placed]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    scale = min((WIDTH - 2 * MARGIN) / span, (HEIGHT - 2 * MARGIN) / span)
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    points = {v.slug: (WIDTH / 2 + (x - cx) * scale, HEIGHT / 2 + (y - cy) * scale)
              for v, x, y in zip(placed, xs, ys)}
    parts = [f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">']
    for pair in pairs:
        a, b = (points.get(slug) for slug in pair.slugs)
        if a and b:
            width = min(2 + pair.count, 14)
            parts.append(f'<line class="pair" x1="{a[0]:.0f}" y1="{a[1]:.0f}" x2="{b[0]:.0f}" y2="{b[1]:.0f}" '
                         f'stroke-width="{width}"/>')
    for venue in sorted(placed, key=lambda v: v.here):  # this venue last: drawn on top
        x, y = points[venue.slug]
        kind = "here" if venue.here else escape(venue.kind)
        radius = 22 if venue.here else 13
        anchor = "end" if x > WIDTH * 0.7 else "start"
        dx = -radius - 8 if anchor == "end" else radius + 8
        parts.append(f'<g class="venue {kind}"><circle cx="{x:.0f}" cy="{y:.0f}" r="{radius}"/>'
                     f'<text x="{x + dx:.0f}" y="{y + 9:.0f}" text-anchor="{anchor}">{escape(venue.name)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
