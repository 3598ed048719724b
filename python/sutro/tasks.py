"""Task generators and the conversions between dense rows and packed words."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ._sutro import Task

__all__ = ["Task", "make_task", "pack_rows", "unpack_rows", "detect_encoding"]


def make_task(kind: str = "parity", n: int = 20, k: int = 3, seed: int = 42, *, noise: float = 0.0,
              encoding: str = "pm1", test_seed_offset: int = 1000, threshold: Optional[int] = None) -> Task:
    """A sparse task: kind is parity, sum, and, majority or threshold; encoding pm1 or 01.

    >>> task = make_task("parity", 20, 3, 42, noise=0.1)
    >>> x, y = task.dense("train", 500)     # float32 [500, 20], float32 [500]
    >>> words, labels = task.packed("test", 500)
    """
    return Task(kind, n, k, seed, noise, encoding, test_seed_offset, threshold)


def detect_encoding(x: np.ndarray) -> str:
    """'pm1' when x holds a negative entry, else '01' (entries must be 0/1 then)."""
    x = np.asarray(x)
    if x.size and x.min() < 0:
        return "pm1"
    if x.size and x.max() > 1:
        raise ValueError(f"sutro.detect_encoding: entries up to {x.max()} are neither +-1 nor 0/1")
    return "01"


def pack_rows(x: np.ndarray, encoding: Optional[str] = None) -> np.ndarray:
    """Dense rows (+-1 or 0/1, any numeric dtype or bool) -> uint64 words [m, ceil(n/64)].

    Bit j of a row is b_j, with b = 1 where x = -1 (pm1) or x = 1 (01): the
    layout of sutro's packed samples and GF(2) matrices.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"sutro.pack_rows: rows must be a 2-D array, got shape {x.shape}")
    if x.dtype == np.bool_:
        bits = x
    else:
        enc = encoding or detect_encoding(x)
        bits = x < 0 if enc == "pm1" else x != 0
    m, n = bits.shape
    words = (n + 63) // 64
    packed = np.packbits(bits, axis=1, bitorder="little")
    out = np.zeros((m, words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view("<u8").reshape(m, words)


def unpack_rows(words: np.ndarray, n: int) -> np.ndarray:
    """uint64 words [m, ceil(n/64)] -> uint8 0/1 bits [m, n]."""
    words = np.ascontiguousarray(words, dtype="<u8")
    m, w = words.shape
    return np.unpackbits(words.view(np.uint8).reshape(m, w * 8), axis=1, count=n, bitorder="little")
