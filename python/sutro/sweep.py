"""Lab sweeps (methods x tasks x seeds x options), serial or on Dask.

Each cell is one lab run: one task configuration, one method with one set of
options, one seed. A cell is a pure function of its description, so the
results do not depend on the worker count or the order cells finish in; they
are returned sorted by cell key. A cell that raises is reported with its error
(status "error"), never dropped. With a checkpoint file (JSON lines) a sweep
resumes: cells already done there are not run again.

    cells = sutro.sweep.grid(tasks=[sutro.challenge(repeats=1)],
                             methods=["gf2_elimination", "exhaustive"], seeds=[42, 123, 456])
    serial = sutro.sweep.run(cells)                       # in this process
    local = sutro.sweep.run(cells, scheduler="local", n_workers=2)
    remote = sutro.sweep.run(cells, scheduler="tcp://host:8786", checkpoint="sweep.jsonl")
"""
from __future__ import annotations

import json
import os
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

from . import lab as _lab

if TYPE_CHECKING:
    from dask.distributed import Client

__all__ = ["grid", "run", "run_cell", "cell_key", "deterministic", "TIMING_KEYS"]

# Wall-clock fields of a lab record: measured, so they differ between runs.
TIMING_KEYS = ("time_s", "gen_time_s")


def cell_key(cell: Dict[str, Any]) -> str:
    """A stable text key of a cell (its JSON with sorted keys)."""
    return json.dumps(cell, sort_keys=True, separators=(",", ":"))


def grid(tasks: Sequence[Dict[str, Any]], methods: Sequence[Union[str, Dict[str, Any]]], seeds: Iterable[int],
         options: Sequence[Dict[str, Any]] = ({},)) -> List[Dict[str, Any]]:
    """Every (task, method, options, seed) cell. options: method option sets,
    each merged into the method's own 'options'."""
    cells = []
    for t in tasks:
        for m in methods:
            for o in options:
                spec = _lab.method(m)
                if o:
                    spec = dict(spec, options=dict(spec.get("options", {}), **o))
                for s in seeds:
                    task = {k: v for k, v in t.items() if k != "seeds"}
                    cells.append({"task": task, "method": spec, "seed": int(s)})
    return cells


def run_cell(cell: Dict[str, Any]) -> Dict[str, Any]:
    """Runs one cell; never raises: an error is the cell's result."""
    start = time.perf_counter()
    out: Dict[str, Any] = {"key": cell_key(cell), "cell": cell}
    try:
        cfg = dict(cell["task"], seeds=[cell["seed"]])
        rep = _lab.lab_run(cfg, [cell["method"]])
        if len(rep["runs"]) != 1:
            raise ValueError(f"the method does not apply to this task ({len(rep['runs'])} runs)")
        record = rep["runs"][0]
        # A method that declines the task (lab::method::declines) ran nothing: its own status, with the reason.
        if record.get("applies", True):
            out["status"] = "ok"
        else:
            out["status"] = "not_applicable"
            out["reason"] = record.get("not_applicable", "")
        out["record"] = record
    except Exception as e:  # reported in the results, not dropped
        out["status"] = "error"
        out["error"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc(limit=5)
    out["seconds"] = time.perf_counter() - start
    return out


def deterministic(result: Dict[str, Any]) -> Dict[str, Any]:
    """The part of a cell result that is the same on every run (no wall times, no tracebacks)."""
    d = {k: v for k, v in result.items() if k not in ("seconds", "traceback")}
    if "record" in d:
        d["record"] = {k: v for k, v in d["record"].items() if k not in TIMING_KEYS}
    return d


def _load_checkpoint(path: Optional[str]) -> Dict[str, Dict[str, Any]]:
    done: Dict[str, Dict[str, Any]] = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:  # a line cut by an interrupted write
                    continue
                if r.get("status") in ("ok", "not_applicable"):  # both are final; errors run again
                    done[r["key"]] = r
    return done


def run(cells: Sequence[Dict[str, Any]], scheduler: Optional[str] = None, *, n_workers: int = 2,
        threads_per_worker: int = 1, checkpoint: Optional[str] = None,
        client: Optional[Client] = None) -> List[Dict[str, Any]]:
    """Runs the cells and returns one result per cell, sorted by cell key.

    scheduler: None runs them here, one after another; "local" starts a Dask
    LocalCluster of n_workers processes; any other string is a scheduler
    address (tcp://host:8786, e.g. of a dask-jobqueue SLURMCluster or
    PBSCluster); or pass a dask.distributed Client as `client`.
    checkpoint: a JSON-lines file; finished cells are appended as they
    complete, and cells found there with status ok are not run again.
    """
    done = _load_checkpoint(checkpoint)
    todo = [c for c in cells if cell_key(c) not in done]
    results: Dict[str, Dict[str, Any]] = {k: v for k, v in done.items()}
    sink = open(checkpoint, "a") if checkpoint else None

    def keep(r: Dict[str, Any]) -> None:
        results[r["key"]] = r
        if sink:
            sink.write(json.dumps(r) + "\n")
            sink.flush()

    try:
        if scheduler is None and client is None:
            for c in todo:
                keep(run_cell(c))
        else:
            _run_dask(todo, scheduler, n_workers, threads_per_worker, client, keep)
    finally:
        if sink:
            sink.close()
    wanted = {cell_key(c) for c in cells}
    return [results[k] for k in sorted(wanted)]


def _run_dask(cells: Sequence[Dict[str, Any]], scheduler: Optional[str], n_workers: int, threads_per_worker: int,
              client: Optional[Client], keep: Callable[[Dict[str, Any]], None]) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    # The ignores below: distributed leaves Client, LocalCluster, as_completed
    # and Client.close unannotated (mypy --strict rejects calling them), and
    # unused-ignore keeps a release that annotates them from failing the check.
    own_cluster: Optional[LocalCluster] = None
    own_client: Optional[Client] = None
    if client is None:
        if scheduler == "local":
            own_cluster = LocalCluster(  # type: ignore[no-untyped-call, unused-ignore]
                n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True, dashboard_address=None)
            own_client = client = Client(own_cluster)  # type: ignore[no-untyped-call, unused-ignore]
        else:
            own_client = client = Client(scheduler)  # type: ignore[no-untyped-call, unused-ignore]
    try:
        futures = {client.submit(run_cell, c, key="sutro-cell-" + str(abs(hash(cell_key(c)))), pure=False): c
                   for c in cells}
        for fut in as_completed(futures):  # type: ignore[no-untyped-call, unused-ignore]
            c = futures[fut]
            try:
                keep(fut.result())
            except Exception as e:  # the worker died or the task was lost: reported, not dropped
                keep({"key": cell_key(c), "cell": c, "status": "error", "error": f"{type(e).__name__}: {e}",
                      "seconds": 0.0})
    finally:
        if own_client is not None:
            own_client.close()  # type: ignore[no-untyped-call, unused-ignore]
        if own_cluster is not None:
            own_cluster.close()
