#!/usr/bin/env python3
"""Side-by-side: the group's harness configuration in PyTorch (CPU, one thread)
against sutro's benchmarks/nn_train.cpp, printing the time ratio.

Config: sparse parity n=20, k=3, +-1 inputs, 1000 train / 200 test, MLP 20-200-1,
ReLU, hinge loss, SGD lr 0.1 with weight decay 0.01 (W -= lr (g + wd W)), batch 32,
He init, test accuracy after every epoch, stop at >= 95%. EGD replaces each
weight-matrix gradient by U V^T (torch.linalg.svd), bias vectors by g/||g||,
the scalar bias by sign(g).

Usage:  python3 benchmarks/torch_compare.py [--seeds 20] [--sutro build/default/benchmarks/nn_train]
Needs torch (pip install torch); it is never a test dependency. Data comes from
torch's generator, not sutro's, so epochs differ run by run: both sides run
seeds 0..19 (nn_train's train_to_95 always runs 20) and the ratios are of
medians over the seeds (time to solve, time per epoch), training alone timed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

try:
    import torch
except ImportError:
    print("torch is not importable: pip install torch (PyPI) to run this comparison")
    sys.exit(0)


def make_data(n, k, rows, gen, secret):
    x = torch.randint(0, 2, (rows, n), generator=gen).float() * 2 - 1
    y = x[:, secret].prod(dim=1)
    return x, y


def egd_direction(g):
    if g.dim() == 2 and min(g.shape) > 1:
        u, s, vh = torch.linalg.svd(g.double(), full_matrices=False)
        keep = (s > max(g.shape) * torch.finfo(torch.float32).eps * s.max()).double()
        return ((u * keep) @ vh).float()
    if g.numel() == 1:
        return torch.sign(g)
    norm = g.norm()
    return g / norm if norm > 0 else g


def run(seed, rule, n=20, k=3, hidden=200, lr=0.1, wd=0.01, batch=32, max_epochs=200):
    gen = torch.Generator().manual_seed(seed)
    secret = torch.randperm(n, generator=gen)[:k]
    xtr, ytr = make_data(n, k, 1000, gen, secret)
    xte, yte = make_data(n, k, 200, gen, secret)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(n, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            torch.nn.init.zeros_(m.bias)
    params = list(net.parameters())
    start = time.perf_counter()
    for epoch in range(1, max_epochs + 1):
        perm = torch.randperm(1000, generator=gen)
        for i in range(0, 1000, batch):
            idx = perm[i:i + batch]
            f = net(xtr[idx]).squeeze(1)
            loss = torch.clamp(1 - f * ytr[idx], min=0).mean()
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    d = p.grad if rule == "sgd" else egd_direction(p.grad)
                    p -= lr * (d + wd * p)
        with torch.no_grad():
            acc = ((net(xte).squeeze(1) >= 0).float() * 2 - 1 == yte).float().mean().item()
        if acc >= 0.95:
            return time.perf_counter() - start, epoch, True
    return time.perf_counter() - start, max_epochs, False


def sutro_ms(binary):
    if not binary or not os.path.exists(binary):
        return {}
    out = subprocess.run([binary, "--benchmark_filter=train_to_95", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True).stdout
    return {b["name"].split("/")[1]: (b["median_ms"], b["median_epochs"], b["median_ms/epoch"])
            for b in json.loads(out)["benchmarks"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--sutro", default="build/default/benchmarks/nn_train")
    args = ap.parse_args()
    torch.set_num_threads(1)
    ours = sutro_ms(args.sutro)
    print(f"torch {torch.__version__}, 1 thread")
    if ours and args.seeds != 20:
        print(f"--seeds {args.seeds}: nn_train's train_to_95 runs 20 seeds, so no ratios are printed")
    for rule in ("sgd", "egd"):
        results = [run(s, rule) for s in range(args.seeds)]
        ms = statistics.median(r[0] for r in results) * 1e3
        epochs = statistics.median(r[1] for r in results)
        solved = sum(r[2] for r in results)
        per_epoch = statistics.median(r[0] / r[1] for r in results) * 1e3
        line = (f"{rule}: torch median {ms:.1f} ms, {epochs} epochs ({per_epoch:.2f} ms/epoch), "
                f"solved {solved}/{args.seeds}")
        if rule in ours and args.seeds == 20:
            t, e, te = ours[rule]
            line += (f"; sutro median {t:.2f} ms, {e:.1f} epochs ({te:.3f} ms/epoch); torch / sutro = "
                     f"{ms / t:.1f}x to solve, {per_epoch / te:.1f}x per epoch")
        print(line)


if __name__ == "__main__":
    main()
