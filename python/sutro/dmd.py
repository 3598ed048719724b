"""ByteDMD pricing of a recorded event list (sutro::metrics::dmd::price), and a small
Python tracer that records one.

A tracer (the group's, or Recorder here) runs the program once and writes
the event list: inputs are values 0..n_inputs-1, instruction t reads some
values in order and defines outputs[t] new values, numbered after the inputs
in order. The second pass (liveness, the LRU stack, the price) is sutro's:

    >>> def dot(a, b):
    ...     return a[0] * b[0] + a[1] * b[1]
    >>> bytedmd(dot, [1.0, 2.0], [3.0, 4.0])["cost"]
    11
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from . import _sutro

__all__ = ["Recorder", "Traced", "price_events", "price_tool_events", "bytedmd", "VARIANTS"]

VARIANTS = ("main", "two_stack", "classic", "live", "belady")


def price_events(n_inputs: int, reads: Sequence[int], counts: Sequence[int], outputs: Optional[Sequence[int]] = None,
                 results: Sequence[int] = (), preload: Optional[Sequence[int]] = None, variant: str = "main",
                 bytes_per_element: int = 1, keep_events: bool = True) -> Dict[str, Any]:
    """The ByteDMD price of an event list.

    reads: every instruction's read value ids, concatenated; counts: reads
    per instruction; outputs: values each defines (default 1; 0 is a plain
    read such as a branch); results: values live to the end (what the
    function returned); preload: the input order (default 0..n_inputs-1; for
    the main variant the first one pushed ends deepest).
    Returns cost, max_live, and with keep_events the depth, cost and value of every read.
    """
    # The ids and counts are checked in C++ (integers in [0, 2^32), never converted).
    counts_a = np.asarray(counts)
    outs = np.ones(counts_a.shape, dtype=np.uint32) if outputs is None else outputs
    pre = np.arange(n_inputs, dtype=np.uint32) if preload is None else preload
    return _sutro.price_events(int(n_inputs), reads, counts_a, outs, results, pre, variant, bytes_per_element,
                               keep_events)


def price_tool_events(events: Sequence[tuple], results: Sequence[int] = (), variant: str = "main",
                      bytes_per_element: int = 1, keep_events: bool = True) -> Dict[str, Any]:
    """Prices the group's tool's first pass (bytedmd.py's ctx.events) as its _pass2 does.

    events: ('STORE', key), ('ARG', key, depth) (the dev branch's argument
    stack) and ('READ_BATCH', [keys]); other events (OP_START, OP_END, OP) are
    ignored. results: the keys of the values the function returned. Keys are
    1, 2, ... in allocation order, each stored as it is allocated: the values
    stored before the first READ_BATCH are the inputs in preload order, and
    the values stored after a READ_BATCH are what that instruction defines.
    Use variant="main" for the main branch, "two_stack" for the dev branch.
    """
    n_inputs, reads, counts, outputs = 0, [], [], []
    stored = 0
    for ev in events:
        tag = ev[0]
        if tag == "STORE" or tag == "ARG":
            stored += 1
            if ev[1] != stored:
                raise ValueError(f"sutro.dmd.price_tool_events: key {ev[1]} stored as value {stored}: keys must be "
                                 "1, 2, ... in the order they are stored")
            if counts:
                outputs[-1] += 1
            else:
                n_inputs += 1
        elif tag == "READ_BATCH":
            reads.extend(ev[1])
            counts.append(len(ev[1]))
            outputs.append(0)
    return price_events(n_inputs, np.asarray(reads, dtype=np.int64) - 1, counts, outputs,
                        np.asarray(results, dtype=np.int64) - 1, None, variant, bytes_per_element, keep_events)


class Recorder:
    """Records a program's event list as it runs on Traced values.

    Create every input first (input()), then compute with Traced values
    (+ - * / // % ** neg abs, comparisons, min/max via Recorder.op); keep()
    the results; price() is sutro's second pass.
    """

    def __init__(self) -> None:
        self.n_inputs = 0
        self.reads: List[int] = []
        self.counts: List[int] = []
        self.outputs: List[int] = []
        self.results: List[int] = []
        self._values = 0

    def input(self, value: Any) -> "Traced":
        if self.counts:
            raise ValueError("sutro.dmd.Recorder: inputs must be created before the first instruction")
        self.n_inputs += 1
        self._values += 1
        return Traced(self, self._values - 1, value)

    def op(self, fn: Callable[..., Any], *operands: Any) -> "Traced":
        """An instruction reading the Traced operands (plain numbers are free) and defining one value."""
        ids = [o.id for o in operands if isinstance(o, Traced)]
        for o in operands:
            if isinstance(o, Traced) and o.recorder is not self:
                raise ValueError("sutro.dmd.Recorder: a value of another recorder")
        self.reads.extend(ids)
        self.counts.append(len(ids))
        self.outputs.append(1)
        self._values += 1
        return Traced(self, self._values - 1, fn(*[o.value if isinstance(o, Traced) else o for o in operands]))

    def read(self, x: "Traced") -> None:
        """A read without an output (a branch on x)."""
        self.reads.append(x.id)
        self.counts.append(1)
        self.outputs.append(0)

    def keep(self, *values: Any) -> None:
        """Keeps the Traced values among `values` (nested lists, tuples) live to the end, in order."""
        for v in values:
            if isinstance(v, Traced):
                self.results.append(v.id)
            elif isinstance(v, (list, tuple)):
                self.keep(*v)

    def price(self, variant: str = "main", bytes_per_element: int = 1, keep_events: bool = True,
              preload: Optional[Sequence[int]] = None) -> Dict[str, Any]:
        return price_events(self.n_inputs, self.reads, self.counts, self.outputs, self.results, preload, variant,
                            bytes_per_element, keep_events)


class Traced:
    """A value recorded by a Recorder; arithmetic records instructions."""

    __slots__ = ("recorder", "id", "value")

    def __init__(self, recorder: Recorder, id: int, value: Any) -> None:
        self.recorder, self.id, self.value = recorder, id, value

    def _op(self, fn, *xs):
        return self.recorder.op(fn, *xs)

    # Python evaluates `a op b` reading a, then b; `3 - x` reads only x.
    def __add__(self, o): return self._op(lambda a, b: a + b, self, o)
    def __radd__(self, o): return self._op(lambda b, a: a + b, self, o)
    def __sub__(self, o): return self._op(lambda a, b: a - b, self, o)
    def __rsub__(self, o): return self._op(lambda b, a: a - b, self, o)
    def __mul__(self, o): return self._op(lambda a, b: a * b, self, o)
    def __rmul__(self, o): return self._op(lambda b, a: a * b, self, o)
    def __truediv__(self, o): return self._op(lambda a, b: a / b, self, o)
    def __rtruediv__(self, o): return self._op(lambda b, a: a / b, self, o)
    def __floordiv__(self, o): return self._op(lambda a, b: a // b, self, o)
    def __mod__(self, o): return self._op(lambda a, b: a % b, self, o)
    def __pow__(self, o): return self._op(lambda a, b: a ** b, self, o)
    def __neg__(self): return self._op(lambda a: -a, self)
    def __abs__(self): return self._op(abs, self)
    def __lt__(self, o): return self._op(lambda a, b: a < b, self, o)
    def __le__(self, o): return self._op(lambda a, b: a <= b, self, o)
    def __gt__(self, o): return self._op(lambda a, b: a > b, self, o)
    def __ge__(self, o): return self._op(lambda a, b: a >= b, self, o)

    def __bool__(self) -> bool:
        self.recorder.read(self)
        return bool(self.value)

    def __repr__(self) -> str:
        return f"Traced(v{self.id}={self.value!r})"


def _wrap(rec: Recorder, x: Any, memo: Optional[dict]):
    if isinstance(x, Traced):
        return x
    if isinstance(x, (list, tuple, np.ndarray)):
        if memo is not None and id(x) in memo:
            return memo[id(x)][1]
        out = [_wrap(rec, e, memo) for e in (x.tolist() if isinstance(x, np.ndarray) else x)]
        if memo is not None:
            # The memo holds x too: an id is unique only while its object lives,
            # and the rows of an array's tolist() are temporaries.
            memo[id(x)] = (x, out)
        return out
    if isinstance(x, numbers.Number):
        return rec.input(x)
    raise TypeError(f"sutro.dmd.bytedmd: cannot trace an argument of type {type(x).__name__}")


def bytedmd(f: Callable[..., Any], *args: Any, variant: str = "main", bytes_per_element: int = 1,
            keep_events: bool = True) -> Dict[str, Any]:
    """Runs f once on traced copies of args and prices it (as sutro::metrics::dmd::bytedmd does).

    Arguments are numbers or (nested) lists, tuples or arrays of them. The
    main variant preloads the last argument first (the first ends on top) and
    one container passed twice is one set of values; the others wrap the
    first argument first. The values f returns stay live to the end.
    """
    if variant not in VARIANTS:
        raise ValueError(f"sutro.dmd.bytedmd: unknown variant {variant!r} ({', '.join(VARIANTS)})")
    rec = Recorder()
    memo = None if variant in ("classic", "live", "belady") else {}
    wrapped: List[Any] = [None] * len(args)
    order = range(len(args) - 1, -1, -1) if variant == "main" else range(len(args))
    for i in order:
        wrapped[i] = _wrap(rec, args[i], memo)
    rec.keep(f(*wrapped))
    return rec.price(variant, bytes_per_element, keep_events)
