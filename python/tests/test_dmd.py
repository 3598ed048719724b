"""ByteDMD pricing of recorded event lists equals the C++ result and the group's tool."""
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import sutro
from sutro.dmd import bytedmd, price_events

DATA = pathlib.Path(__file__).resolve().parents[2] / "tests" / "dmd" / "data"


def test_dot_product_as_in_the_cpp_example():
    # include/sutro/metrics/dmd/bytedmd.hpp's example: cost 11, depths {2, 4, 2, 3, 2, 1}.
    r = bytedmd(lambda a, b: a[0] * b[0] + a[1] * b[1], [1.0, 2.0], [3.0, 4.0])
    assert r["cost"] == 11
    assert r["depths"].tolist() == [2, 4, 2, 3, 2, 1]


def test_event_list_directly():
    # b's two values pushed first, then a's: the same program as above.
    r = price_events(4, reads=[2, 0, 3, 1, 4, 5], counts=[2, 2, 2], results=[6])
    assert r["cost"] == 11


def parse_cases(path):
    case, cases = None, []
    for line in path.read_text().splitlines():
        if line.startswith("case "):
            case = {"python": [], "xs": [], "a": 0, "b": 0}
        elif line.startswith("xs"):
            case["xs"] = [int(v) for v in line.split()[1:]]
        elif line.startswith("a "):
            case["a"] = int(line.split()[1])
        elif line.startswith("b "):
            case["b"] = int(line.split()[1])
        elif line.startswith("python "):
            case["python"].append(line[len("python "):])
        elif line.startswith("trace"):
            case["trace"] = [int(v) for v in line.split()[1:]]
        elif line.startswith("cost"):
            case["cost"] = [int(v) for v in line.split()[1:]]
        elif line == "end":
            cases.append(case)
    return cases


def test_load_walk_differential_suite_equals_the_tool():
    """The 600 programs of tests/dmd/data/bytedmd_differential_load_walk.txt, traced
    in Python and priced by sutro: classic, live and belady costs and belady's
    distance trace equal the group's tool (bytedmd_ir.py), as the C++ suite checks."""
    cases = parse_cases(DATA / "bytedmd_differential_load_walk.txt")
    assert len(cases) == 600
    for i, c in enumerate(cases):
        scope = {}
        exec("\n".join(c["python"]), scope)
        f = scope["f"]
        costs = [bytedmd(f, c["xs"], c["a"], c["b"], variant=v)["cost"] for v in ("classic", "live", "belady")]
        assert costs == c["cost"], f"case {i}"
        assert bytedmd(f, c["xs"], c["a"], c["b"], variant="belady")["depths"].tolist() == c["trace"], f"case {i}"


def test_errors():
    with pytest.raises(ValueError, match="unknown ByteDMD variant 'fast'"):
        price_events(1, [0], [1], variant="fast")
    with pytest.raises(ValueError, match="read counts sum to 2"):
        price_events(1, [0], [2])
    with pytest.raises(ValueError, match="operand v5"):
        price_events(1, [5], [1])


def test_array_arguments_are_their_own_values():
    # Two 2-D arrays, each its own values (a memo keyed by id() alone could
    # take a temporary of one for the other), indexed as nested lists.
    def matmul(A, B):
        n = len(A)
        return [[sum(A[i][k] * B[k][j] for k in range(n)) for j in range(n)] for i in range(n)]

    a, b = np.arange(16.0).reshape(4, 4), np.ones((4, 4))
    lists = bytedmd(matmul, a.tolist(), b.tolist())
    arrays = bytedmd(matmul, a, b)
    assert arrays["cost"] == lists["cost"]
    assert arrays["depths"].tolist() == lists["depths"].tolist()
    assert arrays["inputs"] == 32
    # The same array passed twice is still one set of values.
    assert bytedmd(matmul, a, a)["inputs"] == 16


def test_the_group_tools_event_list():
    # bytedmd.py's first pass of dot(a, b) = a[0]*b[0] + a[1]*b[1] on a = [1, 2], b = [3, 4]:
    # b's values stored first (keys 1, 2), then a's (3, 4); each operation reads, then stores its result.
    events = [("STORE", 1), ("STORE", 2), ("STORE", 3), ("STORE", 4),
              ("READ_BATCH", [3, 1]), ("OP_START", "mul", [3, 1]), ("STORE", 5), ("OP_END", "mul", [3, 1], 5),
              ("READ_BATCH", [4, 2]), ("OP_START", "mul", [4, 2]), ("STORE", 6), ("OP_END", "mul", [4, 2], 6),
              ("READ_BATCH", [5, 6]), ("OP_START", "add", [5, 6]), ("STORE", 7), ("OP_END", "add", [5, 6], 7)]
    r = sutro.dmd.price_tool_events(events, results=[7])
    assert r["cost"] == 11 and r["depths"].tolist() == [2, 4, 2, 3, 2, 1]
    # A read with no output (bool() of a value) defines nothing; the next stored value is the sum's.
    r = sutro.dmd.price_tool_events(events[:12] + [("READ_BATCH", [6])] + events[12:], results=[7])
    assert r["depths"].tolist() == [2, 4, 2, 3, 1, 2, 1] and r["cost"] == 12
    with pytest.raises(ValueError, match="key 3 stored as value 2"):
        sutro.dmd.price_tool_events([("STORE", 1), ("STORE", 3)])


# The group's tool (bytedmd.py, main branch) on programs beyond arithmetic: == and !=
# record an operation, hash() (a dict key) and float()/int() a read, reflected
# // % ** and unary + are operations too. Costs computed by the tool itself.
TOOL_COSTS = [
    ("lambda a, b: a == b", (1.0, 1.0), 3),
    ("lambda a, b: a != b", (1.0, 2.0), 3),
    ("lambda a, b: a + b if a == b else a - b", (1.0, 1.0), 7),
    ("lambda a, b: a + b if a != b else a - b", (1.0, 1.0), 7),
    ("lambda a: {a: 1} and a", (2.0,), 1),
    ("lambda a, b: len({a, b}) and a", (2.0, 3.0), 3),
    ("lambda a, b: a in [b, 3.0]", (2.0, 3.0), 6),
    ("lambda a: 2 ** a", (1.0,), 1),
    ("lambda a: 7 // a", (2.0,), 1),
    ("lambda a: 7 % a", (2.0,), 1),
    ("lambda a: +a", (2.0,), 1),
    ("lambda a: float(a) + a", (2.0,), 2),
    ("lambda a: int(a) * a", (2.0,), 2),
    ("lambda a, b: divmod(a, b)", (7.0, 2.0), 3),
    ("lambda a, b: divmod(a, b)[1] * a", (7.0, 2.0), 6),
    ("lambda a: round(a, 1) + round(a)", (2.25,), 6),
    ("lambda a, b: (a * b == b * a) + a", (2.0, 3.0), 13),
    ("lambda a, b, c: [x for x in (a, b, c) if x != b]", (1.0, 2.0, 3.0), 11),
]


@pytest.mark.parametrize("src,args,cost", TOOL_COSTS)
def test_comparisons_hash_and_conversions_as_the_group_tool(src, args, cost):
    assert bytedmd(eval(src), *args)["cost"] == cost


def test_traced_equality_is_recorded():
    rec = sutro.Recorder()
    a, b = rec.input(1.0), rec.input(1.0)
    eq = a == b
    assert isinstance(eq, sutro.dmd.Traced) and eq.value is True
    assert (a != b).value is False
    assert rec.counts == [2, 2] and rec.outputs == [1, 1]
    assert hash(a) == hash(1.0) and rec.outputs[-1] == 0  # a read, nothing defined
    q, r = divmod(a + 6.0, 2.0)  # divmod defines two values
    assert (q.value, r.value) == (3.0, 1.0) and rec.outputs[-1] == 2


def test_numpy_scalars_and_0d_arrays_are_numbers():
    # The tool: 2 for each (one value read twice).
    x = np.array(3.0)
    assert bytedmd(lambda a: a * a, x)["cost"] == 2
    assert bytedmd(lambda a: a * a, np.float64(3.0))["cost"] == 2
    assert bytedmd(lambda a, b: a * b, x, x)["inputs"] == 1  # one array passed twice is one value
    assert bytedmd(lambda a, b: a * b + a, np.int64(3), np.array(2))["cost"] == 7
    assert bytedmd(lambda a, b: a[0] * b, [np.float32(1.0), 2.0], np.array(5))["cost"] == 4
    assert bytedmd(lambda a: float(a) * a, x)["cost"] == 2
    with pytest.raises(TypeError, match="cannot trace an argument of type str"):
        bytedmd(lambda a: a, "x")


# The tool wraps an array argument as an object array of traced values of the
# same shape, so f indexes it (A[i, j]) and whole-array operations run
# elementwise (as a list, x * 2 would be a repetition and x + y a
# concatenation, reading nothing). Depth traces computed by the tool itself.
TOOL_ARRAY_TRACES = [
    ("lambda x: x * 2", ([1.0, 2.0, 3.0],), [3, 3, 3]),
    ("lambda x, y: x + y", ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), [3, 6, 3, 5, 3, 4]),
    ("lambda x, y: x @ y", ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), [3, 6, 3, 5, 2, 1, 2, 3, 2, 1]),
    ("lambda A: A[0, 1] * A[1, 0]", ([[0.0, 1.0], [2.0, 3.0]],), [2, 1]),
    ("lambda A: A.sum()", ([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]],), [6, 5, 1, 5, 1, 4, 1, 3, 1, 2]),
]


@pytest.mark.parametrize("src,args,trace", TOOL_ARRAY_TRACES)
def test_array_arguments_are_object_arrays_as_in_the_group_tool(src, args, trace):
    r = bytedmd(eval(src), *[np.array(a) for a in args])
    assert r["depths"].tolist() == trace


def test_a_conversion_that_raises_has_read_its_value():
    # The tool's conversions read first (its _rd()), then convert: int(inf)
    # and a float used as an index raise after the read. The tool: 4, depths 1, 2, 1.
    def overflow(a, b):
        try:
            int(a)
        except OverflowError:
            pass
        return b + a

    def index(a, b):
        try:
            [1, 2][a]
        except TypeError:
            pass
        return b + a

    for f in (overflow, index):
        r = bytedmd(f, 1.5 if f is index else float("inf"), 1.0)
        assert r["cost"] == 4 and r["depths"].tolist() == [1, 2, 1]


def test_load_walk_variants_load_a_returned_dicts_values():
    # bytedmd_ir.py's epilogue loads a dict's values (classic, live, belady);
    # the main tool ignores a dict. Costs computed by bytedmd_ir.py itself.
    f = lambda a, b: {"s": a * b, "a": a}  # noqa: E731
    g = lambda a, b: [a * b, {"x": b, "y": [a]}]  # noqa: E731
    for fn, costs in ((f, [6, 5, 6]), (g, [8, 6, 8])):
        assert [bytedmd(fn, 1.0, 2.0, variant=v)["cost"] for v in ("classic", "live", "belady")] == costs
    assert bytedmd(f, 1.0, 2.0, variant="belady")["depths"].tolist() == [1, 2, 1, 2]
    assert bytedmd(f, 1.0, 2.0)["cost"] == 3  # main: the dict's values are not results


def test_price_events_checks_n_inputs_before_making_the_default_order():
    # A float count is refused, not truncated by int(); one past 2^32 - 1 is
    # named by C++ before the default order (that many ids) is made.
    with pytest.raises(TypeError):
        price_events(2.0, [0, 1], [2])
    with pytest.raises(ValueError, match="n_inputs = 8589934592 is out of range"):
        price_events(2**33, [0], [1])
    assert price_events(np.int64(2), [0, 1], [2])["cost"] == 3


# Run in a child process whose address space is capped: making the default
# order there is a MemoryError the parent reads back, not an OOM kill.
BAD_CALLS_WITH_HUGE_N_INPUTS = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), resource.getrlimit(resource.RLIMIT_AS)[1]))
from sutro.dmd import price_events
n = 2**32 - 1
calls = [
    lambda: price_events(n, [0], [2]),
    lambda: price_events(n, [0], [1], variant="nope"),
    lambda: price_events(n, [0], [1], outputs=[1, 1]),
    lambda: price_events(n - 9, [0], [1], results=[n]),
]
for call in calls:
    try:
        call()
        print(json.dumps(["no error", ""]))
    except Exception as e:
        print(json.dumps([type(e).__name__, str(e)]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS caps the address space on Linux")
def test_price_events_refuses_a_bad_call_without_making_a_huge_default_order():
    # n_inputs up to 2^32 - 1 is a count C++ takes, and its default order (ids
    # 0..n_inputs-1) takes up to 16 GiB: a call wrong in a cheap argument must
    # fail on it before making that order, here with 2 GiB of address space.
    limit = 2 << 30
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(BAD_CALLS_WITH_HUGE_N_INPUTS), str(limit)],
                       capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"))
    assert r.returncode == 0, r.stderr
    got = [tuple(json.loads(line)) for line in r.stdout.splitlines()]
    want = [
        ("ValueError", "the read counts sum to 2, reads has 1"),
        ("ValueError", "unknown ByteDMD variant 'nope'"),
        ("ValueError", "1 instructions but 2 output counts"),
        ("ValueError", "keep_live: v4294967295 is not a value of this context"),
    ]
    assert len(got) == len(want), r.stdout
    for (kind, message), (want_kind, want_message) in zip(got, want):
        assert kind == want_kind and want_message in message, (kind, message)
