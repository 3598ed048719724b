"""The package's type annotations and stubs: mypy accepts a script calling the
documented API (numpy arrays where sequences of ints are taken included), and
the package itself with its generated stub, both under --strict. Skipped where
mypy is not installed."""
import pathlib
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy")
PACKAGE = pathlib.Path(__import__("sutro").__file__).parent

USER = '''
import numpy as np
import numpy.typing as npt
import sutro
import sutro.dmd

task = sutro.make_task("parity", n=20, k=3, seed=42)
x, y = task.dense("train", 500)
secret: list[int] = sutro.solve(x, y, 20, 3)
r = sutro.reuse_distance(np.array([1, 2, 1]), unit="element")
e = sutro.energy_estimate(r, unit_bytes=4)
e2 = sutro.energy_estimate(r, tiers=[("fast", 8, 1.0), ("slow", None, 100.0)])
m = sutro.movement_summary([1, 2, 1])
c: int = sutro.price_events(n_inputs=4, reads=[2, 0, 3, 1, 4, 5], counts=[2, 2, 2], results=[6])["cost"]
c2 = sutro.price_events(4, np.array([2, 0, 3, 1, 4, 5]), np.array([2, 2, 2]), results=np.array([6]))
d = sutro.dmd.bytedmd(lambda a, b: a[0] * b[0] + a[1] * b[1], [1.0, 2.0], [3.0, 4.0])
sutro.save("x.npy", np.arange(6.0))
a: npt.NDArray[np.float64] = sutro.load("x.npy")
A = sutro.load_bits("x.npy", 3)
same: bool = A == sutro.GF2Matrix(1, 3)
sutro.save_bits("x.npy", A)
B = sutro.gf2_matrix(task.packed("train", 10)[0], cols=20)
rows, cols = B.shape
form, pivots, rank = B.echelon()
consistent, X, N = B.solve(sutro.GF2Matrix(rows, 1))
labels: npt.NDArray[np.int32] = task.packed("train", 10)[1]
h = sutro.hierarchy()
rec = sutro.Recorder()
v = rec.input(1.0)
rec.keep(v * 2.0 + v)
cost: int = rec.price()["cost"]
p = sutro.dmd.price_tool_events([("STORE", 1), ("READ_BATCH", [1])], [1])
rep = sutro.lab_run(sutro.challenge(repeats=1), ["gf2_elimination"])
runs = rep["runs"]
text: str = sutro.lab_run(sutro.challenge(repeats=1), as_json=True)
'''


def mypy(*args):
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-version",
                           f"{sys.version_info[0]}.{sys.version_info[1]}", *args],
                          capture_output=True, text=True)


def test_a_user_script_passes_mypy_strict(tmp_path):
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(USER))
    r = mypy("--strict", "--follow-imports=silent", str(script))
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_package_passes_mypy_strict(tmp_path):
    # The package and its generated stub (_sutro.pyi): a bare generic there
    # (tuple, dict) would reach users as Any.
    r = mypy("--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "sutro")
    assert r.returncode == 0, r.stdout + r.stderr
