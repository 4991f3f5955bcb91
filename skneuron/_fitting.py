"""Fitting a network to checked data: the two runners, and what they warn about.

:func:`fit_network` builds the network, starts or resumes its parameters, and hands
them to a runner (mini-batch epochs, or L-BFGS on the full batch). Everything a
fit produces goes into a local :class:`FitResult`, which the estimator publishes
in one step: a fit that fails or is interrupted leaves the estimator untouched.
Training works on copies of the fitted state it resumes from, made as the run is
built (here, and in :mod:`._stochastic` for the optimizer and the plateaus).
"""

import functools
import warnings
from contextlib import closing, nullcontext
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from threadpoolctl import ThreadpoolController

from ._callbacks import user_callbacks
from ._compat import _check_optimize_result
from ._ensemble import build_network, check_ensemble
from ._lbfgs import fit_lbfgs
from ._losses import LOSSES, canonical_loss
from ._monotonic import SignConstraint, check_monotone_network
from ._network import Network
from ._progress import Progress
from ._stochastic import build_run
from ._training import EarlyStopping, train

# Below this many flops per matrix product, a second BLAS thread costs more in
# wake-ups and spinning than it saves (measured on 2 cores: products of 4 MFLOP run
# 1.1x faster on 2 threads and whole fits 1.25x slower; 34 MFLOP products run 1.6x
# faster).
_MIN_FLOPS_FOR_BLAS_THREADS = 2e7

# The first sentence is scikit-learn's, which code written for its MLP may match.
_DIVERGED = (
    "Solver produced non-finite parameter weights. The input data may contain large "
    "values and need to be preprocessed. Training diverged: the {what} became "
    "non-finite, so the model was left as it was. Scale the input (for example with "
    "StandardScaler) or lower learning_rate_init."
)


@dataclass
class FitResult:
    """A trained model, before the estimator publishes it."""

    data: object  # FitData
    network: Network
    params: np.ndarray
    history: list
    n_iter: int
    loss: float
    samples_seen: int
    early_stopping: bool = False
    state: dict = field(default_factory=dict)  # what partial_fit resumes from


def fit_network(estimator, data, resume, incremental, task):
    """Train the estimator's network on ``data``; return a :class:`FitResult`.

    ``resume``: continue from the fitted state (``warm_start``, ``partial_fit``).
    ``task``: the fit's task for scikit-learn's callbacks (:mod:`._callbacks`).
    """
    network = _build_network(estimator, data, resume)
    random_state = check_random_state(estimator.random_state)
    params, constraint = _start(estimator, data, network, resume, random_state)
    # A diverging fit overflows; that is caught below and reported as one clear
    # error instead of a stream of numpy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        if estimator.solver == "lbfgs":
            result = _run_lbfgs(
                estimator, data, network, params, resume, task, constraint
            )
        else:
            result = _run_stochastic(
                estimator,
                data,
                network,
                params,
                (resume, incremental, constraint),
                random_state,
                task,
            )
    if not np.isfinite(result.params).all():
        raise ValueError(_DIVERGED.format(what="weights"))
    return result


def _start(estimator, data, network, resume, random_state):
    """The starting parameters, and the sign constraint of ``monotonic_cst``.

    The constraint is None when nothing is constrained; otherwise the start is
    made feasible: a fresh draw by flipping signs, resumed weights by projection.
    """
    if resume:
        params = estimator._params.astype(data.X.dtype)  # a copy, trained in place
    else:
        params = network.init_params(
            random_state, data.init_dtype, estimator.weight_init
        ).astype(data.X.dtype, copy=False)
    if data.monotonic_cst is None:
        return params, None
    check_monotone_network(network)
    cst = data.monotonic_cst
    if network.input_layer is not None:
        cst = network.input_layer.columns_cst(cst)
    constraint = SignConstraint(network, cst)
    (constraint if resume else constraint.reflect)(params)
    return params, constraint


def _build_network(estimator, data, resume):
    output_activation = data.target.output_activation
    if output_activation not in LOSSES[canonical_loss(estimator.loss)].values:
        raise ValueError(
            f"loss={estimator.loss!r} cannot follow the model's output activation "
            f"{output_activation!r}; fit without warm_start to change the loss."
        )
    network = build_network(
        data.layer_sizes,
        data.activations,
        output_activation,
        estimator.leaky_relu_slope,
        getattr(estimator, "n_ensemble", 1),
        data.input_layer,
    )
    if resume and network.input_layer != estimator._network.input_layer:
        raise ValueError(
            f"The network has the input layer {estimator._network.input_layer} but "
            f"the new data and parameters call for {network.input_layer}; "
            "warm_start and partial_fit cannot change the architecture."
        )
    if resume and network.layer_sizes != estimator._network.layer_sizes:
        raise ValueError(
            f"The network has layer sizes {estimator._network.layer_sizes} but the "
            f"new data and parameters call for {network.layer_sizes}; "
            "warm_start and partial_fit cannot change the architecture."
        )
    check_ensemble(estimator._network if resume else None, network, data.monotonic_cst)
    return network


def _history(estimator, resume):
    return list(estimator.history_) if resume else []


def _run_lbfgs(estimator, data, network, params, resume, task, constraint):
    history = _history(estimator, resume)
    Y = data.target.training_targets(data.Y, getattr(estimator, "label_smoothing", 0.0))
    loss = data.target.bind_loss(estimator.loss)
    workspace = network.workspace(params, data.X.shape[0], loss, estimator.alpha)
    # scipy prints L-BFGS's own lines: no per-iteration lines here, only the bar.
    progress = Progress(False, estimator.progress_bar, estimator.max_iter, "iteration")
    callbacks = user_callbacks(estimator)
    tasks = task.epochs("iteration", ahead=True)
    before, samples_seen = len(history), estimator.t_ if resume else 0

    def on_iteration(record, x):
        progress.report(record, len(history) - before)
        stop = callbacks is not None and callbacks(dict(record))
        if tasks is not None:
            n_iter, kept = len(history) - before, x.astype(params.dtype)
            stop = (
                tasks.after_iteration(
                    lambda: FitResult(
                        data,
                        network,
                        kept,
                        list(history),
                        n_iter,
                        record["loss"],
                        samples_seen,
                    )
                )
                or stop
            )
        return stop

    with tasks or nullcontext(), _blas_threads(network, len(Y)), closing(progress):
        status, result = fit_lbfgs(
            workspace,
            data.X,
            Y,
            data.sample_weight,
            max_iter=estimator.max_iter,
            max_fun=estimator.max_fun,
            tol=estimator.tol,
            history=history,
            on_iteration=on_iteration,
            bounds=None if constraint is None else constraint.bounds(),
        )
    if status == "done":
        n_iter = _check_optimize_result("lbfgs", result, estimator.max_iter)
        loss = float(result.fun)
    else:
        n_iter, loss = len(history) - before, history[-1]["loss"]
        _warn_about_run(estimator, status, history[before:], incremental=False)
    return FitResult(data, network, params, history, n_iter, loss, samples_seen)


def _run_stochastic(estimator, data, network, params, how, rng, task):
    """Mini-batch epochs; ``how`` is ``(resume, incremental, constraint)``."""
    resume, incremental, constraint = how
    history = _history(estimator, resume)
    before, max_epochs = len(history), 1 if incremental else estimator.max_iter
    run = build_run(
        estimator,
        data,
        network,
        params,
        history,
        (resume, incremental),
        rng,
        project=constraint,
    )
    tasks = task.epochs("epoch")
    if tasks is not None:
        tasks.attach(run, lambda: _so_far(data, network, run, before))
    with tasks or nullcontext(), _blas_threads(network, run.batches.batch_size):
        status = train(run, max_epochs)
    stopping = run.stopping
    early = isinstance(stopping, EarlyStopping)
    if status == "diverged" and not (early and stopping.has_best):
        raise ValueError(_DIVERGED.format(what="loss"))
    if early:
        params[...] = stopping.best_params
    _warn_about_run(estimator, status, history[before:], incremental)
    plateaus = dict(estimator._plateaus) if resume else {}
    plateaus["validation" if early else "loss"] = stopping.plateau
    state = {"optimizer": run.optimizer_state, "learning_rate": run.learning_rate}
    return FitResult(
        data,
        network,
        params,
        history,
        n_iter=len(history) - before,
        loss=history[-1]["loss"],
        samples_seen=run.samples_seen,
        early_stopping=early,
        state={**state, "plateaus": plateaus},
    )


def _so_far(data, network, run, before):
    """The model as if the fit stopped after the last epoch: what it would publish."""
    early = isinstance(run.stopping, EarlyStopping)
    kept = run.stopping.best_params if early else run.workspace.params
    history = run.history
    n_iter, loss = len(history) - before, history[-1]["loss"]
    return FitResult(
        data, network, kept.copy(), list(history), n_iter, loss, run.samples_seen, early
    )


@functools.cache
def _threadpools():
    # Scanning the loaded libraries costs milliseconds, more than a small fit: do
    # it once, at the first fit, when numpy's and scipy's BLAS are both loaded.
    return ThreadpoolController()


def _blas_threads(network, n_rows):
    """One BLAS thread while training a network whose products are small.

    An ensemble's hidden layers see each row once per member.
    """
    n_rows *= network.n_members
    largest = 2 * n_rows * max(fan_in * fan_out for fan_in, fan_out in network.shapes)
    if largest < _MIN_FLOPS_FOR_BLAS_THREADS:
        return _threadpools().limit(limits=1, user_api="blas")
    return nullcontext()


def _warn_about_run(estimator, status, records, incremental):
    """Warn about a run that did not end as it should have."""
    lbfgs = estimator.solver == "lbfgs"
    unit = "iteration" if lbfgs else "epoch"
    kept = "the best epoch" if estimator.early_stopping else f"the last {unit}"
    if status == "interrupted":
        message = (
            f"Training interrupted by the user after {len(records)} {unit}s: the "
            f"model keeps the weights of {kept}. It is fitted and predicts."
        )
        warnings.warn(message, UserWarning, stacklevel=7)
    elif status == "diverged":
        message = (
            f"Training diverged at epoch {records[-1]['epoch']}: its loss is not "
            f"finite. The model keeps the weights of {kept}. Scale the input "
            "or lower learning_rate_init."
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=7)
    elif status == "max_iter" and not incremental:
        message = (
            f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) "
            "reached and the optimization hasn't converged yet."
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=7)
    rose = len(records) > 1 and records[-1]["loss"] > records[0]["loss"]
    if rose and not lbfgs:  # L-BFGS has no learning rate to blame
        message = (
            f"The training loss rose from {records[0]['loss']:.6g} after the "
            f"first epoch to {records[-1]['loss']:.6g} after the last: the "
            "learning rate is probably too high. Lower learning_rate_init."
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=7)
