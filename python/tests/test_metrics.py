"""Reuse distance, DMD, miss-ratio curve and energy against a naive reference."""
import math

import numpy as np
import pytest

import sutro


def naive(trace):
    stack, dist = [], []
    for a in trace:
        if a in stack:
            d = len(stack) - stack.index(a)
            stack.remove(a)
        else:
            d = 0
        stack.append(a)
        dist.append(d)
    return dist


@pytest.mark.parametrize("length", [0, 1, 63, 64, 65, 3000])
def test_reuse_distance_matches_a_naive_lru_stack(length):
    rng = np.random.default_rng(length)
    trace = rng.integers(0, max(1, length // 4), length).astype(np.uint64)
    r = sutro.reuse_distance(trace, distances=True)
    dist = naive(trace.tolist())
    assert r["distances"].tolist() == dist
    hist = np.bincount([d for d in dist if d], minlength=1) if any(dist) else np.zeros(1)
    assert r["histogram"][1:].tolist() == hist[1:].tolist() + [0] * (len(r["histogram"]) - len(hist))
    assert r["accesses"] == length and r["cold"] == dist.count(0) and r["distinct"] == len(set(trace.tolist()))
    assert r["dmd"] == pytest.approx(sum(math.sqrt(d) for d in dist if d))
    mrc = r["miss_ratio_curve"]
    for c in [0, 1, 2, 5, 20]:
        if c < len(mrc) and length:
            assert mrc[c] == pytest.approx(sum(1 for d in dist if d == 0 or d > c) / length)


def test_units_and_energy():
    r = sutro.reuse_distance([0, 8, 16, 0], unit="word")
    assert r["distances"].tolist() if "distances" in r else True
    assert r["histogram"].tolist() == [0, 0, 0, 1] and r["unit_bytes"] == 8
    line = sutro.reuse_distance([0, 8, 16, 0], unit="line")
    assert line["cold"] == 1 and line["histogram"].tolist()[1] == 3
    e = sutro.energy_estimate(np.array([0, 10, 0, 0], np.uint64), cold=5)
    assert e["tiers"][0]["accesses"] == 10 and e["tiers"][-1]["accesses"] == 5
    assert e["total_joules"] == pytest.approx((10 * 5 + 5 * 640) * 1e-12)
    tiers = [("fast", 8, 1.0), ("slow", None, 100.0)]
    e2 = sutro.energy_estimate(np.array([0, 1, 1, 0, 0, 0, 0, 0, 0, 4], np.uint64), 0, tiers=tiers, unit_bytes=4)
    assert [t["accesses"] for t in e2["tiers"]] == [2, 4]
    h = sutro.hierarchy()
    assert [t["name"] for t in h["tiers"]] == ["register", "L1", "L2", "HBM"]
    assert h["capacities_in_units"].tolist() == [64, 16384, 65536]
    s = sutro.movement_summary(np.arange(100).repeat(2))
    assert s["energy"]["total_joules"] > 0
    with pytest.raises(ValueError, match="must be unbounded"):
        sutro.energy_estimate(np.zeros(2, np.uint64), 0, tiers=[("a", 8, 1.0)])
    with pytest.raises(ValueError, match="non-negative"):
        sutro.reuse_distance(np.array([-1]))
