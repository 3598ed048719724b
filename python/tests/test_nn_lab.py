"""MLP training with every optimizer, and the lab as plain dicts / JSON."""
import json

import numpy as np
import pytest

import sutro


@pytest.fixture(scope="module")
def data():
    task = sutro.make_task("parity", 20, 3, 42)
    x, y = task.dense("train", 800)
    xt, yt = task.dense("test", 200)
    return x, y, xt, yt


@pytest.mark.parametrize("opt", sutro.OPTIMIZERS)
def test_every_optimizer_trains(data, opt):
    x, y, xt, yt = data
    r = sutro.train_mlp(x, y, xt, yt, opt, epochs=3, hidden=(32,), seed=1)
    assert r["status"] in ("trained", "solved", "diverged")
    assert r["epochs"] == len(r["loss_history"]) == len(r["accuracy_history"])
    again = sutro.train_mlp(x, y, xt, yt, opt, epochs=3, hidden=(32,), seed=1)
    assert np.array_equal(r["accuracy_history"], again["accuracy_history"])  # deterministic


def test_sgd_solves_the_harness_task(data):
    x, y, xt, yt = data
    r = sutro.train_mlp(x, y, xt, yt, "sgd", lr=0.1, wd=0.01, epochs=100)
    assert r["status"] == "solved" and r["test_accuracy"] >= 0.95


def test_optimizer_options_are_checked(data):
    x, y, xt, yt = data
    with pytest.raises(ValueError, match="unknown option 'b1'"):
        sutro.train_mlp(x, y, xt, yt, "sgd", b1=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'lion'"):
        sutro.train_mlp(x, y, xt, yt, "lion")


def test_lab_report_is_plain_data():
    rep = sutro.lab_run(sutro.challenge(repeats=1), ["gf2_elimination", "exhaustive"])
    assert [s["method"] for s in rep["summaries"]] == ["gf2_elimination", "exhaustive"]
    assert all(r["secret_found"] for r in rep["runs"]) and len(rep["runs"]) == 6
    text = sutro.lab_run(sutro.challenge(repeats=1), ["gf2_elimination"], as_json=True)
    assert json.loads(text)["summaries"][0]["method"] == "gf2_elimination"
    with pytest.raises(ValueError, match="unknown option 'sedes'"):
        sutro.lab_run({"sedes": [1]})


def test_lab_takes_max_trace_bytes():
    # gf2_general's traced solve at (20, 3) on 500 rows records far more than 100 accesses.
    with pytest.raises(RuntimeError, match="reached max_trace_bytes"):
        sutro.lab_run(sutro.challenge(repeats=1, seeds=[42], max_trace_bytes=64 * 100), ["gf2_general"])
    rep = sutro.lab_run(sutro.challenge(repeats=1, seeds=[42], max_trace_bytes=10**9), ["gf2_general"])
    assert len(rep["runs"]) == 1
