"""The mini-batch training loop: epochs, batches, history and stopping.

A ladder of small steps: :func:`train` runs epochs until a stopping rule fires,
:func:`run_epoch` runs the batches of one epoch, and each batch is one call of the
workspace's ``loss_gradient`` and one optimizer ``step``. The loop appends one record
per epoch to a history list; the estimators derive ``loss_curve_`` and friends from
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


@dataclass
class LearningRate:
    r"""The learning-rate schedules of scikit-learn's SGD, applied between epochs.

    ``"constant"`` keeps ``init``; ``"invscaling"`` sets it to
    :math:`\eta_0 / (t + 1)^{p}` after each epoch, with ``t`` the number of samples
    seen so far and ``p`` = ``power_t``; ``"adaptive"`` divides it by 5 each time
    the plateau rule fires, and stops training once it falls to ``1e-6`` or below.
    """

    init: float
    schedule: str = "constant"
    power_t: float = 0.5
    current: float | None = None

    def __post_init__(self):
        if self.current is None:
            self.current = self.init

    def epoch_end(self, samples_seen):
        """Update the rate after an epoch."""
        if self.schedule == "invscaling":
            self.current = self.init / (samples_seen + 1) ** self.power_t

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


def run_epoch(workspace, batches, optimizer, state, learning_rate):
    """One pass over the batches; return the mean batch loss, weighted by size."""
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
        optimizer.step(workspace.params, workspace.grad, state, learning_rate)
        total += loss * X.shape[0]
    return total / batches.n_samples


def train(
    workspace,
    batches,
    optimizer,
    state,
    *,
    learning_rate,
    max_epochs,
    plateau,
    history,
    samples_seen=0,
    validation_score=None,
    best_params=None,
    verbose=False,
    progress_bar=False,
    on_epoch_end=None,
):
    """Run epochs until a stopping rule fires or ``max_epochs`` are done.

    Parameters
    ----------
    workspace : Workspace
        Holds the parameters, updated in place.
    batches : BatchReader
    optimizer : object with a ``step`` method
    state : dict
        The optimizer's state, updated in place.
    learning_rate : LearningRate
        Updated in place between epochs.
    max_epochs : int
    plateau : Plateau
        Watches the training loss, or the validation score when there is one.
    history : list of dict
        One record per epoch is appended: ``epoch``, ``loss``, ``validation_score``
        (or None), ``learning_rate``, ``seconds``.
    samples_seen : int, default=0
        Samples seen before this call, for the ``invscaling`` schedule.
    validation_score : callable or None
        ``validation_score(params) -> float``, higher is better.
    best_params : ndarray or None
        With ``validation_score``: receives the parameters of the best epoch.
    verbose : bool
        Print scikit-learn's lines: the loss (and validation score) of each epoch,
        and why training stops.
    progress_bar : bool
        Draw a tqdm progress bar over the epochs.
    on_epoch_end : callable or None
        ``on_epoch_end(record) -> bool``, after each epoch; True stops training.

    Returns
    -------
    status : {"converged", "max_iter", "diverged", "stopped", "interrupted"}
        Why training stopped: the plateau rule, the epoch limit, a non-finite loss
        (the parameters are then not usable; with ``validation_score``, the epoch
        is recorded with a score of nan, as scikit-learn does), ``on_epoch_end``, or a
        ``KeyboardInterrupt`` after at least one epoch, the parameters being then
        those of the last completed epoch. An interrupt before that propagates.
    """
    progress = Progress(verbose, progress_bar, max_epochs)
    # The parameters as of the last completed epoch: an interrupt may land in the
    # middle of an optimizer step.
    completed = workspace.params.copy()
    epochs_before = len(history)
    try:
        for _ in range(max_epochs):
            start = time.perf_counter()
            rate = learning_rate.current
            loss = run_epoch(workspace, batches, optimizer, state, rate)
            samples_seen += batches.n_samples
            diverged = not np.isfinite(loss)
            if diverged and validation_score is None:
                return "diverged"
            record = {
                "epoch": len(history) + 1,
                "loss": loss,
                "validation_score": None,
                "learning_rate": rate,
            }
            if validation_score is None:
                plateau.update(-loss)
            else:
                # A diverged epoch scores nan, as in scikit-learn: never the best.
                score = np.nan if diverged else validation_score(workspace.params)
                record["validation_score"] = score
                if plateau.update(score):
                    best_params[...] = workspace.params
            record["seconds"] = time.perf_counter() - start
            history.append(record)
            progress.report(record, len(history) - epochs_before)
            if diverged:
                return "diverged"
            completed[...] = workspace.params
            if on_epoch_end is not None and on_epoch_end(dict(record)):
                return "stopped"
            learning_rate.epoch_end(samples_seen)
            if plateau.exhausted:
                watched = "Validation score" if validation_score else "Training loss"
                if not _continue_on_plateau(plateau, learning_rate, progress, watched):
                    return "converged"
        return "max_iter"
    except KeyboardInterrupt:
        if len(history) == epochs_before:
            raise  # no epoch completed: nothing worth keeping
        workspace.params[...] = completed
        return "interrupted"
    finally:
        progress.close()


def _continue_on_plateau(plateau, learning_rate, progress, watched):
    """Lower the learning rate on a plateau, or tell training to stop.

    The messages are scikit-learn's, printed when ``verbose``.
    """
    message = (
        f"{watched} did not improve more than tol={plateau.tol:f} for "
        f"{int(plateau.patience)} consecutive epochs."
    )
    if learning_rate.reduce_on_plateau():
        progress.say(f"{message} Setting learning rate to {learning_rate.current:f}")
        plateau.count = 0
        return True
    if learning_rate.schedule == "adaptive":
        message += " Learning rate too small."
    progress.say(message + " Stopping.")
    return False


class Progress:
    """Reports epochs: scikit-learn's lines on stdout, a tqdm bar, both or neither.

    Parameters
    ----------
    verbose : bool
        Print ``Iteration N, loss = ...`` per epoch, as scikit-learn's MLP does.
    bar : bool
        Draw a tqdm bar over ``total`` epochs; tqdm must be installed.
    total : int
    """

    def __init__(self, verbose, bar, total):
        self.verbose = verbose
        self.bar = None
        if bar:
            try:
                from tqdm.auto import tqdm
            except ImportError as error:
                raise ImportError(
                    "progress_bar=True draws the bar with tqdm, which is not "
                    'installed: pip install "skneuron[progress]".'
                ) from error

            self.bar = tqdm(total=total, unit="epoch", leave=True)

    def report(self, record, n_iter):
        """Show one epoch, the ``n_iter``-th of this call (scikit-learn's count)."""
        if self.verbose:
            print(f"Iteration {n_iter}, loss = {record['loss']:.8f}")
            if record["validation_score"] is not None:
                print(f"Validation score: {record['validation_score']:f}")
        if self.bar is not None:
            postfix = {"loss": f"{record['loss']:.4g}"}
            if record["validation_score"] is not None:
                postfix["validation"] = f"{record['validation_score']:.4g}"
            self.bar.set_postfix(postfix, refresh=False)
            self.bar.update()

    def say(self, message):
        """Print a message about training, when verbose."""
        if self.verbose:
            print(message)

    def close(self):
        """Close the bar, if any."""
        if self.bar is not None:
            self.bar.close()
