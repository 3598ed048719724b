"""Plots (matplotlib, the [plot] extra): each function writes a PNG or SVG
(by the path's suffix) and returns the path.

    r = sutro.reuse_distance(addresses)
    sutro.plot.reuse_histogram(r, "reuse.png")
    sutro.plot.miss_ratio_curve(r, "mrc.svg")                # the pebble game's tiers marked
    sutro.plot.training_curves({"sgd": run1, "egd": run2}, "training.png")
    sutro.plot.lab_chart(report, "lab.png")                  # accuracy against data movement
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import metrics as _metrics

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["reuse_histogram", "miss_ratio_curve", "training_curves", "lab_chart"]

# Where a plot is written: a str or a pathlib.Path; the suffix picks PNG or SVG.
_Path = Union[str, "os.PathLike[str]"]


def _agg() -> None:
    # Plots are written to files, never shown: no display is needed.
    import matplotlib

    matplotlib.use("Agg")


def _save(fig: Figure, path: _Path) -> str:
    path = os.fspath(path)
    fig.tight_layout()
    # Without the matplotlib version (PNG, SVG) and the date (SVG), the file
    # depends on the drawing alone: regenerated images equal committed ones.
    svg = path.lower().endswith(".svg")
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "sutro"} if svg else {}):
        fig.savefig(path, dpi=110, metadata={"Creator": None, "Date": None} if svg else {"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def reuse_histogram(result: Mapping[str, Any], path: _Path, title: str = "Reuse-distance histogram") -> str:
    """Accesses per reuse distance (log-log; cold accesses noted in the legend)."""
    _agg()
    import matplotlib.pyplot as plt

    h = np.asarray(result["histogram"], dtype=np.float64)
    d = np.nonzero(h)[0]
    d = d[d > 0]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.bar(d, h[d], width=np.maximum(1, d * 0.08), color="#3b6ea5",
           label=f"{int(result['accesses'])} accesses, {int(result['cold'])} cold, DMD {result['dmd']:.4g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("reuse distance (distinct addresses, inclusive)")
    ax.set_ylabel("accesses")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return _save(fig, path)


def miss_ratio_curve(result: Mapping[str, Any], path: _Path, tiers: Optional[Sequence[_metrics.Tier]] = None,
                     unit_bytes: int = 4, title: str = "Miss-ratio curve") -> str:
    """Miss ratio of a fully associative LRU cache against its size, with the
    cost model's tier capacities (pebble game by default) marked."""
    _agg()
    import matplotlib.pyplot as plt

    mrc = np.asarray(result["miss_ratio_curve"], dtype=np.float64)
    sizes = np.arange(len(mrc))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.step(np.maximum(sizes, 1), mrc, where="post", color="#3b6ea5")
    h = _metrics.hierarchy(tiers, unit_bytes)
    caps = h["capacities_in_units"]
    for t, cap in zip(h["tiers"], caps):
        ax.axvline(max(int(cap), 1), color="#c0504d", ls="--", lw=1)
        ax.text(max(int(cap), 1), 0.98, f" {t['name']} ({t['picojoules_per_access']:g} pJ)", rotation=90,
                va="top", ha="right", fontsize=8, color="#c0504d", transform=ax.get_xaxis_transform())
    ax.set_xscale("log")
    ax.set_xlim(1, max(len(mrc), int(caps[-1]) * 2 if len(caps) else 2))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"cache size ({h['unit_bytes']}-byte units)")
    ax.set_ylabel("miss ratio")
    ax.set_title(title)
    return _save(fig, path)


def training_curves(runs: Mapping[str, Mapping[str, Any]], path: _Path, title: str = "Training") -> str:
    """Test accuracy and training loss per epoch, one line per run (e.g. per optimizer)."""
    _agg()
    import matplotlib.pyplot as plt

    fig, (acc, loss) = plt.subplots(1, 2, figsize=(9, 3.6))
    for name, r in runs.items():
        e = np.arange(1, len(r["accuracy_history"]) + 1)
        acc.plot(e, r["accuracy_history"], label=name)
        loss.plot(e, r["loss_history"], label=name)
    acc.axhline(0.95, color="grey", ls=":", lw=1)
    acc.set_xlabel("epoch")
    acc.set_ylabel("test accuracy")
    loss.set_xlabel("epoch")
    loss.set_ylabel("training loss")
    loss.set_yscale("log")
    acc.legend(fontsize=8)
    fig.suptitle(title)
    return _save(fig, path)


def lab_chart(report: Mapping[str, Any], path: _Path, movement: str = "energy_j",
              title: str = "Accuracy against data movement") -> str:
    """One point per method: mean test accuracy against the mean of a data-movement
    metric over its traced runs (a key of the runs' data_movement; runs without it are left out)."""
    _agg()
    import matplotlib.pyplot as plt

    points: Dict[str, List[List[float]]] = {}
    for r in report["runs"]:
        v = (r.get("data_movement") or {}).get(movement)
        if v is None:
            continue
        p = points.setdefault(r["method"], [[], []])
        p[0].append(float(v))
        p[1].append(float(r["test_accuracy"]))
    fig, ax = plt.subplots(figsize=(6.4, 4))
    markers = "osD^v<>pPX*h"
    for i, (name, (xs, ys)) in enumerate(sorted(points.items())):
        ax.scatter(np.mean(xs), np.mean(ys), s=45, marker=markers[i % len(markers)], label=name)
    ax.legend(fontsize=8, loc="best")
    ax.set_xscale("log")
    ax.set_xlabel(movement + " (mean of the traced runs)")
    ax.set_ylabel("mean test accuracy")
    ax.set_title(title)
    return _save(fig, path)
