"""The lab (sutro::lab): methods on a task over seeds, as plain dicts and JSON."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Literal, Optional, Sequence, Union, overload

from . import _sutro

__all__ = ["lab_run", "challenge", "method"]

Method = Union[str, Dict[str, Any]]


def challenge(**overrides: Any) -> Dict[str, Any]:
    """The group's public challenge: sparse parity (20, 3), seeds 42, 123, 456,
    500 train and 500 test samples (test from seed + 1000), pass at 0.95."""
    cfg: Dict[str, Any] = {"label": "challenge (20,3)", "kind": "parity", "n": 20, "k": 3, "noise": 0.0,
                           "seeds": [42, 123, 456], "train": 500, "test": 500, "repeats": 5}
    cfg.update(overrides)
    return cfg


def method(spec: Method) -> Dict[str, Any]:
    """A lab method as a dict: a solver name ('gf2_elimination'), 'mlp:<optimizer>'
    ('mlp:egd'), or a dict {'solver' | 'mlp': ..., 'options': {...}, 'name': ...,
    'kinds': [...], and for MLPs hidden, epochs, batch, seed, trace_every_epochs}."""
    if isinstance(spec, dict):
        return dict(spec)
    if spec.startswith("mlp:"):
        return {"mlp": spec[4:]}
    return {"solver": spec}


@overload
def lab_run(config: Optional[Dict[str, Any]] = None, methods: Sequence[Method] = ("gf2_elimination",), *,
            as_json: Literal[False] = False) -> Dict[str, Any]: ...


@overload
def lab_run(config: Optional[Dict[str, Any]] = None, methods: Sequence[Method] = ("gf2_elimination",), *,
            as_json: Literal[True]) -> str: ...


@overload
def lab_run(config: Optional[Dict[str, Any]] = None, methods: Sequence[Method] = ("gf2_elimination",), *,
            as_json: bool = False) -> Union[Dict[str, Any], str]: ...


def lab_run(config: Optional[Dict[str, Any]] = None, methods: Sequence[Method] = ("gf2_elimination",), *,
            as_json: bool = False) -> Union[Dict[str, Any], str]:
    """Runs methods on the task of `config` (challenge() by default) over its seeds.

    Returns the report as a dict: 'summaries' (one per method: runs, found,
    mean accuracy, median time, pass) and 'runs' (one per method and seed,
    with data_movement from one traced run); as_json=True gives the JSON text.

    >>> rep = lab_run(challenge(repeats=1), ["gf2_elimination", "exhaustive"])
    >>> [s["method"] for s in rep["summaries"]]
    ['gf2_elimination', 'exhaustive']
    """
    cfg = challenge() if config is None else dict(config)
    text = _sutro.lab_run(cfg, [method(m) for m in methods])
    if as_json:
        return text
    report: Dict[str, Any] = json.loads(text)
    return report
