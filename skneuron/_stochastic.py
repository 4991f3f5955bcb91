"""What a mini-batch run is built from: stopping rule, optimizer, batches, buffers.

Each function reads the estimator's parameters (and, when training resumes, its
fitted state, which it copies) and returns one piece of a :class:`~._training.Run`.
With ``early_stopping``, the stopping rule holds out scikit-learn's validation
split.
"""

import copy
import inspect
import warnings

import numpy as np
from sklearn.model_selection import train_test_split

from ._callbacks import user_callbacks
from ._optimizers import OPTIMIZERS
from ._progress import Progress
from ._training import (
    EPOCH_SCHEDULES,
    BatchReader,
    EarlyStopping,
    LearningRate,
    LossPlateau,
    Plateau,
    Run,
)


def build_run(estimator, data, network, params, history, how, rng, project=None):
    """The :class:`~._training.Run` of one ``fit`` or ``partial_fit`` call.

    ``how`` is ``(resume, incremental)``; ``rng`` the fit's random state, which
    draws the validation split, then the dropout seed, then the shuffles;
    ``project`` the constraint applied after each step (:mod:`._monotonic`).
    """
    resume, incremental = how
    stopping, X, Y, sample_weight = stopping_rule(
        estimator, data, network, params, resume, incremental, rng
    )
    Y = data.target.training_targets(Y, getattr(estimator, "label_smoothing", 0.0))
    size = batch_size(estimator, X.shape[0])
    batches = BatchReader(X, Y, sample_weight, size, estimator.shuffle, rng)
    optimizer, state, rate = optimizer_and_rate(
        estimator, params, resume and incremental
    )
    max_epochs = 1 if incremental else estimator.max_iter
    return Run(
        workspace(estimator, data, network, params, size, rng),
        batches,
        optimizer,
        state,
        rate,
        stopping,
        history,
        samples_seen=estimator.t_ if resume else 0,
        progress=Progress(bool(estimator.verbose), estimator.progress_bar, max_epochs),
        on_epoch_end=user_callbacks(estimator),
        project=project,
    )


def workspace(estimator, data, network, params, batch_size, random_state):
    # Drawn only when needed: without dropout, the random state serves the
    # shuffles exactly as scikit-learn's does.
    rng = None
    if any(data.dropout):
        rng = np.random.default_rng(random_state.randint(2**31 - 1))
    loss, alpha = data.target.bind_loss(estimator.loss), estimator.alpha
    return network.workspace(params, batch_size, loss, alpha, data.dropout, rng)


def _plateau(estimator, kind, resume):
    """A plateau rule at today's ``tol`` and patience, resuming the fitted count."""
    plateau = Plateau(estimator.tol, estimator.n_iter_no_change)
    previous = estimator._plateaus.get(kind) if resume else None
    if previous is not None:
        plateau.best, plateau.count = previous.best, previous.count
    return plateau


def stopping_rule(estimator, data, network, params, resume, incremental, rng):
    """The stopping rule, and the training part of ``X``, ``Y``, ``sample_weight``.

    With ``early_stopping``, a share of the data is held out, in scikit-learn's
    way, for the validation score.
    """
    X, Y, sample_weight = data.X, data.Y, data.sample_weight
    if not estimator.early_stopping:
        return LossPlateau(_plateau(estimator, "loss", resume)), X, Y, sample_weight
    if incremental:
        # One partial_fit call is one epoch: there is no run of epochs to stop
        # early. scikit-learn's message, which its users may match.
        raise ValueError(
            "partial_fit does not support early_stopping=True: one call trains "
            "one epoch on the data given. Set early_stopping=False."
        )
    fraction = estimator.validation_fraction
    arrays = [X, Y, data.y] + ([] if sample_weight is None else [sample_weight])
    # Split first, then check, in scikit-learn's order: data too small to
    # stratify raises train_test_split's error, as there.
    try:
        split = train_test_split(
            *arrays,
            random_state=rng,
            test_size=fraction,
            stratify=data.target.stratify(Y),
        )
    except ValueError as error:
        raise ValueError(
            f"early_stopping holds out validation_fraction={fraction} of the "
            f"{X.shape[0]} samples: {error}"
        ) from error
    if split[1].shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or "
            f"the size of your dataset: validation_fraction={fraction} of "
            f"{X.shape[0]} samples holds {split[1].shape[0]}, and early stopping "
            "needs at least 2."
        )
    X, X_val, Y, Y_val, _, y_val = split[:6]
    sample_weight, sw_val = split[6:] if sample_weight is not None else (None, None)
    log_loss = getattr(estimator, "validation_scoring", None) == "log_loss"

    def score(params):
        outputs = network.predict(params, X_val)
        if log_loss:
            return data.target.neg_log_loss(outputs, Y_val, sw_val)
        return data.target.score(outputs, y_val, sw_val)

    plateau = _plateau(estimator, "validation", resume)
    return EarlyStopping(plateau, score, params), X, Y, sample_weight


def optimizer_and_rate(estimator, params, resume):
    """The optimizer, its state and the learning rate for this call.

    ``partial_fit`` resumes (``resume``) from copies of the previous call's state;
    ``fit`` starts afresh, as scikit-learn does.
    """
    optimizer = OPTIMIZERS[estimator.solver]
    names = inspect.signature(optimizer).parameters
    optimizer = optimizer(**{name: getattr(estimator, name) for name in names})
    if resume and estimator._optimizer_state is not None:
        state = copy.deepcopy(estimator._optimizer_state)
        return optimizer, state, copy.copy(estimator._learning_rate)
    schedule = estimator.learning_rate
    if schedule not in EPOCH_SCHEDULES and estimator.solver != "sgd":
        schedule = "constant"  # scikit-learn's schedules are sgd's alone
    rate = LearningRate(
        estimator.learning_rate_init,
        schedule,
        estimator.power_t,
        n_epochs=estimator.max_iter,
    )
    return optimizer, optimizer.init(params), rate


def batch_size(estimator, n_samples):
    if estimator.batch_size == "auto":
        return min(200, n_samples)
    if estimator.batch_size > n_samples:
        warnings.warn(
            f"batch_size={estimator.batch_size} is larger than the {n_samples} "
            "training samples; it is clipped to that.",
            UserWarning,
            stacklevel=8,
        )
    return min(estimator.batch_size, n_samples)
