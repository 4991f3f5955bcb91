"""Speed benchmark: skneuron against scikit-learn's MLP and a plain PyTorch loop.

Usage::

    python benchmarks/run.py            # full run, several minutes on 2 cores
    python benchmarks/run.py --quick    # scaled down, under a minute (run by CI)
    python benchmarks/run.py --only W1-wide-f32,W3-digits --systems skneuron,sklearn

Every comparison is within one compute dtype: skneuron (float64 on float64 input,
as scikit-learn) against scikit-learn, and ``skneuron-f32`` (``dtype="float32"``)
against PyTorch's float32 loop where the input is float64.

All systems run in one process, interleaved run by run (A B C A B C ...), so that a
slow spell of the machine hits every system alike; each workload reports medians
over its repeats. Every system trains the same architecture with the same optimizer
settings, batch size, epoch count and per-epoch shuffling, and its held-out score is
reported next to its time, so that speed is never bought with quality.

Next to the times stands the *GEMM limit*: how long numpy's BLAS alone takes for the
matrix products of the workload (per layer the forward ``A @ W``, and the backward
``A.T @ dZ`` and ``dZ @ W.T``, the latter skipped for the first layer), timed with
``np.matmul(..., out=)`` on preallocated arrays of exactly those shapes, for every
batch of every epoch. A training loop cannot beat it by much; ``time / limit`` says
how much of a system's time goes elsewhere (per-batch Python overhead, activations,
the optimizer step, data shuffling).

The script never asserts on speed: it prints a Markdown table and writes
``<mode>.json`` (raw timings, machine information), ``<mode>.md`` (the table) and
``<mode>.png`` (a bar chart) to ``--out`` (default ``benchmarks/results/``).
"""

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from itertools import pairwise
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from skneuron import NeuronClassifier, NeuronRegressor  # as installed: compiled

try:
    import torch
except ImportError:  # the comparison with PyTorch is optional
    torch = None

SEED = 0
TEST_SIZE = 0.2
"""Fraction of each data set held out for the score, split with ``SEED``."""
PAUSE = 0.05
"""Seconds of sleep before each timed call (one-row predicts excepted): lets the
BLAS and OpenMP worker threads of the previous system stop spinning, so that they
do not slow down the next one."""
ALPHA = 1e-4
"""L2 penalty of every system: scikit-learn's default."""
QUICK_SECONDS = 40
"""``--quick``: seconds of timed runs shared by the workloads; a workload that has
used its share starts no new round of repeats (it always completes one)."""
HAS_DTYPE = "dtype" in NeuronClassifier().get_params()
"""Whether this skneuron has the ``dtype`` parameter (its default is left as is)."""


# -- workloads, as data ---------------------------------------------------------------


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


# -- data -----------------------------------------------------------------------------


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


# -- systems --------------------------------------------------------------------------


def estimator_params(workload, epochs):
    """Constructor parameters shared by skneuron and scikit-learn.

    Stochastic solvers run exactly ``epochs`` epochs: ``tol=0`` and a huge
    ``n_iter_no_change`` switch off the stopping rule.
    """
    params = {
        "hidden_layer_sizes": workload.hidden,
        "solver": workload.solver,
        "alpha": ALPHA,
        "batch_size": workload.batch_size,
        "shuffle": True,
        "random_state": SEED,
    }
    if workload.solver != "lbfgs":
        params.update(max_iter=epochs, tol=0.0, n_iter_no_change=10**9)
    return params


class EstimatorSystem:
    """skneuron or scikit-learn: the estimators' own ``fit`` and ``predict``."""

    def __init__(self, name, classifier, regressor):
        self.name = name
        self.classes = {"classification": classifier, "regression": regressor}

    def fit(self, workload, X, y, epochs):
        estimator = self.classes[workload.task](**estimator_params(workload, epochs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return estimator.fit(X, y)

    def predict(self, model, X):
        return model.predict(X)

    def compute_dtype(self, model):
        return model.coefs_[0].dtype.name

    def note(self, model):
        if model.solver == "lbfgs":
            return f"loss_ {model.loss_:.6g}, n_iter_ {model.n_iter_}"
        return f"loss_ {model.loss_:.6g}"


class TorchModel:
    """A trained PyTorch network with a scikit-learn-like ``predict``."""

    def __init__(self, net, classes, loss):
        self.net = net.eval()
        self.classes = classes
        self.loss_ = loss

    def predict(self, X):
        """Predict a numpy array, converting it to a float32 tensor on each call."""
        with torch.no_grad():
            out = self.net(torch.from_numpy(X).to(torch.float32))
        if self.classes is None:
            return out.numpy().ravel()
        return self.classes[out.argmax(1).numpy()]


class TorchSystem:
    """A plain, hand-written PyTorch CPU training loop mirroring scikit-learn's MLP.

    Same architecture (Linear + ReLU; softmax cross-entropy, or half mean squared
    error for regression), Glorot-uniform initialization as scikit-learn draws it
    (weights and biases in ``+-sqrt(6 / (fan_in + fan_out))``, from torch's own
    generator), ``torch.optim.Adam`` with lr, betas and eps of scikit-learn, the
    same batch size and epoch count, and a fresh permutation each epoch. The L2
    penalty ``alpha / (2 n_batch) ||W||^2`` on weights only is Adam's (coupled,
    non-decoupled) ``weight_decay = alpha / batch_size`` on a parameter group of the
    weights, biases having none: the same gradient, except in the last, smaller
    batch of an epoch. The model computes in float32 (the input is converted, as
    a user would, inside the timed fit). Like the estimators, it keeps the mean
    training loss of each epoch.
    """

    name = "torch"

    def fit(self, workload, X, y, epochs):
        n = X.shape[0]
        batch = batch_size(workload, n)
        X_t = torch.from_numpy(X).to(torch.float32)
        if workload.task == "classification":
            classes, codes = np.unique(y, return_inverse=True)
            Y_t, n_out = torch.from_numpy(codes.astype(np.int64)), len(classes)
            loss_fn = torch.nn.functional.cross_entropy
        else:
            classes, n_out = None, 1
            Y_t = torch.from_numpy(y.reshape(-1, 1)).to(torch.float32)

            def loss_fn(pred, target):
                return 0.5 * torch.nn.functional.mse_loss(pred, target)

        torch.manual_seed(SEED)
        net = build_torch_net((X.shape[1], *workload.hidden, n_out))
        weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
        optimizer = torch.optim.Adam(
            [
                {"params": weights, "weight_decay": ALPHA / batch},
                {"params": biases, "weight_decay": 0.0},
            ],
            lr=1e-3,
            betas=(0.9, 0.999),
            eps=1e-8,
        )
        generator = torch.Generator().manual_seed(SEED)
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(net(X_t[idx]), Y_t[idx])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(idx)
        return TorchModel(net, classes, total / n)

    def predict(self, model, X):
        return model.predict(X)

    def compute_dtype(self, model):
        return "float32"

    def note(self, model):
        return f"loss {model.loss_:.6g}"


def build_torch_net(layer_sizes):
    """``Linear`` layers with ReLU between them, initialized as scikit-learn does."""
    layers = []
    for l, (fan_in, fan_out) in enumerate(pairwise(layer_sizes)):
        linear = torch.nn.Linear(fan_in, fan_out)
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound)
            linear.bias.uniform_(-bound, bound)
        layers.append(linear)
        if l < len(layer_sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_systems(names, threads):
    """The systems to compare, skneuron first; torch only if it imports."""
    available = {
        "skneuron": EstimatorSystem("skneuron", NeuronClassifier, NeuronRegressor),
        # float32 on float64 input: the peer of the float32 systems there.
        "skneuron-f32": EstimatorSystem(
            "skneuron-f32",
            partial(NeuronClassifier, dtype="float32"),
            partial(NeuronRegressor, dtype="float32"),
        ),
        "sklearn": EstimatorSystem("sklearn", MLPClassifier, MLPRegressor),
    }
    if torch is not None:
        torch.set_num_threads(threads)
        available["torch"] = TorchSystem()
    elif "torch" in names:
        print("note: `import torch` failed; the PyTorch loop is skipped")
        names = [name for name in names if name != "torch"]
    unknown = set(names) - set(available)
    if unknown:
        raise SystemExit(f"unknown systems: {sorted(unknown)}")
    return [available[name] for name in names]


# -- the GEMM limit -------------------------------------------------------------------


def layer_sizes(workload, X, y):
    """``(n_features, *hidden, n_outputs)`` of the workload's network."""
    if workload.task == "regression":
        n_out = 1
    else:
        n_classes = len(np.unique(y))
        n_out = 1 if n_classes == 2 else n_classes
    return (X.shape[1], *workload.hidden, n_out)


def batch_products(sizes, rows, backward=True):
    """Shapes ``(kind, rows, fan_in, fan_out)`` of the products of one batch.

    Per weight layer: forward ``A @ W`` is (rows, fan_in) x (fan_in, fan_out);
    backward ``A.T @ dZ`` is (fan_in, rows) x (rows, fan_out), and ``dZ @ W.T``
    (rows, fan_out) x (fan_out, fan_in), the latter not for the first layer, whose
    input needs no gradient. Each costs ``2 * rows * fan_in * fan_out`` FLOPs.
    """
    products = []
    for l, (fan_in, fan_out) in enumerate(pairwise(sizes)):
        products.append(("A @ W", rows, fan_in, fan_out))
        if backward:
            products.append(("A.T @ dZ", rows, fan_in, fan_out))
            if l > 0:
                products.append(("dZ @ W.T", rows, fan_in, fan_out))
    return products


def flops(products):
    """FLOPs of a list of products: ``2 * m * k * n`` each."""
    return sum(2 * rows * fan_in * fan_out for _, rows, fan_in, fan_out in products)


def operands(kind, rows, fan_in, fan_out, dtype, rng):
    """Preallocated ``(a, b, out)`` for one product, transposes as views."""

    def rand(*shape):
        return rng.standard_normal(shape).astype(dtype)

    if kind == "A @ W":
        return rand(rows, fan_in), rand(fan_in, fan_out), rand(rows, fan_out)
    if kind == "A.T @ dZ":
        return rand(rows, fan_in).T, rand(rows, fan_out), rand(fan_in, fan_out)
    return rand(rows, fan_out), rand(fan_in, fan_out).T, rand(rows, fan_in)


@cache
def time_products(products, dtype, budget):
    """Seconds numpy's BLAS takes for one pass over ``products`` (a tuple).

    Times ``np.matmul(a, b, out=out)`` on preallocated arrays, in blocks of
    passes sized to fill about ``budget`` seconds in all, and keeps the fastest
    block: the limit is a lower bound, which other processes can only inflate.
    Cached: workloads with the same shapes share one measurement.
    """
    rng = np.random.default_rng(SEED)
    ops = [operands(*product, dtype, rng) for product in products]

    def one_pass():
        for a, b, out in ops:
            np.matmul(a, b, out=out)

    one_pass()  # warm-up
    start = time.perf_counter()
    one_pass()
    single = max(time.perf_counter() - start, 1e-7)
    n_blocks = 5
    per_block = max(1, int(budget / n_blocks / single))
    blocks = []
    for _ in range(n_blocks):
        start = time.perf_counter()
        for _ in range(per_block):
            one_pass()
        blocks.append((time.perf_counter() - start) / per_block)
    return min(blocks)


def batch_row_counts(n_rows, size):
    """``{rows: count}`` of the batches of one epoch, ``size`` rows per batch."""
    counts = {size: n_rows // size}
    if n_rows % size:
        counts[n_rows % size] = 1
    return {rows: count for rows, count in counts.items() if count}


def gemm_limit(sizes, batches, passes, budget, backward=True):
    """GEMM limit and FLOPs of ``passes`` passes over ``batches``.

    Parameters
    ----------
    sizes : tuple of int
        Layer sizes of the network.
    batches : dict
        ``{rows: count}`` of one pass (an epoch, or one predict call).
    passes : int
        Epochs (or calls).
    budget : float
        Seconds of timing per batch shape and dtype.
    backward : bool
        Training (forward and backward products) or predicting (forward only).

    Returns
    -------
    limit : dict
        ``{"float32": seconds, "float64": seconds}``.
    n_flops : int
    """
    limit = dict.fromkeys(("float32", "float64"), 0.0)
    n_flops = 0
    for rows, count in batches.items():
        products = tuple(batch_products(sizes, rows, backward))
        n_flops += flops(products) * count * passes
        for dtype in limit:
            limit[dtype] += time_products(products, dtype, budget) * count * passes
    return limit, n_flops


# -- timing ---------------------------------------------------------------------------


def timed(func, *args):
    """``(seconds, result)`` of one call."""
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def interleave(calls, repeats, allowance=None, pause=PAUSE):
    """Time ``calls`` round-robin (A B C A B C ...) for ``repeats`` rounds.

    Parameters
    ----------
    calls : dict
        ``{name: function}``; ``function(round)`` is timed.
    repeats : int
    allowance : float or None
        Seconds after which no new round starts (at least one always runs): the
        time guard of ``--quick`` on a busy machine.
    pause : float
        Seconds of sleep, after a garbage collection, before each timed call.

    Returns
    -------
    times : dict
        ``{name: [seconds, ...]}``.
    results : dict
        ``{name: result of the last call}``.
    """
    times = {name: [] for name in calls}
    results = {}
    start = time.perf_counter()
    for round_ in range(repeats):
        for name, function in calls.items():
            if pause:
                gc.collect()
                time.sleep(pause)
            seconds, results[name] = timed(function, round_)
            times[name].append(seconds)
        if allowance is not None and time.perf_counter() - start > allowance:
            break
    return times, results


def warm_up(systems):
    """One tiny fit and predict per system: lazy imports, thread pools, caches."""
    workload = workload_named("W1-wide-f64")
    data = load_data("digits", None)
    for system in systems:
        model = system.fit(workload, data.X_train[:300], data.y_train[:300], 2)
        system.predict(model, data.X_test[:1])


@dataclass
class Row:
    """One line of the results table, with the raw timings."""

    workload: str
    system: str
    dtype: str
    times: list
    score: float | None = None
    note: str = ""
    flops: int | None = None
    limit: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self):
        return statistics.median(self.times)


def batch_size(workload, n_rows):
    """The batch size the estimators use: ``"auto"`` is ``min(200, n_rows)``."""
    size = 200 if workload.batch_size == "auto" else workload.batch_size
    return min(size, n_rows)


def run_fit_workload(workload, scale, systems, budget, allowance=None):
    """Time training; return one :class:`Row` per system."""
    data = workload_data(workload, scale)

    def fit(system):
        return lambda _: system.fit(workload, data.X_train, data.y_train, scale.epochs)

    times, models = interleave(
        {system.name: fit(system) for system in systems}, scale.repeats, allowance
    )
    limit = n_flops = None
    if workload.solver != "lbfgs":
        sizes = layer_sizes(workload, data.X_train, data.y_train)
        n_rows = len(data.X_train)
        batches = batch_row_counts(n_rows, batch_size(workload, n_rows))
        limit, n_flops = gemm_limit(sizes, batches, scale.epochs, budget)
    rows = []
    for system in systems:
        model = models[system.name]
        y_pred = system.predict(model, data.X_test)
        rows.append(
            Row(
                workload.name,
                system.name,
                system.compute_dtype(model),
                times[system.name],
                held_out_score(workload.task, data.y_test, y_pred),
                system.note(model),
                n_flops,
                limit,
                extra={"train_rows": len(data.X_train), "epochs": scale.epochs},
            )
        )
    return rows


def run_predict_workload(workload, scale, systems, budget, allowance=None):
    """Time one-row ``predict`` latency, then a large ``predict``.

    The models are trained for ``scale.epochs`` epochs on the workload's data. The
    rows predicted are the held-out rows as float64 (as a user holds them), those
    of the large predict repeated up to ``scale.predict_rows`` rows. One-row calls
    are interleaved call by call, without pauses, a new row each round.
    """
    data = workload_data(workload, scale)
    models = {
        s.name: s.fit(workload, data.X_train, data.y_train, scale.epochs)
        for s in systems
    }
    X_rows = load_data(workload.data, scale.rows).X_test
    X_big = np.resize(X_rows, (scale.predict_rows, X_rows.shape[1]))

    def one_row(system):
        model = models[system.name]
        return lambda i: system.predict(model, X_rows[i % len(X_rows)][np.newaxis])

    def many_rows(system):
        return lambda _: system.predict(models[system.name], X_big)

    share = None if allowance is None else allowance / 3
    latency, _ = interleave(
        {s.name: one_row(s) for s in systems}, scale.latency_calls, share, pause=0
    )
    share = None if allowance is None else allowance - share
    bulk, _ = interleave({s.name: many_rows(s) for s in systems}, scale.repeats, share)

    scores = {
        s.name: held_out_score(
            workload.task, data.y_test, s.predict(models[s.name], data.X_test)
        )
        for s in systems
    }
    sizes = layer_sizes(workload, data.X_train, data.y_train)
    measures = [
        (f"{workload.name} 1 row", latency, 1),
        (f"{workload.name} {scale.predict_rows:,} rows", bulk, scale.predict_rows),
    ]
    rows = []
    for label, times, n_rows in measures:
        limit, n_flops = gemm_limit(sizes, {n_rows: 1}, 1, budget, backward=False)
        for system in systems:
            rows.append(
                Row(
                    label,
                    system.name,
                    system.compute_dtype(models[system.name]),
                    times[system.name],
                    scores[system.name],
                    "",
                    n_flops,
                    limit,
                )
            )
    return rows


# -- memory ---------------------------------------------------------------------------


def peak_memory_mb(func):
    """Peak memory allocated while ``func()`` runs, in MB, as tracemalloc sees it.

    numpy reports its array allocations to tracemalloc; PyTorch does not, so only
    numpy-based systems are measured.
    """
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 2**20


def run_memory(mode, systems):
    """Peak extra memory of a W4-like ``fit`` and of a large W5-like ``predict``.

    The fit is one epoch on ``MEMORY[mode]["fit_rows"]`` rows of W4's data (float64,
    as a user passes it); the predict, of float32 random rows, uses a model trained
    for one epoch on W5's quick data: its size, not its quality, matters here.
    """
    sizes = MEMORY[mode]
    systems = [s for s in systems if isinstance(s, EstimatorSystem)]
    fit_workload = workload_named("W4-regression")
    fit_data = load_data(fit_workload.data, sizes["fit_rows"])
    predict_workload = workload_named("W5-predict")
    predict_data = workload_data(predict_workload, predict_workload.quick)
    X_big = np.random.default_rng(SEED).standard_normal(
        (sizes["predict_rows"], predict_data.X_train.shape[1]), dtype=np.float32
    )
    results = []
    for system in systems:
        model = system.fit(
            predict_workload, predict_data.X_train, predict_data.y_train, 1
        )
        fit_mb = peak_memory_mb(
            lambda system=system: system.fit(
                fit_workload, fit_data.X_train, fit_data.y_train, 1
            )
        )
        predict_mb = peak_memory_mb(
            lambda system=system, model=model: model.predict(X_big)
        )
        results += [
            {
                "what": f"fit {fit_workload.name}, 1 epoch",
                "system": system.name,
                "X_shape": list(fit_data.X_train.shape),
                "X_mb": fit_data.X_train.nbytes / 2**20,
                "peak_mb": fit_mb,
            },
            {
                "what": f"predict {predict_workload.name} model",
                "system": system.name,
                "X_shape": list(X_big.shape),
                "X_mb": X_big.nbytes / 2**20,
                "peak_mb": predict_mb,
            },
        ]
    return results


# -- report ---------------------------------------------------------------------------


def format_time(seconds):
    """Seconds with a unit that keeps three significant digits readable."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def format_share(share):
    """A fraction as a percentage, or "n/a"."""
    return "n/a" if share is None else f"{share:.0%}"


def table_lines(rows):
    """The results table as Markdown lines."""
    header = [
        "workload",
        "system",
        "dtype",
        "median",
        "runs",
        "vs skneuron (same dtype)",
        "GFLOP/s",
        "GEMM limit f32 / f64",
        "time / limit",
        "held-out score",
        "notes",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    reference = same_dtype_reference(rows)
    for row in rows:
        ratio = ""
        if (row.workload, row.dtype) in reference:
            ratio = f"{row.median / reference[row.workload, row.dtype].median:.2f}x"
        gflops = "" if row.flops is None else f"{row.flops / row.median / 1e9:.1f}"
        limit = over = ""
        if row.limit is not None:
            limit = " / ".join(format_time(row.limit[d]) for d in row.limit)
            over = f"{row.median / row.limit[row.dtype]:.2f}"
        score = "" if row.score is None else f"{row.score:.4f}"
        cells = [
            row.workload,
            row.system,
            row.dtype,
            format_time(row.median),
            str(len(row.times)),
            ratio,
            gflops,
            limit,
            over,
            score,
            row.note,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def memory_lines(memory):
    """The memory results as Markdown lines."""
    lines = [
        "| measurement | system | X shape | X size | peak extra memory |",
        "|---|---|---|---|---|",
    ]
    for m in memory:
        shape = " x ".join(f"{n:,}" for n in m["X_shape"])
        lines.append(
            f"| {m['what']} | {m['system']} | {shape} | {m['X_mb']:.1f} MB "
            f"| {m['peak_mb']:.1f} MB |"
        )
    return lines


def cpu_busy(seconds=0.5):
    """Fraction of the machine's CPU time that was busy over ``seconds``.

    Read from ``/proc/stat`` (Linux); None elsewhere. Unlike the load average, a
    decaying mean over a minute, it tells whether another process runs now.
    """

    def sample():
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle_1 - idle_0) / max(total_1 - total_0, 1)


def machine_info():
    """Platform, CPU count, library versions and BLAS, for the JSON file."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": sys.version,
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "skneuron": sys.modules["skneuron"].__version__,
        "skneuron_path": sys.modules["skneuron"].__file__,
        "skneuron_has_dtype": HAS_DTYPE,
        "torch": None if torch is None else torch.__version__,
        "torch_threads": None if torch is None else torch.get_num_threads(),
        "threadpools": threadpool_info(),
    }


def plot(rows, path):
    """Bar chart of each system's median time relative to skneuron's, same dtype.

    The GEMM limit (in skneuron's compute dtype) is drawn as one more bar: the
    distance from it to 1 is what a faster engine could still win.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("note: matplotlib is not installed; no chart written")
        return None
    workloads = list(dict.fromkeys(r.workload for r in rows))
    reference = same_dtype_reference(rows)
    series = {}
    for row in rows:
        ref = reference.get((row.workload, row.dtype))
        if ref is not None and not row.system.startswith("skneuron"):
            ratio = row.median / ref.median
            series.setdefault(f"{row.system} ({row.dtype})", {})[row.workload] = ratio
    reference = {r.workload: r for r in rows if r.system == "skneuron"}
    for name, ref in reference.items():
        if ref.limit is not None:
            limit = ref.limit[ref.dtype] / ref.median
            series.setdefault("GEMM limit", {})[name] = limit
    fig, ax = plt.subplots(figsize=(9, 0.22 * len(workloads) * len(series) + 1.5))
    height = 0.8 / len(series)
    positions = np.arange(len(workloads))
    for i, (name, values) in enumerate(series.items()):
        widths = [values.get(w, np.nan) for w in workloads]
        bars = ax.barh(positions + i * height, widths, height, label=name)
        labels = ["" if np.isnan(v) else f"{v:.2g}x" for v in widths]
        ax.bar_label(bars, labels, fontsize="x-small", padding=2)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(positions + height * (len(series) - 1) / 2, workloads)
    ax.invert_yaxis()
    ax.set_xlabel(
        "median time / skneuron's median time in the same dtype "
        "(log scale; > 1: skneuron is faster)"
    )
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_outputs(out, mode, args, rows, memory, info, lines):
    """Write ``<mode>.json``, ``<mode>.md`` and ``<mode>.png`` into ``out``.

    Returns the paths written (no chart without matplotlib).
    """
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "mode": mode,
        "arguments": vars(args),
        "settings": {"seed": SEED, "test_size": TEST_SIZE, "alpha": ALPHA},
        "workloads": [asdict(w) for w in WORKLOADS],
        "results": [asdict(r) | {"median": r.median} for r in rows],
        "memory": memory,
        **info,
    }
    paths = [out / f"{mode}.json", out / f"{mode}.md"]
    paths[0].write_text(json.dumps(payload, indent=1, default=str))
    paths[1].write_text("\n".join(lines) + "\n")
    chart = plot(rows, out / f"{mode}.png")
    return paths + ([chart] if chart else [])


# -- main -----------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="scaled-down run, under a minute"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results",
        help="output directory (default: benchmarks/results/)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated workload names to run (default: all)",
    )
    parser.add_argument(
        "--systems",
        default="skneuron,skneuron-f32,sklearn,torch",
        help="comma-separated systems (default: skneuron,skneuron-f32,sklearn,torch)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="BLAS and torch threads (default: 2, the machine's cores)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the memory measurements"
    )
    return parser.parse_args(argv)


def selected_workloads(only):
    """The workloads named in ``--only`` (all if empty), in table order."""
    names = set(filter(None, only.split(",")))
    unknown = names - {w.name for w in WORKLOADS}
    if unknown:
        raise SystemExit(f"unknown workloads: {sorted(unknown)}")
    return [w for w in WORKLOADS if not names or w.name in names]


def takes_part(system, workload):
    """Whether a system runs a workload."""
    if system == "torch":
        # No L-BFGS loop is written for torch: W6 compares the estimators only.
        return workload.solver != "lbfgs"
    if system == "skneuron-f32":
        # Needed only where skneuron's default computes in float64.
        return workload.x_dtype == "float64" and workload.solver != "lbfgs"
    return True


def same_dtype_reference(rows):
    """skneuron's row of each workload and compute dtype: ``{(workload, dtype): row}``.

    Every comparison is within one dtype: scikit-learn in float64 against skneuron
    in float64, PyTorch in float32 against skneuron in float32.
    """
    return {(r.workload, r.dtype): r for r in rows if r.system.startswith("skneuron")}


def run_workloads(workloads, systems, quick):
    """Run the workloads in turn; their rows, in table order."""
    budget = 0.03 if quick else 0.3  # seconds of GEMM timing per shape and dtype
    allowance = QUICK_SECONDS / len(workloads) if quick else None
    rows = []
    for workload in workloads:
        scale = workload.quick if quick else workload.full
        active = [s for s in systems if takes_part(s.name, workload)]
        run = run_predict_workload if workload.kind == "predict" else run_fit_workload
        start = time.perf_counter()
        rows += run(workload, scale, active, budget, allowance)
        seconds = time.perf_counter() - start
        print(f"  {workload.name}: {seconds:.1f} s ({workload.about})", flush=True)
    return rows


def main(argv=None):
    started = time.perf_counter()
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    workloads = selected_workloads(args.only)
    names = ["skneuron", *(s for s in args.systems.split(",") if s != "skneuron")]
    busy_before = cpu_busy()
    with threadpool_limits(args.threads):
        systems = make_systems(names, args.threads)
        print(
            f"skneuron benchmark ({mode}): {', '.join(s.name for s in systems)}; "
            f"{args.threads} threads; skneuron has a dtype parameter: {HAS_DTYPE}",
            flush=True,
        )
        if busy_before is not None and busy_before > 0.2:
            print(
                f"note: the CPUs were {busy_before:.0%} busy before the start: "
                "another process runs, and timings will be noisy"
            )
        blas = [p["filepath"] for p in threadpool_info() if p["user_api"] == "blas"]
        if len(blas) > 1:
            print(
                f"note: {len(blas)} BLAS libraries loaded, each with its own threads:"
            )
            print("".join(f"  {path}\n" for path in blas), end="")
        warm_up(systems)
        rows = run_workloads(workloads, systems, args.quick)
        memory = [] if args.no_memory else run_memory(mode, systems)
        machine = machine_info()  # inside the limits: the thread counts used
    elapsed = time.perf_counter() - started
    busy = {"before": busy_before, "after": cpu_busy()}
    lines = [
        f"skneuron benchmark, {mode} run, {datetime.date.today()}, "
        f"{os.cpu_count()} CPUs, {args.threads} threads, {elapsed:.0f} s, "
        f"CPUs busy before / after: {format_share(busy['before'])} / "
        f"{format_share(busy['after'])}",
        "",
        *table_lines(rows),
    ]
    if memory:
        lines += ["", *memory_lines(memory)]
    print()
    print("\n".join(lines))
    info = {"machine": machine, "elapsed_seconds": elapsed, "cpu_busy": busy}
    paths = write_outputs(args.out, mode, args, rows, memory, info, lines)
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
