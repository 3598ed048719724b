""".npy files through sutro's C++ reader and writer (sutro::io::npy): f4, f8,
i4, i8, u1 and bool, and GF(2) rows in numpy.packbits order."""
from __future__ import annotations

import os

import numpy as np

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


def load(path: "os.PathLike[str] | str") -> np.ndarray:
    """The array in a .npy file, read by sutro (same result as numpy.load)."""
    return _sutro.npy_read(_readable(path))


def save(path: "os.PathLike[str] | str", array: np.ndarray) -> None:
    """Writes a C-order array of dtype f4, f8, i4, i8, u1 or bool (numpy.load reads it back)."""
    a = np.asarray(array)  # ascontiguousarray would make a 0-d array 1-d
    _sutro.npy_write(os.fspath(path), np.ascontiguousarray(a).reshape(-1), list(a.shape))


def load_bits(path: "os.PathLike[str] | str", cols: int, bitorder: str = "big") -> GF2Matrix:
    """A GF2Matrix from a file holding numpy.packbits(A, axis=1, bitorder=bitorder)."""
    words = _sutro.npy_read_bits(_readable(path), cols, bitorder)
    return GF2Matrix.from_words(words, cols)


def save_bits(path: "os.PathLike[str] | str", matrix: GF2Matrix, bitorder: str = "big") -> None:
    """Writes a GF2Matrix as numpy.packbits would (np.unpackbits(np.load(path), axis=1, count=cols) gives it back)."""
    _sutro.npy_write_bits(os.fspath(path), np.ascontiguousarray(matrix.words), matrix.cols, bitorder)
