"""sutro for Python: the C++ library's tasks, solvers, GF(2) algebra, data-movement
metrics, ByteDMD pricing, MLP training and lab, on numpy arrays.

    import sutro
    task = sutro.Task("parity", n=20, k=3, seed=42)
    x, y = task.dense("train", 500)                 # float32 +-1 rows, labels
    sutro.solve(x, y, 20, 3)                        # -> [i, j, l], the secret
"""
from . import _sutro
from ._sutro import GF2Matrix, Task
from .tasks import make_task, pack_rows, unpack_rows
from .solvers import SolveResult, solve, solve_samples, kushilevitz_mansour, SOLVERS
from .gf2 import gf2_matrix
from .metrics import reuse_distance, energy_estimate, hierarchy, movement_summary
from .dmd import Recorder, price_events
from .nn import train_mlp, OPTIMIZERS
from .lab import lab_run, challenge
from .npy import load, save, load_bits, save_bits

__version__: str = getattr(_sutro, "__version__")  # set by module.cpp; not in the generated stub

__all__ = [
    "Task", "make_task", "pack_rows", "unpack_rows",
    "SolveResult", "solve", "solve_samples", "kushilevitz_mansour", "SOLVERS",
    "GF2Matrix", "gf2_matrix",
    "reuse_distance", "energy_estimate", "hierarchy", "movement_summary",
    "Recorder", "price_events",
    "train_mlp", "OPTIMIZERS",
    "lab_run", "challenge",
    "load", "save", "load_bits", "save_bits",
]
