#!/usr/bin/env python3
"""Differential suite for sutro::metrics::dmd::bytedmd against the group's ByteDMD tool.

Generates random straight-line programs (with branches) over a list argument
`xs` and two scalar arguments `a`, `b`, runs each through the group's tool
(github.com/cybertronai/ByteDMD, bytedmd.py on the main branch; give the path
of a checkout, this script never downloads it), and writes the programs with
the tool's depth trace and costs at 1, 2, 4 and 8 bytes per element to a text
file that tests/dmd/differential_test.cpp replays with sutro::metrics::dmd.

    python3 scripts/bytedmd_differential.py --tool /path/to/ByteDMD \
        [--count 600] [--seed 12] [--out tests/dmd/data/bytedmd_differential.txt]

Only the generated numbers are committed, never the tool's code.

File format (one item per line; `#` starts a comment line):
    case N                     a new program
    xs v0 v1 ...               the list argument's values (integers)
    a v / b v                  the scalar arguments
    stmt let tK E              tK = E
    stmt aug tK OP E           tK OP= E (OP one of + - *)
    stmt cmp cK E              cK = E, E a comparison
    stmt if C / stmt else / stmt endif
    ret (E ...) ((E ...) ...) (cK ...)   returned values: flat, groups, flags
    shape S                    how the Python function returns them (none,
                               single, flat, nested, tuple); C++ returns
                               the same values as tuple<vector, vector<vector>,
                               vector<tracked<bool>>>
    variant V                  (once, first) the model: main, two_stack or load_walk
    python <source line>       the Python function, for reading the case
    trace d1 d2 ...            the tool's depth trace (load_walk: belady's distances)
    cost c1 c2 c4 c8           the tool's cost at 1, 2, 4, 8 bytes per element
                               (load_walk: classic, live, belady at 1 byte)
    end
Expressions, prefix: x<i> (xs[i]), a, b, t<K>, c<K>, k<int> (a constant),
(+ E E) (- E E) (* E E) (neg E) (abs E) (sq E) (min E E) (max E E),
comparisons (< E E) (<= E E) (> E E) (>= E E) (== E E) (!= E E).
Conditions: a comparison, cK, (truth E), (not C), (and C C), (or C C).
"""

import argparse
import random
import subprocess
import sys

BPE = (1, 2, 4, 8)
LIMIT = 2**50  # every intermediate stays an exact integer in a C++ double
ARITH = ("+", "-", "*")
CMPS = ("<", "<=", ">", ">=", "==", "!=")


class Gen:
    def __init__(self, rng, max_stmts=12, max_depth=4, arith_only=False):
        self.r = rng
        self.max_stmts = max_stmts
        self.max_depth = max_depth
        self.arith_only = arith_only  # + - * and constants only (what bytedmd_ir.py's tracer supports)

    # ---- expressions -------------------------------------------------
    def atom(self, env, allow_const=True):
        r = self.r
        choices = [("x", i) for i in range(env["n"])] + [("a",), ("b",)]
        choices += [("t", k) for k in env["temps"]] * 2
        if allow_const and r.random() < 0.2:
            return ("k", r.randint(-4, 5))
        return r.choice(choices)

    def expr(self, env, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            return self.atom(env, allow_const=False)
        kind = 0.0 if self.arith_only else r.random()
        if kind < 0.62:
            op = r.choice(ARITH)
            left = self.expr(env, depth - 1) if r.random() < 0.6 else self.atom(env)
            right = self.expr(env, depth - 1) if r.random() < 0.6 else self.atom(env)
            if r.random() < 0.12 and left[0] != "k":  # self-operand a + a
                right = left
            if left[0] == "k" and right[0] == "k":
                right = self.atom(env, allow_const=False)
            return ("bin", op, left, right)
        if kind < 0.74:
            return ("neg", self.expr(env, depth - 1))
        if kind < 0.80:
            return ("abs", self.expr(env, depth - 1))
        if kind < 0.86:
            return ("sq", self.expr(env, depth - 1))
        op = r.choice(("min", "max"))
        left = self.expr(env, depth - 1) if r.random() < 0.5 else self.atom(env)
        right = self.expr(env, depth - 1) if r.random() < 0.5 else self.atom(env)
        if left[0] == "k" and right[0] == "k":
            right = self.atom(env, allow_const=False)
        return (op, left, right)

    def compare(self, env, depth):
        r = self.r
        left = self.expr(env, depth) if r.random() < 0.6 else self.atom(env, allow_const=False)
        right = self.expr(env, depth) if r.random() < 0.5 else self.atom(env)
        return ("cmp", r.choice(CMPS), left, right)

    def cond(self, env, depth):
        r = self.r
        x = r.random()
        if depth > 0 and x < 0.15:
            return (r.choice(("and", "or")), self.cond(env, depth - 1), self.cond(env, depth - 1))
        if depth > 0 and x < 0.25:
            return ("not", self.cond(env, depth - 1))
        if env["flags"] and x < 0.45:
            return ("cvar", r.choice(env["flags"]))
        if x < 0.6:
            return ("truth", self.expr(env, 2) if r.random() < 0.5 else self.atom(env, allow_const=False))
        return self.compare(env, 2)

    # ---- statements --------------------------------------------------
    def block(self, env, count, depth):
        out = []
        for _ in range(count):
            out.append(self.stmt(env, depth))
        return out

    def stmt(self, env, depth):
        r = self.r
        x = r.random()
        if depth < 2 and x < 0.15 and not self.arith_only:
            k = env["next_t"]
            env["next_t"] += 1
            c = self.cond(env, 2)
            # branch-local temps vanish after the if; tK is defined on both paths
            then_env = dict(env, temps=list(env["temps"]), flags=list(env["flags"]))
            else_env = dict(env, temps=list(env["temps"]), flags=list(env["flags"]))
            then_body = self.block(then_env, r.randint(0, 2), depth + 1)
            else_body = self.block(else_env, r.randint(0, 2), depth + 1)
            env["next_t"] = max(then_env["next_t"], else_env["next_t"])
            env["next_c"] = max(then_env["next_c"], else_env["next_c"])
            then_body.append(("let", k, self.expr(then_env, 3)))
            else_body.append(("let", k, self.expr(else_env, 3)))
            env["temps"].append(k)
            return ("if", c, then_body, else_body)
        if env["temps"] and x < 0.3:
            return ("aug", r.choice(env["temps"]), r.choice(ARITH), self.expr(env, 2))
        if x < 0.4 and not self.arith_only:
            k = env["next_c"]
            env["next_c"] += 1
            s = ("cmp", k, self.compare(env, 2))
            env["flags"].append(k)
            return s
        k = env["next_t"]
        env["next_t"] += 1
        if r.random() < 0.08:
            e = self.atom(env)  # a copy (name binding) or a constant
        else:
            e = self.expr(env, r.randint(1, self.max_depth))
        env["temps"].append(k)
        return ("let", k, e)

    def program(self):
        r = self.r
        n = r.randint(1, 8)
        env = {"n": n, "temps": [], "flags": [], "next_t": 0, "next_c": 0}
        body = self.block(env, r.randint(1, self.max_stmts), 0)
        names = [("t", k) for k in env["temps"]] + [("x", i) for i in range(n)] + [("a",), ("b",)]
        shape = r.choice(("none", "single", "flat", "flat", "nested", "nested", "tuple"))
        flat, groups, flags = [], [], []

        def pick():
            if r.random() < 0.15:
                return self.expr(env, 2)
            return r.choice(names)

        if shape == "single":
            flat = [pick()]
        elif shape == "flat":
            flat = [pick() for _ in range(r.randint(1, 4))]
        elif shape in ("nested", "tuple"):
            flat = [pick() for _ in range(r.randint(0, 2))]
            groups = [[pick() for _ in range(r.randint(0, 3))] for _ in range(r.randint(1, 3))]
            if env["flags"] and not self.arith_only:
                flags = [("c", k) for k in r.sample(env["flags"], r.randint(0, len(env["flags"])))]
        return {
            "xs": [r.randint(-5, 6) for _ in range(n)],
            "a": r.randint(-5, 6),
            "b": r.randint(-5, 6),
            "body": body,
            "ret": (flat, groups, flags),
            "shape": shape,
        }


# ---- rendering ----------------------------------------------------------
def sexpr(e):
    t = e[0]
    if t == "x":
        return f"x{e[1]}"
    if t in ("a", "b"):
        return t
    if t == "t":
        return f"t{e[1]}"
    if t == "c":
        return f"c{e[1]}"
    if t == "k":
        return f"k{e[1]}"
    if t == "bin":
        return f"({e[1]} {sexpr(e[2])} {sexpr(e[3])})"
    if t in ("neg", "abs", "sq"):
        return f"({t} {sexpr(e[1])})"
    if t in ("min", "max"):
        return f"({t} {sexpr(e[1])} {sexpr(e[2])})"
    if t == "cmp":
        return f"({e[1]} {sexpr(e[2])} {sexpr(e[3])})"
    if t == "cvar":
        return f"c{e[1]}"
    if t == "truth":
        return f"(truth {sexpr(e[1])})"
    if t == "not":
        return f"(not {sexpr(e[1])})"
    if t in ("and", "or"):
        return f"({t} {sexpr(e[1])} {sexpr(e[2])})"
    raise ValueError(e)


def pyexpr(e):
    t = e[0]
    if t == "x":
        return f"xs[{e[1]}]"
    if t in ("a", "b"):
        return t
    if t == "t":
        return f"t{e[1]}"
    if t == "c":
        return f"c{e[1]}"
    if t == "k":
        return f"({e[1]})"
    if t == "bin":
        return f"({pyexpr(e[2])} {e[1]} {pyexpr(e[3])})"
    if t == "neg":
        return f"(-{pyexpr(e[1])})"
    if t == "abs":
        return f"abs({pyexpr(e[1])})"
    if t == "sq":
        return f"({pyexpr(e[1])} ** 2)"
    if t in ("min", "max"):
        return f"{t}({pyexpr(e[1])}, {pyexpr(e[2])})"
    if t == "cmp":
        return f"({pyexpr(e[2])} {e[1]} {pyexpr(e[3])})"
    if t == "cvar":
        return f"c{e[1]}"
    if t == "truth":
        return pyexpr(e[1])
    if t == "not":
        return f"(not {pyexpr(e[1])})"
    if t in ("and", "or"):
        return f"({pyexpr(e[1])} {t} {pyexpr(e[2])})"
    raise ValueError(e)


def render_stmts(body, indent, py, sx):
    pad = "    " * indent
    for s in body:
        if s[0] == "let":
            py.append(f"{pad}t{s[1]} = {pyexpr(s[2])}")
            sx.append(f"stmt let t{s[1]} {sexpr(s[2])}")
        elif s[0] == "aug":
            py.append(f"{pad}t{s[1]} {s[2]}= {pyexpr(s[3])}")
            sx.append(f"stmt aug t{s[1]} {s[2]} {sexpr(s[3])}")
        elif s[0] == "cmp":
            py.append(f"{pad}c{s[1]} = {pyexpr(s[2])}")
            sx.append(f"stmt cmp c{s[1]} {sexpr(s[2])}")
        elif s[0] == "if":
            py.append(f"{pad}if {pyexpr(s[1])}:")
            sx.append(f"stmt if {sexpr(s[1])}")
            render_stmts(s[2], indent + 1, py, sx)
            py.append(f"{pad}else:")
            sx.append("stmt else")
            render_stmts(s[3], indent + 1, py, sx)
            sx.append("stmt endif")
        else:
            raise ValueError(s)


def render(prog):
    py = ["def f(xs, a, b):"]
    sx = []
    render_stmts(prog["body"], 1, py, sx)
    flat, groups, flags = prog["ret"]
    shape = prog["shape"]
    if shape == "single":
        py.append(f"    return {pyexpr(flat[0])}")
    elif shape == "flat":
        py.append("    return [" + ", ".join(pyexpr(e) for e in flat) + "]")
    elif shape in ("nested", "tuple"):
        items = [pyexpr(e) for e in flat]
        items += ["[" + ", ".join(pyexpr(e) for e in g) + "]" for g in groups]
        items += [pyexpr(e) for e in flags]
        if shape == "tuple":
            py.append("    return (" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")
        else:
            py.append("    return [" + ", ".join(items) + "]")
    else:
        py.append("    return None")
    ret = "ret (" + " ".join(sexpr(e) for e in flat) + ") ("
    ret += " ".join("(" + " ".join(sexpr(e) for e in g) + ")" for g in groups) + ") ("
    ret += " ".join(sexpr(e) for e in flags) + ")"
    sx.append(ret)
    return "\n".join(py), sx


# ---- exact integer evaluation (rejects programs whose values grow too big)
class TooBig(Exception):
    pass


def ev(e, env, xs, a, b):
    t = e[0]
    if t == "x":
        v = xs[e[1]]
    elif t == "a":
        v = a
    elif t == "b":
        v = b
    elif t in ("t", "c"):
        v = env[(t, e[1])]
    elif t == "cvar":
        v = env[("c", e[1])]
    elif t == "k":
        v = e[1]
    elif t == "bin":
        x, y = ev(e[2], env, xs, a, b), ev(e[3], env, xs, a, b)
        v = x + y if e[1] == "+" else x - y if e[1] == "-" else x * y
    elif t == "neg":
        v = -ev(e[1], env, xs, a, b)
    elif t == "abs":
        v = abs(ev(e[1], env, xs, a, b))
    elif t == "sq":
        v = ev(e[1], env, xs, a, b) ** 2
    elif t in ("min", "max"):
        x, y = ev(e[1], env, xs, a, b), ev(e[2], env, xs, a, b)
        v = min(x, y) if t == "min" else max(x, y)
    elif t == "cmp":
        x, y = ev(e[2], env, xs, a, b), ev(e[3], env, xs, a, b)
        v = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y, "!=": x != y}[e[1]]
    elif t == "truth":
        v = ev(e[1], env, xs, a, b) != 0
    elif t == "not":
        v = not ev(e[1], env, xs, a, b)
    elif t == "and":
        v = bool(ev(e[1], env, xs, a, b)) and bool(ev(e[2], env, xs, a, b))
    elif t == "or":
        v = bool(ev(e[1], env, xs, a, b)) or bool(ev(e[2], env, xs, a, b))
    else:
        raise ValueError(e)
    if abs(int(v)) > LIMIT:
        raise TooBig()
    return v


def run_body(body, env, xs, a, b):
    for s in body:
        if s[0] == "let":
            env[("t", s[1])] = ev(s[2], env, xs, a, b)
        elif s[0] == "aug":
            x, y = env[("t", s[1])], ev(s[3], env, xs, a, b)
            v = x + y if s[2] == "+" else x - y if s[2] == "-" else x * y
            if abs(v) > LIMIT:
                raise TooBig()
            env[("t", s[1])] = v
        elif s[0] == "cmp":
            env[("c", s[1])] = ev(s[2], env, xs, a, b)
        elif s[0] == "if":
            run_body(s[2] if ev(s[1], env, xs, a, b) else s[3], env, xs, a, b)


def fits(prog):
    try:
        env = {}
        run_body(prog["body"], env, prog["xs"], prog["a"], prog["b"])
        flat, groups, _ = prog["ret"]
        for e in flat + [x for g in groups for x in g]:
            ev(e, env, prog["xs"], prog["a"], prog["b"])
        return True
    except TooBig:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True, help="directory holding the group's bytedmd.py (main branch)")
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", default="tests/dmd/data/bytedmd_differential.txt")
    ap.add_argument("--max-stmts", type=int, default=12, help="statements per program at most (top level)")
    ap.add_argument("--max-depth", type=int, default=4, help="expression depth at most")
    ap.add_argument("--variant", default="main", choices=("main", "two_stack", "load_walk"),
                    help="which model the tool checkout computes: main (bytedmd.py on main), two_stack "
                         "(bytedmd.py on the dev branch) or load_walk (bytedmd_ir.py on the dev branch: "
                         "classic, live and belady; programs use + - * and constants only, which is what "
                         "its tracer supports); recorded in the file for the C++ test")
    ap.add_argument("--tool-commit", default=None, help="the tool's commit, when --tool is not a git checkout")
    args = ap.parse_args()
    sys.path.insert(0, args.tool)
    if args.variant == "load_walk":
        import bytedmd_ir as tool  # the group's tool (dev branch)
    else:
        import bytedmd as tool  # the group's tool

    commit = args.tool_commit
    if commit is None:
        try:
            commit = subprocess.run(["git", "-C", args.tool, "rev-parse", "HEAD"], capture_output=True, text=True,
                                    check=True).stdout.strip()
        except Exception:
            commit = "unknown commit"
    rng = random.Random(args.seed)
    gen = Gen(rng, args.max_stmts, args.max_depth, arith_only=args.variant == "load_walk")
    lines = [
        "# sutro ByteDMD differential suite: programs and the group's tool's numbers",
        f"# generated by scripts/bytedmd_differential.py --seed {args.seed} --count {args.count}",
        f"# tool: github.com/cybertronai/ByteDMD {'bytedmd_ir.py' if args.variant == 'load_walk' else 'bytedmd.py'}, "
        f"{'main' if args.variant == 'main' else 'dev'} branch ({commit})",
        "# format: see scripts/bytedmd_differential.py",
        f"variant {args.variant}",
    ]
    made = 0
    while made < args.count:
        prog = gen.program()
        if not fits(prog):
            continue
        src, sx = render(prog)
        scope = {}
        exec(src, scope)
        call_args = (list(prog["xs"]), prog["a"], prog["b"])
        if args.variant == "load_walk":
            events, input_vars = tool.trace(scope["f"], call_args)
            iidx = {v: i + 1 for i, v in enumerate(input_vars)}
            _, trace = tool.opt_reuse_distances(events, iidx)
            costs = [tool.bytedmd_classic(events, iidx), tool.bytedmd_live(events, iidx),
                     tool.bytedmd_opt(events, iidx)]
        else:
            trace, _ = tool.traced_eval(scope["f"], call_args)
            costs = [tool.trace_to_bytedmd(trace, b) for b in BPE]
            assert costs[0] == tool.bytedmd(scope["f"], call_args)
        lines.append(f"case {made}")
        lines.append("xs " + " ".join(str(v) for v in prog["xs"]))
        lines.append(f"a {prog['a']}")
        lines.append(f"b {prog['b']}")
        lines += sx
        lines.append(f"shape {prog['shape']}")
        lines += ["python " + line for line in src.split("\n")]
        lines.append("trace " + " ".join(str(d) for d in trace))
        lines.append("cost " + " ".join(str(c) for c in costs))
        lines.append("end")
        made += 1
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {made} programs to {args.out}")


if __name__ == "__main__":
    main()
