"""Every solver on numpy samples; the challenge-style solve()."""
import numpy as np
import pytest

import sutro


@pytest.mark.parametrize("seed", [42, 123, 456])
def test_challenge_solve_gets_the_secret(seed):
    task = sutro.make_task("parity", 20, 3, seed)
    x, y = task.dense("train", 500)
    assert sutro.solve(x, y, 20, 3) == sorted(task.secret.tolist())
    # The same in 0/1 encoding and with float64 / int arrays.
    b, yb = task.bits("train", 500)
    y01 = (1 - y) / 2
    assert sutro.solve(b.astype(np.int64), y01, 20, 3) == sorted(task.secret.tolist())
    assert sutro.solve(x.astype(np.float64), y.astype(np.int8), 20, 3) == sorted(task.secret.tolist())


def test_challenge_solve_under_label_noise():
    task = sutro.make_task("parity", 20, 3, 42, noise=0.1)
    x, y = task.dense("train", 500)
    assert sutro.solve(x, y, 20, 3) == task.secret.tolist()


CASES = [
    ("gf2_elimination", "parity", 100, 3, 0.0, 110, {}),
    ("gf2_general", "parity", 100, 3, 0.0, 110, {}),
    ("exhaustive", "parity", 20, 3, 0.0, 24, {}),
    ("robust_gf2", "parity", 20, 3, 0.1, 500, {"trials": 4000}),
    ("noisy_parity", "parity", 64, 3, 0.1, 1000, {}),
    ("bucket_search", "parity", 65, 3, 0.1, 1000, {"seed": 3}),
    ("correlation", "majority", 20, 3, 0.0, 500, {}),
    ("sum_correlation", "sum", 50, 3, 0.0, 300, {}),
    ("sum_least_squares", "sum", 50, 3, 0.0, 300, {}),
]


@pytest.mark.parametrize("method,kind,n,k,noise,m,opts", CASES)
def test_every_solver_finds_the_secret(method, kind, n, k, noise, m, opts):
    task = sutro.make_task(kind, n, k, 42, noise=noise)
    x, y = task.dense("train", m)
    r = sutro.solve_samples(x, y, k, method, kind=kind, noise=noise, **opts)
    assert r.found, r.reason
    assert r.subset == task.secret.tolist()
    assert r.stats["samples_used"] > 0
    # Packed words give the same answer.
    words, labels = task.packed("train", m)
    r2 = sutro.solve_samples(words, labels, k, method, n=n, kind=kind, noise=noise, encoding="pm1", **opts)
    assert r2 == r


def test_statuses_and_errors():
    task = sutro.make_task("parity", 100, 3, 42)
    x, y = task.dense("train", 60)  # rank below n
    r = sutro.solve_samples(x, y, 3)
    assert r.status == "ambiguous" and r.subset == [] and "rank" in r.reason
    with pytest.raises(ValueError, match="unknown option 'trails'"):
        sutro.solve_samples(x, y, 3, "robust_gf2", trails=5)
    with pytest.raises(ValueError, match="unknown solver 'magic'"):
        sutro.solve_samples(x, y, 3, "magic")
    with pytest.raises(ValueError, match="60 rows but 59 labels"):
        sutro.solve_samples(x, y[:59], 3)
    with pytest.raises(ValueError, match="sutro::solvers::sum_correlation"):
        sutro.solve_samples(x, y, 3, "sum_correlation")


def test_kushilevitz_mansour_on_the_oracle():
    task = sutro.make_task("parity", 20, 3, 42)
    r = sutro.kushilevitz_mansour(task)
    assert r["status"] == "found" and r["subset"].tolist() == task.secret.tolist() and r["queries"] == 40


@pytest.mark.parametrize("method", ["noisy_parity", "bucket_search", "exhaustive"])
def test_max_cost_refuses_a_plan_over_it(method):
    task = sutro.make_task("parity", 64, 3, 42, noise=0.1)
    x, y = task.dense("train", 1000)
    r = sutro.solve_samples(x, y, 3, method, noise=0.1, max_cost=1e3)
    assert r.status == "failed" and "is over max_cost = 1e+03" in r.reason
    assert sutro.solve_samples(x, y, 3, method, noise=0.1, max_cost=float("inf")).found
    with pytest.raises(ValueError, match="max_cost must be > 0"):
        sutro.solve_samples(x, y, 3, method, noise=0.1, max_cost=0.0)
