"""GF(2) matrices from and to numpy: bool or uint8 0/1 arrays, numpy.packbits rows, raw words."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

from ._sutro import GF2Matrix

__all__ = ["GF2Matrix", "gf2_matrix", "to_numpy", "solve"]


def gf2_matrix(a: np.ndarray, *, cols: Optional[int] = None, bitorder: str = "big") -> GF2Matrix:
    """A GF2Matrix from a 2-D array.

    bool or integer 0/1 arrays are read entry by entry; a uint8 array with
    `cols` given is read as numpy.packbits(A, axis=1, bitorder=bitorder)
    rows; a uint64 array with `cols` as sutro's words (a task's packed rows).

    >>> A = np.random.default_rng(1).integers(0, 2, (5, 9)).astype(bool)
    >>> M = gf2_matrix(A)
    >>> np.array_equal(to_numpy(M), A)
    True
    >>> gf2_matrix(np.packbits(A, axis=1), cols=9) == M
    True
    """
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"sutro.gf2_matrix: a 2-D array is needed, got shape {a.shape}")
    if cols is not None:
        if a.dtype == np.uint64:
            return GF2Matrix.from_words(np.ascontiguousarray(a), cols)
        if a.dtype != np.uint8:
            raise ValueError(f"sutro.gf2_matrix: packed rows are uint8 (packbits) or uint64 (words), got {a.dtype}")
        return GF2Matrix.from_packbits(np.ascontiguousarray(a), cols, bitorder)
    if a.dtype == np.bool_:
        return GF2Matrix.from_bits(np.ascontiguousarray(a).view(np.uint8))
    if a.dtype.kind in "iuf":
        b = a.astype(np.uint8)
        if not np.array_equal(b, a):
            raise ValueError("sutro.gf2_matrix: entries must be 0 or 1")
        return GF2Matrix.from_bits(np.ascontiguousarray(b))
    raise ValueError(f"sutro.gf2_matrix: unsupported dtype {a.dtype}")


def to_numpy(m: GF2Matrix, dtype: "npt.DTypeLike" = np.bool_) -> "npt.NDArray[Any]":
    """The matrix as a [rows, cols] array of dtype (bool by default, or uint8 0/1)."""
    bits = m.to_bits()
    return bits.view(np.bool_) if np.dtype(dtype) == np.bool_ else bits.astype(dtype, copy=False)


def solve(a: GF2Matrix, b: "Union[npt.ArrayLike, GF2Matrix]") -> Tuple[bool, Any, GF2Matrix]:
    """A x = b over GF(2) for a 1-D 0/1 b (or A X = B for a GF2Matrix B).

    Returns (consistent, solution, nullspace): solution as a 1-D bool array
    (or GF2Matrix), nullspace a GF2Matrix whose columns span {x : A x = 0}.
    """
    if isinstance(b, GF2Matrix):
        return a.solve(b)
    b = np.asarray(b)
    if b.ndim != 1:
        raise ValueError(f"sutro.gf2.solve: b must be 1-D or a GF2Matrix, got shape {b.shape}")
    ok, x, null = a.solve(gf2_matrix(b.reshape(-1, 1)))
    return ok, to_numpy(x)[:, 0], null
