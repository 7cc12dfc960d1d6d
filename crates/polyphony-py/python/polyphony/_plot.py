"""The opinion map with matplotlib, imported only when a plot is asked for: matplotlib is not
a dependency of the package (``pip install polyphony[plot]`` adds it)."""

from __future__ import annotations

from typing import Any, Optional

from . import MARKERS, PALETTE


def opinion_map(result: Any, ax: Any = None, title: Optional[str] = None) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Result.plot() draws with matplotlib, which is not installed: "
            "pip install matplotlib (or polyphony[plot])"
        ) from e
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    people = result.participants
    outside = people[people["group"].isna()]
    if len(outside):
        # Hollow grey rings: visible under the groups without competing with their colours.
        ax.scatter(outside["x"], outside["y"], s=12, facecolors="none", edgecolors="#999999",
                   marker="o", label=f"not grouped ({len(outside)})", linewidths=0.6,
                   zorder=1)
    for i, g in enumerate(result.groups.itertuples(index=False)):
        members = people[people["group"] == g.group]
        ax.scatter(members["x"], members["y"], s=14, c=PALETTE[i % len(PALETTE)],
                   marker=MARKERS[i % len(MARKERS)], label=f"{g.label} ({g.size})",
                   alpha=0.75, linewidths=0, zorder=2)
    for i, g in enumerate(result.groups.itertuples(index=False)):
        ax.text(g.x, g.y, g.label, fontsize=16, fontweight="bold", ha="center", va="center",
                color="white",
                bbox=dict(boxstyle="circle", fc=PALETTE[i % len(PALETTE)], ec="black", lw=0.8),
                zorder=3)
    ax.set_title(title or f"Opinion map: {result.participant_count} participants, k = {result.k}")
    ax.set_xlabel("first component")
    ax.set_ylabel("second component")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax
