"""Every exact solver of sutro::solvers on numpy samples, and the challenge's solve()."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import numpy as np

from . import _sutro
from .tasks import _encoding, detect_encoding, pack_rows

__all__ = ["SolveResult", "solve", "solve_samples", "kushilevitz_mansour", "SOLVERS"]

SOLVERS = tuple(_sutro.solvers)


@dataclass
class SolveResult:
    """What a solver returns: the sorted subset (empty unless found), the status
    (found, ambiguous, failed), the reason in words, and statistics."""

    subset: List[int]
    status: str
    reason: str
    stats: Dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status == "found"

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "SolveResult":
        return cls([int(i) for i in d["subset"]], d["status"], d["reason"], dict(d["stats"]))


def _labels(y: np.ndarray, m: int) -> np.ndarray:
    y = np.asarray(y).reshape(-1)
    if y.shape[0] != m:
        raise ValueError(f"sutro.solve: {m} rows but {y.shape[0]} labels")
    if y.dtype.kind == "f":
        finite = np.isfinite(y)
        bad = ~finite
        bad[finite] = np.rint(y[finite]) != y[finite]
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"sutro.solve: labels must be integers (+-1, 0/1 or sums), "
                             f"got {y[i].item()!r} at index {i}")
    elif y.dtype.kind not in "biu":
        raise ValueError(f"sutro.solve: labels must be integers (+-1, 0/1 or sums), got dtype {y.dtype}")
    # Integers go as they are: the C++ side checks they fit int32 (astype would wrap them).
    return np.ascontiguousarray(y.astype(np.int64) if y.dtype.kind in "fb" else y)


def solve_samples(x: np.ndarray, y: np.ndarray, k: int, method: str = "gf2_elimination", *, n: Optional[int] = None,
                  kind: str = "parity", noise: float = 0.0, encoding: Optional[str] = None,
                  threshold: Optional[int] = None, **options: Any) -> SolveResult:
    """Runs solver `method` (one of SOLVERS) on samples.

    x is either dense rows [m, n] (+-1 or 0/1, any dtype; encoding detected
    unless given, see detect_encoding: rows of ones only need it given) or
    packed uint64 words [m, ceil(n/64)] (then give n and the encoding of y,
    pm1 by default). options are the solver's own (e.g. alpha=1e-6, trials=4000).

    >>> task = sutro.make_task("parity", 100, 3, 42)
    >>> x, y = task.dense("train", 110)
    >>> sutro.solve_samples(x, y, 3).subset == list(task.secret)
    True
    """
    x = np.asarray(x)
    if x.dtype == np.uint64:
        if n is None:
            raise ValueError("sutro.solve_samples: packed words need n")
        words = np.ascontiguousarray(x)
        enc = "pm1" if encoding is None else _encoding(encoding, "sutro.solve_samples")
    else:
        if x.ndim != 2:
            raise ValueError(f"sutro.solve_samples: rows must be a 2-D array, got shape {x.shape}")
        n = x.shape[1] if n is None else n
        if n != x.shape[1]:
            raise ValueError(f"sutro.solve_samples: n = {n} but rows have {x.shape[1]} columns")
        enc = detect_encoding(x, encoding, who="sutro.solve_samples")
        words = pack_rows(x, enc)
    labels = _labels(y, words.shape[0])
    d = _sutro.solve_packed(method, words, labels, kind, int(n), int(k), float(noise), enc, threshold, dict(options))
    return SolveResult.from_dict(d)


def solve(x: np.ndarray, y: np.ndarray, n_bits: int, k_sparse: int, *, encoding: Optional[str] = None) -> List[int]:
    """The challenge's entry point: the sorted secret indices of sparse parity.

    GF(2) elimination first (exact, noise-free); when it cannot certify an
    answer (too few rows or noisy labels), the noise-tolerant noisy_parity at
    an assumed 10% noise rate; [] when neither names a subset. The encoding
    of x is detected unless given (rows of ones only need it given).
    """
    r = solve_samples(x, y, k_sparse, "gf2_elimination", n=n_bits, encoding=encoding)
    if not r.found:
        r = solve_samples(x, y, k_sparse, "noisy_parity", n=n_bits, noise=0.1, encoding=encoding)
    return r.subset


def kushilevitz_mansour(task: _sutro.Task, pairs_per_bit: int = 1, *, seed: int = 0, false_positive: float = 1e-6,
                        stop_at_k: bool = False, budget: int = 0) -> Dict[str, Any]:
    """Kushilevitz-Mansour on the task's query oracle (pairs_per_bit = 1 is KM-min)."""
    return _sutro.kushilevitz_mansour(task, pairs_per_bit, seed, false_positive, stop_at_k, budget)
