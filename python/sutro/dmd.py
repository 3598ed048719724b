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

import math
import numbers
import operator
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import _sutro

__all__ = ["Recorder", "Traced", "price_events", "price_tool_events", "bytedmd", "VARIANTS"]

VARIANTS = ("main", "two_stack", "classic", "live", "belady")

#: Value ids or counts: a sequence of ints or an integer numpy array.
IntArray = Union[Sequence[int], "npt.NDArray[np.integer[Any]]"]


def price_events(n_inputs: int, reads: IntArray, counts: IntArray, outputs: Optional[IntArray] = None,
                 results: IntArray = (), preload: Optional[IntArray] = None, variant: str = "main",
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
    # preload None goes through: C++ makes the default order after checking the
    # rest, so a bad call with n_inputs near 2^32 fails without 16 GiB of ids.
    counts_a = np.asarray(counts)
    outs = np.ones(counts_a.shape, dtype=np.uint32) if outputs is None else outputs
    return _sutro.price_events(n_inputs, reads, counts_a, outs, results, preload, variant, bytes_per_element,
                               keep_events)


def price_tool_events(events: Sequence[Tuple[Any, ...]], results: IntArray = (), variant: str = "main",
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
    n_inputs = 0
    reads: List[int] = []
    counts: List[int] = []
    outputs: List[int] = []
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
    (arithmetic, comparisons, == and !=, bool(), int(), float(), hash() and
    the other operators the group's tool traces; min/max via Recorder.op);
    keep() the results; price() is sutro's second pass.
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
        ids = self._ids(operands)
        value = fn(*[o.value if isinstance(o, Traced) else o for o in operands])
        self.reads.extend(ids)
        self.counts.append(len(ids))
        self.outputs.append(1)
        self._values += 1
        return Traced(self, self._values - 1, value)

    def read(self, x: "Traced") -> None:
        """A read without an output (a branch on x)."""
        if x.recorder is not self:
            raise ValueError("sutro.dmd.Recorder: a value of another recorder")
        self.reads.append(x.id)
        self.counts.append(1)
        self.outputs.append(0)

    def keep(self, *values: Any) -> None:
        """Keeps the Traced values among `values` (nested lists, tuples, object arrays) live to the end, in order."""
        for v in values:
            if isinstance(v, Traced):
                self.results.append(v.id)
            elif isinstance(v, (list, tuple)):
                self.keep(*v)
            elif isinstance(v, np.ndarray) and v.dtype == object:
                self.keep(*v.flat)

    def price(self, variant: str = "main", bytes_per_element: int = 1, keep_events: bool = True,
              preload: Optional[IntArray] = None) -> Dict[str, Any]:
        return price_events(self.n_inputs, self.reads, self.counts, self.outputs, self.results, preload, variant,
                            bytes_per_element, keep_events)

    def _ids(self, operands: Sequence[Any]) -> List[int]:
        ids = []
        for o in operands:
            if isinstance(o, Traced):
                if o.recorder is not self:
                    raise ValueError("sutro.dmd.Recorder: a value of another recorder")
                ids.append(o.id)
        return ids

    def _traced_op(self, fn: Callable[..., Any], operands: Sequence[Any]) -> Any:
        """An operator of a Traced value, as the group's tool records it: the
        Traced operands are read in order, then the result defines its values
        (one, or one per number in a tuple, list or array such as divmod's;
        a Traced value already recorded defines nothing)."""
        ids = self._ids(operands)
        value = fn(*[o.value if isinstance(o, Traced) else o for o in operands])
        self.reads.extend(ids)
        self.counts.append(len(ids))
        if value is NotImplemented:  # as the tool: the read is recorded, nothing is defined
            self.outputs.append(0)
            return value
        if not isinstance(value, (Traced, tuple, list, np.ndarray)):
            self.outputs.append(1)
            self._values += 1
            return Traced(self, self._values - 1, value)
        first = self._values
        out = self._define(value)
        self.outputs.append(self._values - first)
        return out

    def _define(self, value: Any) -> Any:
        if isinstance(value, Traced):
            return value
        if isinstance(value, (tuple, list)):
            return type(value)([self._define(v) for v in value])
        if isinstance(value, np.ndarray):
            out = np.empty(value.shape, dtype=object)
            for i in np.ndindex(value.shape):
                v = value[i]
                out[i] = self._define(v.item() if isinstance(v, np.generic) else v)
            return out
        self._values += 1
        return Traced(self, self._values - 1, value)


def _binary(fn: Callable[[Any, Any], Any]) -> Callable[["Traced", Any], Any]:
    def method(self: "Traced", o: Any) -> Any:
        return self.recorder._traced_op(fn, (self, o))
    return method


def _reflected(fn: Callable[[Any, Any], Any]) -> Callable[["Traced", Any], Any]:
    # `3 - x` calls x.__rsub__(3): the left operand is read first (a plain number is free).
    def method(self: "Traced", o: Any) -> Any:
        return self.recorder._traced_op(fn, (o, self))
    return method


def _unary(fn: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: "Traced", *args: Any) -> Any:  # round(x, n), pow(x, y, m): the extra operands are read too
        return self.recorder._traced_op(fn, (self, *args))
    return method


def _conversion(fn: Callable[[Any], Any]) -> Callable[["Traced"], Any]:
    def method(self: "Traced") -> Any:
        # The read comes first, as in the tool (its _rd()): a conversion that
        # raises (int(inf), an index that is a float) has still read the value.
        self.recorder.read(self)
        return fn(self.value)
    return method


class Traced:
    """A value recorded by a Recorder; its operators record instructions as the
    group's tool (bytedmd.py) does: each operator (arithmetic, bitwise,
    comparisons, == and !=, divmod, round, math.trunc/floor/ceil) reads its
    Traced operands and defines its result; bool(), int(), float(),
    complex(), operator.index() and hash() read the value and define nothing;
    str() reads nothing."""

    __slots__ = ("recorder", "id", "value")

    def __init__(self, recorder: Recorder, id: int, value: Any) -> None:
        self.recorder, self.id, self.value = recorder, id, value

    def __repr__(self) -> str:
        return f"Traced(v{self.id}={self.value!r})"

    def __str__(self) -> str:
        return str(self.value)

    # The operators the group's tool traces (its _OPS), with the same operand order.
    __add__ = _binary(operator.add)
    __radd__ = _reflected(operator.add)
    __sub__ = _binary(operator.sub)
    __rsub__ = _reflected(operator.sub)
    __mul__ = _binary(operator.mul)
    __rmul__ = _reflected(operator.mul)
    __truediv__ = _binary(operator.truediv)
    __rtruediv__ = _reflected(operator.truediv)
    __floordiv__ = _binary(operator.floordiv)
    __rfloordiv__ = _reflected(operator.floordiv)
    __mod__ = _binary(operator.mod)
    __rmod__ = _reflected(operator.mod)
    __divmod__ = _binary(divmod)
    __rdivmod__ = _reflected(divmod)
    __pow__ = _unary(pow)
    __rpow__ = _reflected(pow)
    __lshift__ = _binary(operator.lshift)
    __rlshift__ = _reflected(operator.lshift)
    __rshift__ = _binary(operator.rshift)
    __rrshift__ = _reflected(operator.rshift)
    __and__ = _binary(operator.and_)
    __rand__ = _reflected(operator.and_)
    __xor__ = _binary(operator.xor)
    __rxor__ = _reflected(operator.xor)
    __or__ = _binary(operator.or_)
    __ror__ = _reflected(operator.or_)
    __matmul__ = _binary(operator.matmul)
    __rmatmul__ = _reflected(operator.matmul)
    __neg__ = _unary(operator.neg)
    __pos__ = _unary(operator.pos)
    __abs__ = _unary(operator.abs)
    __invert__ = _unary(operator.invert)
    __trunc__ = _unary(math.trunc)
    __floor__ = _unary(math.floor)
    __ceil__ = _unary(math.ceil)
    __round__ = _unary(round)
    __eq__ = _binary(operator.eq)
    __ne__ = _binary(operator.ne)
    __lt__ = _binary(operator.lt)
    __le__ = _binary(operator.le)
    __gt__ = _binary(operator.gt)
    __ge__ = _binary(operator.ge)

    # Conversions read the value and define nothing (a branch on it, a dict key).
    __bool__ = _conversion(bool)
    __int__ = _conversion(int)
    __float__ = _conversion(float)
    __complex__ = _conversion(complex)
    __index__ = _conversion(operator.index)
    __hash__ = _conversion(hash)


def _wrap(rec: Recorder, x: Any, memo: Optional[Dict[int, Any]]) -> Any:
    if isinstance(x, Traced):
        return x
    if memo is not None and id(x) in memo:
        return memo[id(x)][1]
    if isinstance(x, np.ndarray):
        # An object array of the same shape, elements in row-major order, as the
        # group's tool wraps it: f indexes it (A[i, j]) and computes on whole
        # arrays (A * 2, A @ B, A.sum()) elementwise on the traced values; a
        # list would make A * 2 a repetition and A + B a concatenation.
        out: Any = np.empty(x.shape, dtype=object)
        for i in np.ndindex(x.shape):
            e = x[i]
            out[i] = _wrap(rec, e.item() if isinstance(e, np.generic) else e, memo)
    elif isinstance(x, (list, tuple)):
        out = [_wrap(rec, e, memo) for e in x]
        if isinstance(x, tuple):
            out = tuple(out)  # t + (1,) and t * 2 stay tuple operations, as in the tool
    elif isinstance(x, (numbers.Number, np.generic)):
        out = rec.input(x)  # a numpy scalar keeps its type (int8 arithmetic wraps as it would untraced)
        if not isinstance(x, np.generic):
            return out  # one Python number passed twice is two values, as in the tool
    else:
        raise TypeError(f"sutro.dmd.bytedmd: cannot trace an argument of type {type(x).__name__}")
    if memo is not None:
        # The memo holds x too: an id is unique only while its object lives.
        memo[id(x)] = (x, out)
    return out


def bytedmd(f: Callable[..., Any], *args: Any, variant: str = "main", bytes_per_element: int = 1,
            keep_events: bool = True) -> Dict[str, Any]:
    """Runs f once on traced copies of args and prices it (as sutro::metrics::dmd::bytedmd does).

    Arguments are numbers or (nested) lists, tuples or arrays of them. The
    main variant preloads the last argument first (the first ends on top) and
    one container passed twice is one set of values; the others wrap the
    first argument first. The values f returns stay live to the end (with
    classic, live and belady also the values of a dict it returns, which
    bytedmd_ir.py's epilogue loads).
    """
    if variant not in VARIANTS:
        raise ValueError(f"sutro.dmd.bytedmd: unknown variant {variant!r} ({', '.join(VARIANTS)})")
    rec = Recorder()
    memo: Optional[Dict[int, Any]] = None if variant in ("classic", "live", "belady") else {}
    wrapped: List[Any] = [None] * len(args)
    order = range(len(args) - 1, -1, -1) if variant == "main" else range(len(args))
    for i in order:
        wrapped[i] = _wrap(rec, args[i], memo)
    result = f(*wrapped)
    if memo is None:
        result = _with_dict_values(result)
    rec.keep(result)
    return rec.price(variant, bytes_per_element, keep_events)


def _with_dict_values(x: Any) -> Any:
    """The result as bytedmd_ir.py's output epilogue walks it: a dict's values
    are returned values too (the main and two_stack tools ignore a dict)."""
    if isinstance(x, dict):
        return [_with_dict_values(v) for v in x.values()]
    if isinstance(x, (list, tuple)):
        return [_with_dict_values(v) for v in x]
    return x
