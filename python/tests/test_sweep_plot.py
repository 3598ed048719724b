"""Dask sweeps equal the serial run; failed cells are reported; sweeps resume. Plots write files."""
import json

import numpy as np
import pytest

import sutro
import sutro.sweep as sweep


def cells():
    tasks = [sutro.challenge(repeats=1), dict(sutro.challenge(repeats=1), label="", n=30, train=200, test=100)]
    methods = ["gf2_elimination", "exhaustive", {"solver": "robust_gf2", "name": "robust"}]
    c = sweep.grid(tasks, methods, seeds=[42, 123], options=[{}])
    # A cell that fails: an option the solver does not have.
    c.append({"task": sutro.challenge(repeats=1), "method": {"solver": "exhaustive", "options": {"bogus": 1}},
              "seed": 1})
    return c


def test_local_cluster_sweep_equals_the_serial_one(tmp_path):
    pytest.importorskip("dask.distributed")
    cs = cells()
    serial = sweep.run(cs)
    assert len(serial) == len(cs)
    bad = [r for r in serial if r["status"] == "error"]
    assert len(bad) == 1 and "unknown option 'bogus'" in bad[0]["error"]
    assert all(r["record"]["secret_found"] for r in serial if r["status"] == "ok")
    parallel = sweep.run(list(reversed(cs)), scheduler="local", n_workers=2)
    assert [sweep.deterministic(r) for r in parallel] == [sweep.deterministic(r) for r in serial]


def test_sweep_resumes_from_its_checkpoint(tmp_path):
    cs = cells()[:3]
    path = tmp_path / "sweep.jsonl"
    first = sweep.run(cs[:2], checkpoint=str(path))
    assert len(path.read_text().splitlines()) == 2
    both = sweep.run(cs, checkpoint=str(path))  # runs only the third cell
    lines = [json.loads(l) for l in path.read_text().splitlines()]
    assert len(lines) == 3
    by_key = {r["key"]: r for r in both}
    for r in first:  # the checkpointed results are returned as they were
        assert by_key[r["key"]] == r
    assert [l["key"] for l in lines][:2] == [r["key"] for r in first] or \
        sorted(l["key"] for l in lines[:2]) == sorted(r["key"] for r in first)
    assert sorted(r["key"] for r in both) == sorted(sweep.cell_key(c) for c in cs)


def test_plots_write_images(tmp_path):
    pytest.importorskip("matplotlib")
    import sutro.plot as plot

    r = sutro.reuse_distance(np.random.default_rng(1).integers(0, 500, 20000))
    for f, args in [(plot.reuse_histogram, (r,)), (plot.miss_ratio_curve, (r,))]:
        for ext in ("png", "svg"):
            p = f(*args, tmp_path / f"{f.__name__}.{ext}")
            assert (tmp_path / f"{f.__name__}.{ext}").stat().st_size > 1000, p
    task = sutro.make_task("parity", 20, 3, 42)
    x, y = task.dense("train", 400)
    xt, yt = task.dense("test", 100)
    runs = {o: sutro.train_mlp(x, y, xt, yt, o, epochs=3, hidden=(16,)) for o in ("sgd", "adam")}
    assert plot.training_curves(runs, tmp_path / "t.png")
    rep = sutro.lab_run(sutro.challenge(repeats=1, seeds=[42]), ["gf2_elimination", "exhaustive"])
    assert plot.lab_chart(rep, tmp_path / "lab.png")
    assert (tmp_path / "lab.png").stat().st_size > 1000
