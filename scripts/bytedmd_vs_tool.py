#!/usr/bin/env python3
"""ByteDMD of the naive 16x16 matrix product: sutro against the group's tool,
alternated in one run, wall time, medians.

Each round times the tool (github.com/cybertronai/ByteDMD, bytedmd.py on the
main branch; give the path of a checkout, this script never downloads it) on
`bytedmd(matmul, (A, B))`, then sutro's `BM_bytedmd_matmul/16` (record the
traced run and price it, cost only) from benchmarks/metrics_speed.cpp; both
must give 109783. Prints each round's medians and ratio, then the median ratio.

    python3 scripts/bytedmd_vs_tool.py --tool /path/to/ByteDMD \\
        --bench build/default/benchmarks/metrics_speed [--rounds 7]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time


def matmul(A, B):
    n = len(A)
    C = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            s = A[i][0] * B[0][j]
            for k in range(1, n):
                s = s + A[i][k] * B[k][j]
            C[i][j] = s
    return C


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True, help="directory holding the group's bytedmd.py (main branch)")
    ap.add_argument("--bench", required=True, help="sutro's metrics_speed benchmark binary")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--calls", type=int, default=5, help="tool calls per round (median)")
    args = ap.parse_args()
    sys.path.insert(0, args.tool)
    from bytedmd import bytedmd  # the group's tool

    A = [[1] * 16 for _ in range(16)]
    B = [[1] * 16 for _ in range(16)]
    ratios = []
    for r in range(args.rounds):
        times = []
        for _ in range(args.calls):
            t = time.perf_counter()
            cost = bytedmd(matmul, (A, B))
            times.append(time.perf_counter() - t)
        assert cost == 109783, cost
        tool = statistics.median(times)
        out = subprocess.run([args.bench, "--benchmark_filter=BM_bytedmd_matmul/16$", "--benchmark_repetitions=5",
                              "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                             capture_output=True, text=True, check=True).stdout
        med = [b for b in json.loads(out)["benchmarks"] if b.get("aggregate_name") == "median"][0]
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[med["time_unit"]]
        ours = med["real_time"] * scale
        ratios.append(tool / ours)
        print(f"round {r}: tool {tool * 1e3:.1f} ms, sutro {ours * 1e6:.0f} us, ratio {tool / ours:.0f}x", flush=True)
    print(f"median ratio over {args.rounds} rounds: {statistics.median(ratios):.0f}x "
          f"(min {min(ratios):.0f}x, max {max(ratios):.0f}x)")


if __name__ == "__main__":
    main()
