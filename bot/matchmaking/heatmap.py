"""A venue x venue heatmap of introductions, as PNG bytes (matplotlib, Agg backend: no display needed).

The diagonal counts introductions inside one venue; the rest is the mesh between venues. A row or
column of zeros shows a venue the network has not woven in yet.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")  # before pyplot: the bot runs headless
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def heatmap_png(pairs: Counter, labels: Mapping[int, str], title: str) -> bytes:
    """Render `pairs` ((venue id, venue id) -> introductions) over the venues in `labels` (id -> name).

    Counts are whole numbers: the colour bar's ticks are integers too.
    """
    ids = list(labels) or [None]  # no venue yet: one empty cell rather than a crash
    labels = {**labels, None: "-"} if None in ids else labels
    index = {venue_id: i for i, venue_id in enumerate(ids)}
    grid = np.zeros((len(ids), len(ids)), dtype=int)
    for (a, b), count in pairs.items():
        if a in index and b in index:
            grid[index[a], index[b]] += count
            if a != b:
                grid[index[b], index[a]] += count
    size = max(4.0, 0.5 * len(ids) + 2)
    figure, axes = plt.subplots(figsize=(size, size), dpi=100)
    try:
        image = axes.imshow(grid, cmap="YlGn")
        names = [labels[i] for i in ids]
        axes.set_xticks(range(len(ids)), names, rotation=45, ha="right", fontsize=8)
        axes.set_yticks(range(len(ids)), names, fontsize=8)
        if len(ids) <= 30:
            peak = grid.max() or 1
            for i in range(len(ids)):
                for j in range(len(ids)):
                    if grid[i, j]:
                        axes.text(j, i, str(grid[i, j]), ha="center", va="center", fontsize=7,
                                  color="white" if grid[i, j] > peak / 2 else "black")
        axes.set_title(title, fontsize=10)
        figure.colorbar(image, ax=axes, shrink=0.7, ticks=MaxNLocator(integer=True))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
