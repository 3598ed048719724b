"""Task generators and the conversions between dense rows and packed words."""
from __future__ import annotations

import operator
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


_ENCODINGS = {"pm1": "pm1", "+-1": "pm1", "plus_minus_one": "pm1", "01": "01", "0/1": "01", "zero_one": "01"}


def _encoding(encoding: str, who: str) -> str:
    """The canonical name ('pm1' or '01') of an encoding or one of its aliases."""
    try:
        return _ENCODINGS[encoding]
    except (KeyError, TypeError):
        raise ValueError(f"{who}: unknown encoding {encoding!r} (pm1, 01)") from None


def _where(x: np.ndarray, bad: np.ndarray) -> str:
    """The first entry of x where bad holds: its value and position."""
    i = np.unravel_index(int(np.argmax(bad)), x.shape)
    return f"{x[i].item()!r} at index {tuple(int(j) for j in i)}"


def detect_encoding(x: np.ndarray, encoding: Optional[str] = None, *, who: str = "sutro.detect_encoding") -> str:
    """The encoding of rows x: 'pm1' when every entry is -1 or +1, '01' when every entry is 0 or 1.

    Anything else (another value, NaN, -1 and 0 together) raises ValueError
    naming the first offending entry and its position. A matrix of ones only
    fits both and raises ValueError unless `encoding` is given; with
    `encoding` given, every entry must belong to it. bool rows are the bits
    themselves (any encoding); for them and for an empty array the result is
    `encoding`, '01' when not given.
    """
    x = np.asarray(x)
    enc = None if encoding is None else _encoding(encoding, who)
    if x.dtype == np.bool_:
        return enc or "01"
    if x.dtype.kind not in "iuf":
        raise ValueError(f"{who}: rows must be numbers (+-1 or 0/1) or bool, got dtype {x.dtype}")
    if x.size == 0:
        return enc or "01"
    one = x == 1
    zero = x == 0
    minus = (x == -1) if x.dtype.kind != "u" else np.zeros(x.shape, dtype=bool)
    if enc == "pm1":
        bad = ~(one | minus)
        if bad.any():
            raise ValueError(f"{who}: encoding 'pm1' needs every entry -1 or +1, got {_where(x, bad)}")
        return enc
    if enc == "01":
        bad = ~(one | zero)
        if bad.any():
            raise ValueError(f"{who}: encoding '01' needs every entry 0 or 1, got {_where(x, bad)}")
        return enc
    bad = ~(one | zero | minus)
    if bad.any():
        raise ValueError(f"{who}: entries must all be +-1 or all 0/1, got {_where(x, bad)}")
    if minus.any() and zero.any():
        raise ValueError(f"{who}: entries mix the encodings: -1 ({_where(x, minus)}) and 0 ({_where(x, zero)})")
    if minus.any():
        return "pm1"
    if zero.any():
        return "01"
    raise ValueError(f"{who}: every entry is 1, which reads as +-1 (all bits 0) or 0/1 (all bits 1): "
                     "give encoding='pm1' or encoding='01'")


def pack_rows(x: np.ndarray, encoding: Optional[str] = None) -> np.ndarray:
    """Dense rows (+-1 or 0/1, any numeric dtype or bool) -> uint64 words [m, ceil(n/64)].

    Bit j of a row is b_j, with b = 1 where x = -1 (pm1) or x = 1 (01): the
    layout of sutro's packed samples and GF(2) matrices. The encoding is
    detected unless given (detect_encoding: every entry must be +-1 or every
    entry 0/1, and rows of ones only need it given); bool rows are the bits.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"sutro.pack_rows: rows must be a 2-D array, got shape {x.shape}")
    enc = detect_encoding(x, encoding, who="sutro.pack_rows")
    if x.dtype == np.bool_:
        bits = x
    else:
        bits = x < 0 if enc == "pm1" else x != 0
    m, n = bits.shape
    words = (n + 63) // 64
    packed = np.packbits(bits, axis=1, bitorder="little")
    out = np.zeros((m, words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view("<u8").reshape(m, words)


def unpack_rows(words: np.ndarray, n: int) -> np.ndarray:
    """uint64 words [m, ceil(n/64)] -> uint8 0/1 bits [m, n]."""
    words = np.asarray(words)
    if words.ndim != 2:
        raise ValueError(f"sutro.unpack_rows: words must be a 2-D array, got shape {words.shape}")
    if words.size and words.dtype.kind not in "iu":
        raise TypeError(f"sutro.unpack_rows: words must be integers (uint64), got dtype {words.dtype}")
    m, w = words.shape
    n = operator.index(n)
    if n < 0 or n > 64 * w:
        raise ValueError(f"sutro.unpack_rows: n = {n} columns do not fit rows of {w} words (at most {64 * w})")
    words = np.ascontiguousarray(words).astype("<u8", copy=False)
    return np.unpackbits(words.view(np.uint8).reshape(m, w * 8), axis=1, count=n, bitorder="little")
