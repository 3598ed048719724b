"""MLP training (sutro::nn::train) with every sutro::optim optimizer."""
from __future__ import annotations

from typing import Any, Dict, Sequence

import numpy as np
import numpy.typing as npt

from . import _sutro

__all__ = ["train_mlp", "OPTIMIZERS"]

OPTIMIZERS = tuple(_sutro.optimizers)


def _f32(a: "npt.ArrayLike", name: str, ndim: int) -> "npt.NDArray[np.float32]":
    a = np.ascontiguousarray(a, dtype=np.float32)
    if a.ndim != ndim:
        raise ValueError(f"sutro.train_mlp: {name} must be {ndim}-D, got shape {a.shape}")
    return a


def train_mlp(x_train: "npt.ArrayLike", y_train: "npt.ArrayLike", x_test: "npt.ArrayLike",
              y_test: "npt.ArrayLike", optimizer: str = "sgd", *, hidden: Sequence[int] = (200,),
              epochs: int = 100, batch: int = 32, seed: int = 0, init_seed: int = 1, loss: str = "hinge",
              regression: bool = False, solve_accuracy: float = 0.95, stop_when_solved: bool = True,
              **optimizer_options: Any) -> Dict[str, Any]:
    """Trains an MLP (ReLU hidden layers, He init) and returns its result with per-epoch history.

    optimizer: one of OPTIMIZERS; its options as keywords: lr, wd (all),
    beta (momentum, nesterov, muon), b1, b2, eps (adam, adamw). Labels +-1
    for classification (hinge or logistic loss), values for regression (mse).
    Returns status (trained, solved, diverged, stopped), epochs, steps,
    epochs_to_solve, test_accuracy, train_loss, seconds, and per epoch
    loss_history, accuracy_history, seconds_history. epochs must be at least
    1; an empty test set or solve_accuracy outside (0, 1] raises ValueError.

    >>> task = sutro.make_task("parity", 20, 3, 42)
    >>> x, y = task.dense("train", 1000); xt, yt = task.dense("test", 200)
    >>> r = train_mlp(x, y, xt, yt, "egd", lr=0.1, wd=0.01)
    """
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)):
        raise TypeError(f"sutro.train_mlp: epochs must be an integer, got {epochs!r}")
    if epochs < 1:
        raise ValueError(f"sutro.train_mlp: epochs must be at least 1, got {epochs} (nothing would be trained)")
    for i, h in enumerate(hidden):
        if h < 0:
            raise ValueError(f"sutro.train_mlp: hidden layer sizes must be non-negative, got {h!r} at index {i}")
    x_train, x_test = _f32(x_train, "x_train", 2), _f32(x_test, "x_test", 2)
    y_train, y_test = _f32(y_train, "y_train", 1), _f32(y_test, "y_test", 1)
    return _sutro.train_mlp(x_train, y_train, x_test, y_test, [int(h) for h in hidden], optimizer,
                            dict(optimizer_options), int(epochs), batch, seed, init_seed, loss, regression,
                            solve_accuracy, stop_when_solved)
