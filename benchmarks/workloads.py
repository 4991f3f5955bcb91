"""The benchmark's workloads, as data, and their data sets.

A workload is one row group of the table: data, architecture, solver and its sizes
in the full and the ``--quick`` run. Adding one is adding an entry to
``WORKLOADS`` (and, for new data, a branch of :func:`load_data`).
"""

from dataclasses import dataclass
from functools import cache

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    make_classification,
    make_regression,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 0


TEST_SIZE = 0.2
"""Fraction of each data set held out for the score, split with ``SEED``."""


ALPHA = 1e-4
"""L2 penalty of every system: scikit-learn's default."""


@dataclass(frozen=True)
class Scale:
    """How big one workload is in one mode (full or quick).

    Parameters
    ----------
    rows : int or None
        Rows generated (train and held-out together); None for a fixed data set.
    epochs : int or None
        Training epochs (``max_iter``); None for L-BFGS, run to convergence.
    repeats : int
        Timed runs per system; the median is reported.
    predict_rows : int
        For predict workloads: rows predicted at once.
    latency_calls : int
        For predict workloads: one-row ``predict`` calls timed per system.
    """

    rows: int | None
    epochs: int | None
    repeats: int
    predict_rows: int = 0
    latency_calls: int = 0


@dataclass(frozen=True)
class Workload:
    """One benchmark: data, architecture, solver, sizes.

    Parameters
    ----------
    name : str
    data : {"wide", "digits", "regression", "cancer"}
        See :func:`load_data`.
    hidden : tuple of int
        ``hidden_layer_sizes``.
    full, quick : Scale
        Sizes of the full and the ``--quick`` run.
    kind : {"fit", "predict"}
        Time training, or time ``predict`` of a model trained for ``epochs``.
    x_dtype : {"float64", "float32"}
        dtype of the input, as the user passes it.
    solver : {"adam", "lbfgs"}
    batch_size : int or "auto"
    about : str
        One line on what the workload stresses.
    """

    name: str
    data: str
    hidden: tuple
    full: Scale
    quick: Scale
    kind: str = "fit"
    x_dtype: str = "float64"
    solver: str = "adam"
    batch_size: int | str = "auto"
    about: str = ""

    @property
    def task(self):
        return "regression" if self.data == "regression" else "classification"


WIDE = {"data": "wide", "hidden": (512, 512), "batch_size": 256}


WORKLOADS = [
    Workload(
        "W1-wide-f64",
        **WIDE,
        full=Scale(50_000, 5, 3),
        quick=Scale(2_500, 2, 3),
        about="big matrix products; float64 input, as users pass it",
    ),
    Workload(
        "W1-wide-f32",
        **WIDE,
        x_dtype="float32",
        full=Scale(50_000, 5, 3),
        quick=Scale(2_500, 2, 3),
        about="big matrix products; float32 input",
    ),
    Workload(
        "W2-small-batch",
        data="wide",
        hidden=(256,),
        batch_size=32,
        full=Scale(50_000, 2, 5),
        quick=Scale(4_000, 1, 3),
        about="batch 32: per-batch overhead against small products",
    ),
    Workload(
        "W3-digits",
        data="digits",
        hidden=(100,),
        full=Scale(None, 50, 5),
        quick=Scale(None, 10, 3),
        about="tiny data, many epochs: per-batch and per-epoch overhead",
    ),
    Workload(
        "W4-regression",
        data="regression",
        hidden=(128, 64),
        batch_size=200,
        full=Scale(100_000, 5, 5),
        quick=Scale(10_000, 2, 3),
        about="regression, narrow layers",
    ),
    Workload(
        "W5-predict",
        **WIDE,
        kind="predict",
        x_dtype="float32",
        full=Scale(50_000, 1, 5, predict_rows=100_000, latency_calls=200),
        quick=Scale(2_500, 1, 3, predict_rows=10_000, latency_calls=50),
        about="predict of a W1-f32 model: one row (latency), and many rows",
    ),
    Workload(
        "W6-lbfgs",
        data="cancer",
        hidden=(50,),
        solver="lbfgs",
        full=Scale(None, None, 5),
        quick=Scale(None, None, 3),
        about="full-batch L-BFGS to convergence (default max_iter)",
    ),
]


MEMORY = {
    # rows of the W4-like fit (1 epoch) and of the predict of a W5 model
    "full": {"fit_rows": 100_000, "predict_rows": 1_000_000},
    "quick": {"fit_rows": 20_000, "predict_rows": 50_000},
}


def workload_named(name):
    """The workload called ``name``."""
    return next(w for w in WORKLOADS if w.name == name)


@dataclass
class Split:
    """Training and held-out data, float64."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


@cache
def load_data(name, rows):
    """Generate or load a data set and split it, with fixed seeds.

    ``wide``: ``make_classification`` with 256 features (64 informative) and 10
    classes. ``regression``: ``make_regression`` with 64 features and noise 10, the
    target standardized. ``digits`` and ``cancer``: scikit-learn's small data sets.
    Features of the fixed data sets are standardized; all scalers are fit on the
    training part.
    """
    if name == "wide":
        X, y = make_classification(
            rows, 256, n_informative=64, n_classes=10, random_state=SEED
        )
    elif name == "regression":
        X, y = make_regression(rows, 64, noise=10, random_state=SEED)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
    elif name == "cancer":
        X, y = load_breast_cancer(return_X_y=True)
    else:
        raise ValueError(f"unknown data set {name!r}")
    stratify = None if name == "regression" else y
    split = Split(
        *train_test_split(
            X, y, test_size=TEST_SIZE, random_state=SEED, stratify=stratify
        )
    )
    if name in ("digits", "cancer"):
        scaler = StandardScaler().fit(split.X_train)
        split.X_train = scaler.transform(split.X_train)
        split.X_test = scaler.transform(split.X_test)
    if name == "regression":
        mean, std = split.y_train.mean(), split.y_train.std()
        split.y_train = (split.y_train - mean) / std
        split.y_test = (split.y_test - mean) / std
    return split


def workload_data(workload, scale):
    """The workload's split, its input cast to the workload's ``x_dtype``."""
    split = load_data(workload.data, scale.rows)
    return Split(
        split.X_train.astype(workload.x_dtype),
        split.X_test.astype(workload.x_dtype),
        split.y_train,
        split.y_test,
    )


def held_out_score(task, y_true, y_pred):
    """Accuracy for classification, R^2 for regression."""
    if task == "classification":
        return float(accuracy_score(y_true, y_pred))
    return float(r2_score(y_true, y_pred))


def batch_size(workload, n_rows):
    """The batch size the estimators use: ``"auto"`` is ``min(200, n_rows)``."""
    size = 200 if workload.batch_size == "auto" else workload.batch_size
    return min(size, n_rows)


def selected_workloads(only):
    """The workloads named in ``--only`` (all if empty), in table order."""
    names = set(filter(None, only.split(",")))
    unknown = names - {w.name for w in WORKLOADS}
    if unknown:
        raise SystemExit(f"unknown workloads: {sorted(unknown)}")
    return [w for w in WORKLOADS if not names or w.name in names]
