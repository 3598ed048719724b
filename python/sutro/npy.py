""".npy files through sutro's C++ reader and writer (sutro::io::npy): f4, f8,
i1, i2, i4, i8, u1, u2, u4, u8 and bool, and GF(2) rows in numpy.packbits order."""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _sutro
from ._sutro import GF2Matrix

__all__ = ["load", "save", "load_bits", "save_bits"]


def _readable(path: "os.PathLike[str] | str") -> str:
    """The path as a str, after opening it: a missing file raises FileNotFoundError
    (an OSError, as numpy.load does), not the C++ reader's RuntimeError."""
    p = os.fspath(path)
    with open(p, "rb"):
        pass
    return p


def load(path: "os.PathLike[str] | str") -> "npt.NDArray[Any]":
    """The array in a .npy file, read by sutro (same result as numpy.load)."""
    a: "npt.NDArray[Any]" = _sutro.npy_read(_readable(path))
    return a


# Native byte order: a big-endian array is converted before the check.
_SAVED = tuple(np.dtype(t) for t in ("f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "?"))


def save(path: "os.PathLike[str] | str", array: "npt.ArrayLike") -> None:
    """Writes an array of dtype float32, float64, int8, int16, int32, int64, uint8,
    uint16, uint32, uint64 or bool (numpy.load reads it back).

    A big-endian array is written in the machine's byte order, the file numpy
    writes for a.astype(a.dtype.newbyteorder("=")): the values are the same.
    Another dtype (float16, object, strings, ...) is a ValueError.
    """
    a = np.asarray(array)  # ascontiguousarray would make a 0-d array 1-d
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    if a.dtype not in _SAVED:
        raise ValueError(f"sutro.save: dtype not supported: {a.dtype} (float32, float64, int8, int16, int32, int64, "
                         "uint8, uint16, uint32, uint64, bool)")
    _sutro.npy_write(os.fspath(path), np.ascontiguousarray(a).reshape(-1), list(a.shape))


def load_bits(path: "os.PathLike[str] | str", cols: int, bitorder: str = "big") -> GF2Matrix:
    """A GF2Matrix from a file holding numpy.packbits(A, axis=1, bitorder=bitorder)."""
    words = _sutro.npy_read_bits(_readable(path), cols, bitorder)
    return GF2Matrix.from_words(words, cols)


def save_bits(path: "os.PathLike[str] | str", matrix: GF2Matrix, bitorder: str = "big") -> None:
    """Writes a GF2Matrix as numpy.packbits would (np.unpackbits(np.load(path), axis=1, count=cols) gives it back)."""
    _sutro.npy_write_bits(os.fspath(path), np.ascontiguousarray(matrix.words), matrix.cols, bitorder)
