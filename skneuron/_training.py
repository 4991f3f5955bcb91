"""The mini-batch training loop: epochs, batches, history and stopping.

A ladder of small steps: :func:`train` runs epochs until a stopping rule fires;
:func:`run_epoch` runs the batches of one epoch, each one call of the workspace's
``loss_gradient`` and one optimizer ``step``; :func:`close_epoch` scores, records
and reports it; :func:`decide` tells whether training goes on. The stopping rules
are small objects, one per meaning: :class:`LossPlateau` on the training loss,
:class:`EarlyStopping` on a validation score. The loop appends one record per
epoch to a history list; the estimators derive ``loss_curve_`` and friends from
it. Nothing here knows scikit-learn.
"""

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Plateau:
    """Counts epochs whose score fails to beat the best one by more than ``tol``.

    Scores are "higher is better": pass ``-loss`` for a training loss. This is the
    rule of scikit-learn's MLP, whose state carries over ``warm_start`` and
    ``partial_fit`` calls.

    Parameters
    ----------
    tol : float
        Minimum improvement that resets the count.
    patience : int
        Training stops once the count exceeds it (``n_iter_no_change``).
    """

    tol: float
    patience: float
    best: float = -np.inf
    count: int = 0

    def update(self, score):
        """Record the score of an epoch; return whether it is the best so far."""
        self.count = self.count + 1 if score < self.best + self.tol else 0
        improved = score > self.best
        if improved:
            self.best = score
        return improved

    @property
    def exhausted(self):
        """Whether the score has not improved for more than ``patience`` epochs."""
        return self.count > self.patience


def schedule_factor(schedule, t):
    r"""The multiplier of the initial learning rate at training progress ``t``.

    ``t`` in [0, 1) is the share of the ``max_iter`` epochs done, taken at the
    middle of an epoch. ``"cosine"`` decays from 1 to 0 as
    :math:`(1 + \cos \pi t) / 2`; ``"coslog4"``, RealMLP's schedule
    (Holzmüller et al. 2024), runs four such cycles up and down,
    :math:`(1 - \cos (2 \pi \log_2 (1 + 15 t))) / 2`, each twice as long as the
    one before, the rate near zero at each cycle's end, where the weights are
    worth keeping. Any other schedule: 1.
    """
    if schedule == "cosine":
        return 0.5 * (1.0 + np.cos(np.pi * t))
    if schedule == "coslog4":
        return 0.5 * (1.0 - np.cos(2 * np.pi * np.log2(1.0 + 15.0 * t)))
    return 1.0


# Schedules set from the epoch's position within max_iter epochs.
EPOCH_SCHEDULES = ("cosine", "coslog4")


@dataclass
class LearningRate:
    r"""The learning-rate schedules, applied between epochs.

    scikit-learn's SGD schedules: ``"constant"`` keeps ``init``;
    ``"invscaling"`` sets it to :math:`\eta_0 / (t + 1)^{p}` after each epoch,
    with ``t`` the number of samples seen so far and ``p`` = ``power_t``;
    ``"adaptive"`` divides it by 5 each time the plateau rule fires, and stops
    training once it falls to ``1e-6`` or below. ``"cosine"`` and ``"coslog4"``
    multiply ``init`` by :func:`schedule_factor` at the middle of each epoch,
    over ``n_epochs`` epochs; the count goes on across ``partial_fit`` calls and
    the schedule starts again after ``n_epochs`` (a warm restart).
    """

    init: float
    schedule: str = "constant"
    power_t: float = 0.5
    current: float | None = None
    n_epochs: int = 1
    epoch: int = 0

    def __post_init__(self):
        if self.current is None:
            self.current = float(self.init * self._factor())

    def _factor(self):
        t = ((self.epoch % self.n_epochs) + 0.5) / self.n_epochs
        return schedule_factor(self.schedule, t)

    def epoch_end(self, samples_seen):
        """Update the rate after an epoch."""
        self.epoch += 1
        if self.schedule == "invscaling":
            self.current = self.init / (samples_seen + 1) ** self.power_t
        elif self.schedule in EPOCH_SCHEDULES:
            self.current = float(self.init * self._factor())

    def reduce_on_plateau(self):
        """Lower the rate on a plateau; return False when training should stop."""
        if self.schedule != "adaptive" or self.current <= 1e-6:
            return False
        self.current /= 5.0
        return True


class BatchReader:
    """Mini-batches of ``(X, Y, sample_weight)`` in a fresh order each epoch.

    Shuffling permutes an index vector once per epoch (as scikit-learn does, so the
    same random state gives the same batches) and gathers each batch into buffers
    allocated once, with ``np.take(..., out=)``; without shuffling, batches are
    views of the data.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, random_state):
        self.arrays = [a for a in (X, Y, sample_weight) if a is not None]
        self.has_weight = sample_weight is not None
        self.mean_weight = None if sample_weight is None else sample_weight.mean()
        self.n_samples = X.shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.order = np.arange(self.n_samples)
        self.buffers = [
            None if sp.issparse(a) else np.empty((batch_size, *a.shape[1:]), a.dtype)
            for a in self.arrays
        ]

    def __iter__(self):
        if self.shuffle:
            self.random_state.shuffle(self.order)
        for start in range(0, self.n_samples, self.batch_size):
            stop = min(start + self.batch_size, self.n_samples)
            if self.shuffle:
                batch = self._gather(self.order[start:stop])
            else:
                batch = [a[start:stop] for a in self.arrays]
            if not self.has_weight:
                batch.append(None)
            yield batch

    def _gather(self, idx):
        return [
            a[idx]
            if buffer is None
            else np.take(a, idx, axis=0, out=buffer[: len(idx)])
            for a, buffer in zip(self.arrays, self.buffers)
        ]


class LossPlateau:
    """Stops training once the training loss stops falling: scikit-learn's rule.

    Parameters
    ----------
    plateau : Plateau
        Watches minus the loss; carried over ``warm_start`` and ``partial_fit``.
    """

    watched = "Training loss"

    def __init__(self, plateau):
        self.plateau = plateau

    def update(self, record, params):
        self.plateau.update(-record["loss"])


class EarlyStopping:
    """Stops training once the validation score stops rising; keeps the best epoch.

    Parameters
    ----------
    plateau : Plateau
        Watches the validation score; carried over ``warm_start`` calls.
    score : callable
        ``score(params) -> float`` on the held-out data, higher is better.
    params : ndarray
        The starting parameters: the best ones until an epoch beats them.
    """

    watched = "Validation score"

    def __init__(self, plateau, score, params):
        self.plateau = plateau
        self.score = score
        self.best_params = params.copy()

    def update(self, record, params):
        """Score the epoch into its record; keep its parameters if the best."""
        # A diverged epoch scores nan, as in scikit-learn: never the best.
        finite = np.isfinite(record["loss"])
        record["validation_score"] = self.score(params) if finite else np.nan
        if self.plateau.update(record["validation_score"]):
            self.best_params[...] = params

    @property
    def has_best(self):
        """Whether some epoch, of this call or an earlier one, scored."""
        return self.plateau.best > -np.inf


@dataclass
class Run:
    """One call's training: what the epochs read, and what they update in place.

    Attributes
    ----------
    workspace : Workspace
        Holds the parameters, updated in place.
    batches : BatchReader
    optimizer : object with a ``step`` method
    optimizer_state : dict
        The optimizer's state, updated in place.
    learning_rate : LearningRate
        Updated in place between epochs.
    stopping : LossPlateau or EarlyStopping
        The stopping rule.
    history : list of dict
        One record per epoch is appended: ``epoch``, ``loss``, ``validation_score``
        (or None), ``learning_rate``, ``seconds``.
    samples_seen : int
        Samples seen so far, counted once here; the ``invscaling`` schedule and
        the estimator's ``t_`` read it.
    progress : Progress
    on_epoch_end : callable or None
        ``on_epoch_end(record) -> bool``, after each epoch; True stops training.
    on_epoch_begin : callable or None
        ``on_epoch_begin()``, before each epoch (scikit-learn's callbacks open
        the epoch's task there).
    project : callable or None
        ``project(params)``, in place after each optimizer step: keeps the
        parameters feasible (``monotonic_cst``'s sign pattern); None when they are
        free, so that unconstrained training pays nothing.
    """

    workspace: object
    batches: BatchReader
    optimizer: object
    optimizer_state: dict
    learning_rate: LearningRate
    stopping: object
    history: list
    samples_seen: int
    progress: object
    on_epoch_end: object = None
    on_epoch_begin: object = None
    project: object = None


def train(run, max_epochs):
    """Run epochs until a stopping rule fires or ``max_epochs`` are done.

    Returns
    -------
    status : {"converged", "max_iter", "diverged", "stopped", "interrupted"}
        Why training stopped: the plateau rule, the epoch limit, a non-finite loss
        (the parameters are then not usable; the epoch is recorded, with a
        validation score of nan, as scikit-learn does), ``on_epoch_end``, or a
        ``KeyboardInterrupt`` after at least one epoch, the parameters being then
        those of the last completed epoch. An interrupt before that propagates.
    """
    params = run.workspace.params
    # The parameters as of the last completed epoch: an interrupt may land in the
    # middle of an optimizer step.
    completed = params.copy()
    epochs_before = len(run.history)
    try:
        for _ in range(max_epochs):
            if run.on_epoch_begin is not None:
                run.on_epoch_begin()
            start = time.perf_counter()
            record = run_epoch(run)
            n_iter = len(run.history) + 1 - epochs_before  # scikit-learn's count
            close_epoch(run, record, start, n_iter)
            if not np.isfinite(record["loss"]):
                return "diverged"
            completed[...] = params
            status = decide(run, record)
            if status is not None:
                return status
        return "max_iter"
    except KeyboardInterrupt:
        if len(run.history) == epochs_before:
            raise  # no epoch completed: nothing worth keeping
        params[...] = completed
        return "interrupted"
    finally:
        run.progress.close()


def run_epoch(run):
    """One pass over the batches; return the epoch's record, not yet closed."""
    rate = run.learning_rate.current
    workspace, batches = run.workspace, run.batches
    total = 0.0
    for X, Y, sample_weight in batches:
        # Weighted losses are divided by the weight a batch of this size holds on
        # average: an unbiased estimate of the weighted loss of all the data.
        weight_total = (
            None if sample_weight is None else X.shape[0] * batches.mean_weight
        )
        if workspace.rng is not None:
            workspace.resample_dropout(X.shape[0])
        loss = workspace.loss_gradient(X, Y, sample_weight, weight_total)
        run.optimizer.step(workspace.params, workspace.grad, run.optimizer_state, rate)
        if run.project is not None:
            run.project(workspace.params)
        total += loss * X.shape[0]
    run.samples_seen += batches.n_samples
    return {
        "epoch": len(run.history) + 1,
        "loss": total / batches.n_samples,
        "validation_score": None,
        "learning_rate": rate,
    }


def close_epoch(run, record, start, n_iter):
    """Score, record and report an epoch.

    ``start`` is the epoch's start time; ``n_iter`` its number in this call.
    """
    run.stopping.update(record, run.workspace.params)
    record["seconds"] = time.perf_counter() - start
    run.history.append(record)
    run.progress.report(record, n_iter)


def decide(run, record):
    """After a completed epoch: return why training stops, or None to go on."""
    if run.on_epoch_end is not None and run.on_epoch_end(dict(record)):
        return "stopped"
    run.learning_rate.epoch_end(run.samples_seen)
    if run.stopping.plateau.exhausted and not _continue_on_plateau(run):
        return "converged"
    return None


def _continue_on_plateau(run):
    """Lower the learning rate on a plateau, or tell training to stop.

    The messages are scikit-learn's, printed when ``verbose``.
    """
    plateau, learning_rate = run.stopping.plateau, run.learning_rate
    message = (
        f"{run.stopping.watched} did not improve more than tol={plateau.tol:f} for "
        f"{int(plateau.patience)} consecutive epochs."
    )
    if learning_rate.reduce_on_plateau():
        run.progress.say(
            f"{message} Setting learning rate to {learning_rate.current:f}"
        )
        plateau.count = 0
        return True
    if learning_rate.schedule == "adaptive":
        message += " Learning rate too small."
    run.progress.say(message + " Stopping.")
    return False
