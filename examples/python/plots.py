"""Generates the images of docs/python.md into docs/images/ (scripts/test.sh runs it).

    python examples/python/plots.py [output directory, default docs/images]

Everything drawn is seeded (counts, accuracies, losses, energy estimates): the
same images on every run.
"""
import os
import pathlib
import sys

import numpy as np

import sutro
import sutro.plot

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "docs" / "images")
out.mkdir(parents=True, exist_ok=True)

# An address trace: a blocked 64x64 float matrix product's reads of A, B and C (element granularity).
n, blk = 64, 16
addr = []
for i0 in range(0, n, blk):
    for j0 in range(0, n, blk):
        for k0 in range(0, n, blk):
            for i in range(i0, i0 + blk):
                for j in range(j0, j0 + blk):
                    for k in range(k0, k0 + blk):
                        addr += [i * n + k, n * n + k * n + j, 2 * n * n + i * n + j]
r = sutro.reuse_distance(np.array(addr, dtype=np.uint64))
sutro.plot.reuse_histogram(r, out / "python_reuse_histogram.png", title="Blocked 64x64 matmul, 16x16 tiles")
sutro.plot.miss_ratio_curve(r, out / "python_miss_ratio_curve.png", title="Blocked 64x64 matmul: LRU miss ratio")

# Training curves of the group's harness, one line per optimizer.
task = sutro.make_task("parity", 20, 3, 42)
x, y = task.dense("train", 1000)
xt, yt = task.dense("test", 200)
settings = {"sgd": {"lr": 0.1, "wd": 0.01}, "momentum": {"lr": 0.05, "wd": 0.01}, "adam": {"lr": 0.01, "wd": 0.01},
            "sign_sgd": {"lr": 0.01, "wd": 0.01}, "egd": {"lr": 0.1, "wd": 0.01}, "muon": {"lr": 0.02, "wd": 0.01}}
runs = {name: sutro.train_mlp(x, y, xt, yt, name, epochs=40, stop_when_solved=False, **o)
        for name, o in settings.items()}
sutro.plot.training_curves(runs, out / "python_training_curves.png", title="sparse parity (20,3), 1000 rows")

# The lab on the challenge's task with the harness's 1000 training rows: accuracy against the energy estimate of one traced run per method and seed.
rep = sutro.lab_run(sutro.challenge(repeats=1, train=1000, label="sparse_parity (20,3) m=1000"),
                    ["gf2_elimination", "gf2_general", "robust_gf2", "exhaustive",
                     {"mlp": "sgd", "options": {"lr": 0.1, "wd": 0.01}, "trace_every_epochs": 8}])
sutro.plot.lab_chart(rep, out / "python_lab_chart.png", title="sparse parity (20,3), 1000 rows: accuracy against data movement")
for p in sorted(out.glob("python_*.png")):
    print(p, os.path.getsize(p), "bytes")
