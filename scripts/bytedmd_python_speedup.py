#!/usr/bin/env python3
"""ByteDMD of the group's benchmark functions: their tool end to end against
their tracer's first pass with sutro pricing the event list.

    python scripts/bytedmd_python_speedup.py PATH_TO_BYTEDMD_CHECKOUT [--runs 5] [--quick]

PATH is a checkout of github.com/cybertronai/ByteDMD (bytedmd.py and
benchmarks/ at its root); nothing of it is copied here. Its bytedmd.py is the
main branch's one LRU stack (sutro's variant "main") or, when its tracer has an
argument stack (allocate_arg), the dev branch's two stacks ("two_stack").
Needs the sutro package (pip install .) and numpy.

For every benchmark function and size, three ways to the same number, run
alternately (a, b, c, a, b, c, ...) and timed by their medians:
  a  tool     their bytedmd(f, args): first pass (tracing) and their _pass2
  b  hand-off their first pass (tool._Context, tool._wrap, f) as it is; its
              event list (ARG, STORE, READ_BATCH) priced by
              sutro.dmd.price_tool_events (sutro::metrics::dmd::price, same variant)
  c  sutro    sutro's own tracer and pricing, sutro.dmd.bytedmd(f, *args)
Before timing, b's per-read depth trace must equal their trace read for read,
and all three costs must be equal; a difference is printed in the table
(and the script exits with status 1), never hidden. Times are the process's
CPU seconds (time.process_time), robust to other load on shared cores.
"""
from __future__ import annotations

import argparse
import importlib.util
import pathlib
import platform
import statistics
import sys
import time

import numpy as np

import sutro
import sutro.dmd


def load_module(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def variant_of(tool) -> str:
    return "two_stack" if hasattr(tool._Context, "allocate_arg") else "main"


def first_pass(tool, f, args):
    """Their traced_eval up to (not including) _pass2: the same wrapping order."""
    ctx = tool._Context()
    if variant_of(tool) == "two_stack":  # arguments first to last onto the argument stack
        return ctx, f(*[tool._wrap(ctx, a, is_arg=True) for a in args])
    rev = [tool._wrap(ctx, a) for a in reversed(args)]
    res = f(*reversed(rev))
    return ctx, res


def result_keys(tool, res):
    """The keys of the values f returned (their _pass2 keeps them live to the end)."""
    keys = []

    def walk(v):
        if isinstance(v, tool._Tracked):
            keys.append(v._key)
        elif isinstance(v, (list, tuple)):
            for e in v:
                walk(e)
        elif type(v).__name__ == "ndarray":
            for e in v.flat:
                walk(e)

    walk(res)
    return keys


def handoff(tool, f, args, keep_events=False):
    """Their first pass, sutro's second: sutro.dmd.price_tool_events converts ctx.events."""
    ctx, res = first_pass(tool, f, args)
    return sutro.dmd.price_tool_events(ctx.events, result_keys(tool, res), variant=variant_of(tool),
                                       keep_events=keep_events)


def cases(root: pathlib.Path, quick: bool):
    """(label, function, args) from the checkout's benchmark files; functions it lacks are skipped."""
    sys.path.insert(0, str(root))  # the benchmark files import bytedmd from the root
    bench = root / "benchmarks"
    out = []
    linalg = load_module(bench / "benchmark_linalg.py", "bytedmd_benchmark_linalg")
    mm = lambda n: (np.ones((n, n)), np.ones((n, n)))  # noqa: E731 (their _cost's inputs)
    mv = lambda n: (np.ones((n, n)), np.ones(n))  # noqa: E731
    att = lambda n: tuple(np.ones((n, n)) for _ in range(5))  # noqa: E731
    sizes = (4, 8) if quick else (4, 8, 16)
    linalg_cases = [
        ("matvec4", "matvec (i-j)", mv, sizes),
        ("vecmat4", "vecmat (j-i)", mv, sizes),
        ("matmul4", "matmul (i-j-k)", mm, sizes),
        ("matmul4_ikj", "matmul (i-k-j)", mm, sizes),
        ("matmul4_tiled", "matmul (2x2 tiled)", mm, sizes),
        ("matmul4_tsp", "matmul (TSP schedule)", mm, (4,)),
        ("matmul_4x4_winograd", "Winograd", mm, (4,)),
        ("matmul_strassen", "Strassen (leaf 1)", mm, sizes),
        ("matmul_vanilla_recursive", "recursive matmul", mm, sizes),
        ("self_attention", "self-attention", att, (4, 8)),
        ("flash_attention", "flash attention", att, (4, 8)),
    ]
    for name, label, make, ns in linalg_cases:
        f = getattr(linalg, name, None)
        if f is None:
            print(f"# benchmark_linalg.py has no {name}: skipped", file=sys.stderr)
            continue
        out += [(f"{label} N={n}", f, make(n)) for n in ns]

    if (bench / "benchmark_microgpt.py").exists():
        g = load_module(bench / "benchmark_microgpt.py", "bytedmd_benchmark_microgpt")
        m = g.make_matrix
        e = g.N_EMBD

        def forward(wte, wpe, lm_head, wq, wk, wv, wo, fc1, fc2):
            return g.gpt_forward(wte, wpe, lm_head, wq, wk, wv, wo, fc1, fc2, token_id=0, pos_id=0,
                                 n_head=g.N_HEAD, head_dim=g.HEAD_DIM)

        out.append(("microGPT forward (embd 4)", forward,
                    (m(g.VOCAB_SIZE, e), m(g.BLOCK_SIZE, e), m(g.VOCAB_SIZE, e), m(e, e), m(e, e), m(e, e), m(e, e),
                     m(4 * e, e), m(e, 4 * e))))

    if (bench / "benchmark_attention.py").exists():
        a = load_module(bench / "benchmark_attention.py", "bytedmd_benchmark_attention")
        for n, d, bk in ((16, 2, 4),) if quick else ((16, 2, 4), (32, 2, 8)):
            q = [a.make_matrix(n, d) for _ in range(3)]
            out.append((f"naive attention N={n} d={d}", a.naive_attention, tuple(q)))
            out.append((f"flash attention N={n} d={d} Bk={bk}", (lambda bk: lambda Q, K, V: a.flash_attention(Q, K, V, Bk=bk))(bk),
                        tuple(q)))
    return out


def timed(fn):
    # CPU time of this process: the machine's cores may be shared, and a
    # descheduled slice would otherwise count against whichever way ran then.
    t = time.process_time()
    v = fn()
    return time.process_time() - t, v


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkout", type=pathlib.Path, help="a checkout of cybertronai/ByteDMD")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each way (alternated), medians reported")
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    opt = ap.parse_args()
    root = opt.checkout.resolve()
    if not (root / "bytedmd.py").exists():
        raise SystemExit(f"{root}: no bytedmd.py (give the root of a ByteDMD checkout, main branch)")
    tool = load_module(root / "bytedmd.py", "bytedmd")
    sys.modules["bytedmd"] = tool
    variant = variant_of(tool)

    print(f"# {platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}, "
          f"{opt.runs} alternated runs, median CPU seconds; ByteDMD checkout {root}, variant {variant}")
    head = (f"{'function':<34} {'reads':>8} {'cost':>10} {'tool s':>9} {'pass 1 s':>9} {'hand-off s':>10} "
            f"{'sutro s':>9} {'tool/hand-off':>13} {'tool/sutro':>10}  check")
    print(head)
    print("-" * len(head))
    bad = 0
    for label, f, args in cases(root, opt.quick):
        # Correctness first (untimed): their trace read for read, and the three costs.
        trace, _ = tool.traced_eval(f, args)
        cost_a = tool.trace_to_bytedmd(trace, 1)
        rb = handoff(tool, f, args, keep_events=True)
        try:
            cost_c = sutro.dmd.bytedmd(f, *args, variant=variant)["cost"]
        except Exception as e:  # sutro's tracer lacks something the function uses
            cost_c = f"{type(e).__name__}: {e}"
        notes = []
        if rb["depths"].tolist() != list(trace):
            notes.append("hand-off depths differ")
        if rb["cost"] != cost_a:
            notes.append(f"hand-off cost {rb['cost']}")
        if cost_c != cost_a:
            notes.append(f"sutro tracer cost {cost_c}")
        bad += bool(notes)
        ta, tp, tb, tc = [], [], [], []
        for _ in range(opt.runs):
            ta.append(timed(lambda: tool.bytedmd(f, args))[0])
            tb.append(timed(lambda: handoff(tool, f, args))[0])
            tc.append(timed(lambda: sutro.dmd.bytedmd(f, *args, variant=variant, keep_events=False))[0]
                      if isinstance(cost_c, int)
                      else float("nan"))
            tp.append(timed(lambda: first_pass(tool, f, args))[0])
        a, p, b, c = (statistics.median(t) for t in (ta, tp, tb, tc))
        print(f"{label:<34} {len(trace):>8} {cost_a:>10} {a:>9.4f} {p:>9.4f} {b:>10.4f} {c:>9.4f} "
              f"{a / b:>12.1f}x {a / c:>9.1f}x  {'; '.join(notes) or 'equal'}", flush=True)
    print("# pass 1 s: their first pass alone (tracing, included in tool s and hand-off s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
