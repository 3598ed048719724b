#!/usr/bin/env python3
"""Differential suite for sutro::metrics::dmd::parse_static / run_static against the
sutro-problems challenge's own scorers.

Generates random programs in the challenge's two instruction sets (v0: the
matmul scorer's add/sub/mul/copy; v3: the sparse-parity scorer's, with
div/and/or/xor/not/abs/set/cmp/select on signed 8-bit values), most of them
valid and some mutated into malformed text, runs each through the scorer's
`_simulate(ir, inputs)` (github.com/cybertronai/sutro-problems; give the path
of a checkout, this script never downloads it), and writes the text, the
inputs and the scorer's outputs and cost, or the fact that it refused, to a
file that tests/dmd_models/static_differential_test.cpp replays.

    python3 scripts/static_address_differential.py --problems /path/to/sutro-problems \\
        [--count 600] [--seed 5] [--out tests/dmd_models/data/static_differential.txt]

Only the generated programs and numbers are committed, never the scorers' code.

File format (one item per line; `#` starts a comment line):
    case N D                 a new program, D the dialect (v0 or v3)
    ir TEXT                  the program, statements separated by ';'
    inputs v1 v2 ...         the input values
    outputs o1 o2 ...        the scorer's outputs (absent when refused)
    cost C                   the scorer's cost, or `cost refused`
    end
"""

import argparse
import importlib.util
import random
import subprocess
import sys

V0_OPS = ("add", "sub", "mul", "copy")
V3_BINARY = ("add", "sub", "mul", "div", "and", "or", "xor")
V3_UNARY = ("copy", "not", "abs")
PREDICATES = ("eq", "ne", "lt", "le", "gt", "ge")
LIMIT = 2**50  # v0 values stay exact in the C++ int64 runner


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def program(r, dialect):
    """A random valid program: (statements, input values)."""
    n_in = r.randint(1, 6)
    space = r.choice((8, 40, 300, 5000))
    addrs = r.sample(range(1, space + 1), min(space, n_in))
    init = list(addrs)
    lines = [",".join(map(str, addrs))]
    for _ in range(r.randint(0, 30)):
        dest = r.randint(1, space + 20)
        src = lambda: r.choice(init)
        if dialect == "v0":
            op = r.choice(V0_OPS)
            if op == "copy":
                lines.append(f"copy {dest},{src()}")
            elif r.random() < 0.25 and dest in init:
                lines.append(f"{op} {dest},{src()}")  # two-operand form: dest op= src
            else:
                lines.append(f"{op} {dest},{src()},{src()}")
        else:
            x = r.random()
            if x < 0.1:
                lines.append(f"set {dest},{r.randint(-128, 255)}")
            elif x < 0.2:
                lines.append(f"cmp {dest},{src()},{src()},{r.choice(PREDICATES)}")
            elif x < 0.3:
                lines.append(f"select {dest},{src()},{src()},{src()}")
            elif x < 0.45:
                lines.append(f"{r.choice(V3_UNARY)} {dest},{src()}")
            elif x < 0.55 and dest in init:
                lines.append(f"{r.choice(V3_BINARY)} {dest},{src()}")
            else:
                lines.append(f"{r.choice(V3_BINARY)} {dest},{src()},{src()}")
        if dest not in init:
            init.append(dest)
    lines.append(",".join(str(r.choice(init)) for _ in range(r.randint(1, 4))))
    if dialect == "v0":
        values = [r.randint(-9, 9) for _ in addrs]
    else:
        values = [r.randint(-128, 127) for _ in addrs]
    return lines, values


def mutate(r, lines, dialect):
    """A malformed variant of a program (the scorer may still accept some)."""
    lines = list(lines)
    i = r.randrange(len(lines))
    kind = r.randrange(8)
    if kind == 0:
        lines[i] = lines[i].replace(",", ",0", 1)  # an address 0... or a leading zero
    elif kind == 1:
        lines.insert(r.randint(1, len(lines) - 1), f"{r.choice(V0_OPS)} 7,999999")  # uninitialized read
    elif kind == 2:
        lines.insert(r.randint(1, len(lines) - 1), "fma 1,2,3")  # unknown op
    elif kind == 3:
        lines.insert(r.randint(1, len(lines) - 1), "add 1")  # too few operands
    elif kind == 4:
        lines[i] = lines[i] + ",x"
    elif kind == 5:
        lines[-1] = lines[-1] + ",123457"  # an output never written
    elif kind == 6:
        lines[0] = lines[0] + "," + lines[0].split(",")[0]  # a repeated input address
    else:
        lines.insert(r.randint(1, len(lines) - 1), "set 3,300" if dialect == "v3" else "copy -2,1")
    return lines


def fits(dialect, text, values):
    """v0 values are unbounded Python ints: keep programs whose every value stays exact in an int64."""
    if dialect == "v3":
        return True
    lines = text.split(";")
    mem = dict(zip((int(a) for a in lines[0].split(",")), values))
    for ln in lines[1:-1]:
        op, _, rest = ln.partition(" ")
        o = [int(x) for x in rest.split(",")]
        if op == "copy":
            mem[o[0]] = mem[o[1]]
            continue
        a, b = (mem[o[1]], mem[o[2]]) if len(o) == 3 else (mem[o[0]], mem[o[1]])
        mem[o[0]] = a + b if op == "add" else a - b if op == "sub" else a * b
        if abs(mem[o[0]]) > LIMIT:
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", required=True, help="a checkout of github.com/cybertronai/sutro-problems")
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", default="tests/dmd_models/data/static_differential.txt")
    args = ap.parse_args()
    scorers = {
        "v0": load(f"{args.problems}/matmul/matmul.py", "sutro_problems_matmul"),
        "v3": load(f"{args.problems}/sparse-parity/sparse_parity.py", "sutro_problems_sparse_parity"),
    }
    try:
        commit = subprocess.run(["git", "-C", args.problems, "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except Exception:
        commit = "unknown commit"
    r = random.Random(args.seed)
    out = [
        "# sutro static-address differential suite: programs and the sutro-problems scorers' numbers",
        f"# generated by scripts/static_address_differential.py --seed {args.seed} --count {args.count}",
        f"# scorers: github.com/cybertronai/sutro-problems matmul/matmul.py (v0), sparse-parity/sparse_parity.py "
        f"(v3), commit {commit}",
    ]
    made = refused = 0
    while made < args.count:
        dialect = "v0" if made % 2 == 0 else "v3"
        lines, values = program(r, dialect)
        if r.random() < 0.25:
            lines = mutate(r, lines, dialect)
        text = ";".join(lines)
        try:
            outputs, cost = scorers[dialect]._simulate(text, list(values))
        except (ValueError, ZeroDivisionError):
            outputs, cost = None, None
        if outputs is not None and not fits(dialect, text, values):
            continue
        out.append(f"case {made} {dialect}")
        out.append(f"ir {text}")
        out.append("inputs " + " ".join(map(str, values)))
        if outputs is None:
            out.append("cost refused")
            refused += 1
        else:
            out.append("outputs " + " ".join(map(str, outputs)))
            out.append(f"cost {cost}")
        out.append("end")
        made += 1
    with open(args.out, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"wrote {made} programs ({refused} refused by the scorer) to {args.out}")


if __name__ == "__main__":
    main()
