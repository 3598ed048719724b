"""Data-movement metrics over a numpy array of addresses: reuse distance, DMD,
the miss-ratio curve and the energy estimate (docs/metrics.md)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import _sutro

__all__ = ["reuse_distance", "energy_estimate", "hierarchy", "movement_summary"]

Tier = Tuple[str, Optional[int], float]


def _addresses(a: "npt.ArrayLike") -> "npt.NDArray[np.uint64]":
    a = np.asarray(a)
    if a.ndim != 1:
        a = a.reshape(-1)
    if a.size == 0:
        return np.zeros(0, dtype=np.uint64)  # an empty trace (np.asarray([]) is float64)
    if a.dtype.kind == "i" and a.min() < 0:
        i = int(np.argmax(a < 0))
        raise ValueError(f"sutro.reuse_distance: addresses must be non-negative, got {a[i]} at index {i}")
    if a.dtype.kind not in "iu":
        raise TypeError(f"sutro.reuse_distance: addresses must be integers, got dtype {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.uint64)


def reuse_distance(addresses: "npt.ArrayLike", unit: str = "element", cold: str = "separate",
                   distances: bool = False) -> Dict[str, Any]:
    """LRU stack distances of an address trace (inclusive: an immediate re-access is 1).

    unit: element (the keys as given), byte, word (8 bytes) or line (64 bytes).
    cold: separate (first accesses are not in the histogram) or stack_depth.
    Returns histogram (index d = accesses at distance d), dmd (sum of
    sqrt(d)), miss_ratio_curve (index c = miss ratio of a c-entry LRU cache),
    accesses, cold, distinct, reuses, mean_reuse_distance, mean_reuse_time,
    and with distances=True each access's distance (0 = cold).

    >>> r = reuse_distance([1, 2, 2, 3, 1])
    >>> r["histogram"].tolist(), r["dmd"]
    ([0, 1, 0, 1], 2.732...)
    """
    return _sutro.reuse_distance(_addresses(addresses), unit, cold, distances)


def hierarchy(tiers: Optional[Sequence[Tier]] = None, unit_bytes: int = 4, register_bytes: int = 256) -> Dict[str, Any]:
    """The tiers (name, capacity in bytes or None for the last, pJ per access);
    default: the group's pebble game (registers 5, L1 64 KiB 20, L2 256 KiB 100, HBM 640 pJ)."""
    return _sutro.hierarchy(None if tiers is None else list(tiers), unit_bytes, register_bytes)


def energy_estimate(histogram: "Union[npt.ArrayLike, Dict[str, Any]]", cold: Optional[int] = None,
                    tiers: Optional[Sequence[Tier]] = None, unit_bytes: int = 4,
                    register_bytes: int = 256) -> Dict[str, Any]:
    """Energy of a reuse-distance histogram (or a reuse_distance() result) on a
    tier hierarchy: an access at distance d is served by the first tier holding
    d units; cold accesses by the last tier."""
    if isinstance(histogram, dict):
        cold = histogram["cold"] if cold is None else cold
        histogram = histogram["histogram"]
    # Checked in C++: integers >= 0 only (a float histogram is refused, not truncated).
    h = np.asarray(histogram)
    # cold, unit_bytes and register_bytes too: a negative one is a ValueError naming it.
    return _sutro.energy_estimate(h, 0 if cold is None else cold, None if tiers is None else list(tiers), unit_bytes,
                                  register_bytes)


def movement_summary(addresses: "npt.ArrayLike", unit: str = "element", element_bytes: int = 4,
                     tiers: Optional[Sequence[Tier]] = None) -> Dict[str, Any]:
    """reuse_distance() plus the energy estimate, in one dict (energy under 'energy')."""
    r = reuse_distance(addresses, unit)
    unit_bytes = element_bytes if unit == "element" else int(r["unit_bytes"])
    r["energy"] = energy_estimate(r, tiers=tiers, unit_bytes=unit_bytes)
    return r
