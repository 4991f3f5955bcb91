"""Shared estimator logic: parameters, validation, and fit orchestration."""

import copy
import functools
import inspect
import warnings
from contextlib import contextmanager, nullcontext
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from . import _activations, _losses
from ._compat import (
    Interval,
    Options,
    StrOptions,
    _check_optimize_result,
    _check_sample_weight,
)
from ._introspection import IntrospectionMixin
from ._lbfgs import fit_lbfgs
from ._network import WEIGHT_INITS, Network, Workspace
from ._optimizers import OPTIMIZERS
from ._training import BatchReader, LearningRate, Plateau, train
from ._version import __version__

# Below this many flops per matrix product, a second BLAS thread costs more in
# wake-ups and spinning than it saves (measured on 2 cores: products of 4 MFLOP run
# 1.1x faster on 2 threads and whole fits 1.25x slower; 34 MFLOP products run 1.6x
# faster).
_MIN_FLOPS_FOR_BLAS_THREADS = 2e7


def _has_finite_sum(X):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.isfinite(X.sum())


@functools.cache
def _threadpools():
    # Scanning the loaded libraries costs milliseconds, more than a small fit: do
    # it once, at the first fit, when numpy's and scipy's BLAS are both loaded.
    return ThreadpoolController()


def _blas_threads(network, n_rows):
    """One BLAS thread while training a network whose products are small."""
    largest = 2 * n_rows * max(fan_in * fan_out for fan_in, fan_out in network.shapes)
    if largest < _MIN_FLOPS_FOR_BLAS_THREADS:
        return _threadpools().limit(limits=1, user_api="blas")
    return nullcontext()


# The first sentence is scikit-learn's, which code written for its MLP may match.
_DIVERGED = (
    "Solver produced non-finite parameter weights. The input data may contain large "
    "values and need to be preprocessed. Training diverged: the {what} became "
    "non-finite, so the model was left as it was. Scale the input (for example with "
    "StandardScaler) or lower learning_rate_init."
)
ACTIVATION_NAMES = {*_activations.ACTIVATIONS, *_activations.ALIASES}


class InconsistentVersionWarning(UserWarning):
    """A model is loaded by another skneuron version than the one that saved it.

    Its attributes were written by code that may have meant them differently:
    predictions may be wrong, or loading may fail later. Refit, or load it with
    the version in the message.
    """


def _is_stochastic(estimator):
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers; "
            f"{estimator.solver!r} is not stochastic."
        )
    return True


def _validate_data(estimator, X, y="no_validation", **kwargs):
    """scikit-learn's ``validate_data``, with a clear error for ragged input.

    numpy refuses to make an array of rows of different lengths with a message
    about "inhomogeneous shape" that names neither ``X`` nor ``y``.
    """
    try:
        return validate_data(estimator, X, y, **kwargs)
    except ValueError as error:
        for name, value in (("X", X), ("y", y)):
            if isinstance(value, list | tuple) and _is_ragged(value):
                raise ValueError(
                    f"{name} is ragged: its rows have different lengths. Every "
                    "sample needs the same number of "
                    + ("features." if name == "X" else "targets.")
                ) from error
        raise


def _is_ragged(rows):
    try:
        np.asarray(rows)
    except ValueError:
        return True
    return False


@contextmanager
def _rollback_on_error(estimator):
    """Restore the estimator's attributes if the block raises.

    Training works on copies of the parameters and optimizer state, so the old
    attribute values are intact and a failed fit leaves the model as it was.
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved)
        raise


class BaseNeuron(IntrospectionMixin, BaseEstimator):
    """Logic shared by :class:`NeuronClassifier` and :class:`NeuronRegressor`."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(ACTIVATION_NAMES), "array-like"],
        "solver": [StrOptions({"lbfgs", *OPTIMIZERS})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "weight_init": [StrOptions({"auto", *WEIGHT_INITS})],
        "leaky_relu_slope": [Interval(Real, 0, 1, closed="left")],
        "callbacks": [list, tuple, None],
        "progress_bar": ["boolean"],
        "dtype": [
            StrOptions({"auto", "float32", "float64"}),
            Options(type, {np.float32, np.float64}),
        ],
    }

    # -- what the subclasses provide ------------------------------------------------
    # _encode_targets(y, first_pass, incremental) -> (y, Y): y checked, and Y, the
    #     2-D targets of the network
    # _output_activation(loss) -> name of the output activation
    # _score_outputs(outputs, y, sample_weight) -> validation score, higher is better
    # _weigh_samples(y, sample_weight, incremental) -> sample weights, or None
    # _stratify(Y) -> labels to stratify the validation split on, or None
    # _training_targets(Y) -> the targets the loss sees, after the validation split

    def _hidden_layers(self):
        """Validated hidden layer sizes, canonical activation names, dropout rates."""
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        if not all(isinstance(n, Integral) and n > 0 for n in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {sizes}."
            )
        activations = self._per_layer("activation", sizes, str)
        rates = self._per_layer("dropout", sizes, Real)
        if not all(0 <= rate < 1 for rate in rates):
            raise ValueError(f"dropout rates must be in [0, 1), got {rates}.")
        if any(rates) and self.solver == "lbfgs":
            raise ValueError(
                "dropout needs a stochastic solver: L-BFGS minimizes one fixed "
                "full-batch loss. Use solver='adam' or 'sgd', or dropout=0."
            )
        return sizes, [_activations.resolve_activation(a) for a in activations], rates

    def _per_layer(self, name, sizes, kind):
        """A parameter given once for all hidden layers, or once per hidden layer."""
        value = getattr(self, name)
        if isinstance(value, kind):
            return [value] * len(sizes)
        value = list(value)
        if len(value) != len(sizes):
            raise ValueError(
                f"{name} has {len(value)} entries but there are {len(sizes)} hidden "
                "layers; give one value, or one per hidden layer."
            )
        return value

    def _compute_dtype(self, X, first_pass):
        """The floating type of the weights and the arithmetic.

        ``"auto"`` follows the input, as scikit-learn's MLP does: float32 for float32
        ``X``, float64 for anything else; but L-BFGS always works in float64, as
        scikit-learn's does (scipy hands it float64 weights, which promote every
        product), and as its line search needs. A model keeps its type once fitted.
        """
        if not first_pass:
            return self._params.dtype.type
        if self.dtype == "auto":
            return np.float64 if self.solver == "lbfgs" else X.dtype.type
        return np.dtype(self.dtype).type

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} "
                "training samples; it is clipped to that.",
                UserWarning,
                stacklevel=4,
            )
        return min(self.batch_size, n_samples)

    def _fit(self, X, y, sample_weight=None, incremental=False):
        with _rollback_on_error(self):
            return self._fit_or_rollback(X, y, sample_weight, incremental)

    def _fit_or_rollback(self, X, y, sample_weight, incremental):
        sizes, activations, dropout = self._hidden_layers()
        first_pass = not hasattr(self, "_params") or not (
            self.warm_start or incremental
        )
        X, y = _validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=is_regressor(self),
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        # scikit-learn draws the initial weights in the input's type, even where
        # it then computes in float64 (L-BFGS on float32 input): so do we.
        init_dtype = X.dtype
        # At most one copy of X: to the compute dtype, and CSR for row batches.
        X = X.astype(self._compute_dtype(X, first_pass), copy=False)
        if sp.issparse(X):
            X = X.tocsr()
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
            if (sample_weight < 0).any():
                raise ValueError(
                    "sample_weight has negative values; weights must be >= 0."
                )
        y, Y = self._encode_targets(y, first_pass, incremental)
        sample_weight = self._weigh_samples(y, sample_weight, incremental)
        if sample_weight is not None:
            sample_weight = sample_weight.astype(X.dtype, copy=False)
        Y = Y.astype(X.dtype, copy=False)
        loss = _losses.ALIASES.get(self.loss, self.loss)
        network = Network(
            (X.shape[1], *sizes, Y.shape[1]),
            activations,
            self._output_activation(loss),
            self.leaky_relu_slope,
        )
        self._random_state = random_state = check_random_state(self.random_state)
        if first_pass:
            params = network.init_params(random_state, init_dtype, self.weight_init)
            params = params.astype(X.dtype, copy=False)
            self.t_ = 0
            self.history_ = []
            self._plateau = Plateau(self.tol, self.n_iter_no_change)
        elif network.layer_sizes != self._network.layer_sizes:
            raise ValueError(
                f"The network has layer sizes {self._network.layer_sizes} but the "
                f"new data and parameters call for {network.layer_sizes}; "
                "warm_start and partial_fit cannot change the architecture."
            )
        else:
            params = self._params.astype(X.dtype)  # a copy: train, then commit

        # Extend a copy of the history, so that a failed fit leaves it untouched.
        self.history_ = list(self.history_)
        # A diverging fit overflows; that is caught below and reported as one clear
        # error instead of a stream of numpy warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            if self.solver == "lbfgs":
                self._run_lbfgs(network, params, X, Y, sample_weight, loss)
            else:
                self._run_stochastic(
                    network, params, X, Y, y, sample_weight, loss, incremental, dropout
                )
        if not np.isfinite(params).all():
            raise ValueError(_DIVERGED.format(what="weights"))
        self._set_fitted(network, params)
        return self

    def _training_targets(self, Y):
        return Y

    def _run_lbfgs(self, network, params, X, Y, sample_weight, loss):
        Y = self._training_targets(Y)
        workspace = Workspace(network, params, X.shape[0], loss, self.alpha)
        iterations_before = len(self.history_)
        with _blas_threads(network, X.shape[0]):
            result = fit_lbfgs(
                workspace,
                X,
                Y,
                sample_weight,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                history=self.history_,
            )
        if result is None:
            self.n_iter_ = len(self.history_) - iterations_before
            self.loss_ = self.history_[-1]["loss"]
            records = self.history_[iterations_before:]
            self._warn_about_run("interrupted", records, incremental=False)
            return
        self.n_iter_ = _check_optimize_result("lbfgs", result, self.max_iter)
        self.loss_ = float(result.fun)

    def _run_stochastic(
        self, network, params, X, Y, y, sample_weight, loss, incremental, dropout
    ):
        optimizer, state, learning_rate = self._start_or_resume(params, incremental)
        plateau = Plateau(**vars(self._plateau))
        X, Y, sample_weight, validation_score = self._hold_out_validation(
            network, X, Y, y, sample_weight, incremental
        )
        Y = self._training_targets(Y)
        best_params = params.copy() if validation_score else None
        batches = BatchReader(
            X,
            Y,
            sample_weight,
            self._batch_size(X.shape[0]),
            self.shuffle,
            self._random_state,
        )
        # Drawn only when needed: without dropout, the random state serves the
        # shuffles exactly as scikit-learn's does.
        rng = None
        if any(dropout):
            rng = np.random.default_rng(self._random_state.randint(2**31 - 1))
        epochs_before = len(self.history_)
        with _blas_threads(network, batches.batch_size):
            status = train(
                Workspace(
                    network, params, batches.batch_size, loss, self.alpha, dropout, rng
                ),
                batches,
                optimizer,
                state,
                learning_rate=learning_rate,
                max_epochs=1 if incremental else self.max_iter,
                plateau=plateau,
                history=self.history_,
                samples_seen=self.t_,
                validation_score=validation_score,
                best_params=best_params,
                verbose=bool(self.verbose),
                progress_bar=self.progress_bar,
                on_epoch_end=self._epoch_end_callback(),
            )
        if status == "diverged" and not (validation_score and plateau.best > -np.inf):
            raise ValueError(_DIVERGED.format(what="loss"))
        if validation_score:
            params[...] = best_params
        self.n_iter_ = len(self.history_) - epochs_before
        self.t_ += self.n_iter_ * X.shape[0]
        self.loss_ = self.history_[-1]["loss"]
        self._plateau = plateau
        self._optimizer_state = state
        self._learning_rate = learning_rate
        self._warn_about_run(status, self.history_[epochs_before:], incremental)

    def _warn_about_run(self, status, records, incremental):
        """Warn about a stochastic run that did not end as it should have."""
        unit = "iteration" if self.solver == "lbfgs" else "epoch"
        kept = "the best epoch" if self.early_stopping else f"the last {unit}"
        if status == "interrupted":
            message = (
                f"Training interrupted by the user after {len(records)} {unit}s: the "
                f"model keeps the weights of {kept}. It is fitted and predicts."
            )
            warnings.warn(message, UserWarning, stacklevel=5)
        elif status == "diverged":
            message = (
                f"Training diverged at epoch {records[-1]['epoch']}: its loss is not "
                f"finite. The model keeps the weights of {kept}. Scale the input "
                "or lower learning_rate_init."
            )
            warnings.warn(message, ConvergenceWarning, stacklevel=5)
        elif status == "max_iter" and not incremental:
            message = (
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet."
            )
            warnings.warn(message, ConvergenceWarning, stacklevel=5)
        rose = len(records) > 1 and records[-1]["loss"] > records[0]["loss"]
        if rose and self.solver != "lbfgs":  # L-BFGS has no learning rate to blame
            message = (
                f"The training loss rose from {records[0]['loss']:.6g} after the "
                f"first epoch to {records[-1]['loss']:.6g} after the last: the "
                "learning rate is probably too high. Lower learning_rate_init."
            )
            warnings.warn(message, ConvergenceWarning, stacklevel=5)

    def _epoch_end_callback(self):
        """The user's callbacks as one function of the epoch record, or None."""
        callbacks = list(self.callbacks or [])
        for callback in callbacks:
            if not callable(callback):
                raise TypeError(
                    f"callbacks must be callables taking (estimator, record), got "
                    f"{callback!r}."
                )
        if not callbacks:
            return None
        # Every callback sees every epoch; any of them may ask to stop.
        return lambda record: any([callback(self, record) for callback in callbacks])

    def _start_or_resume(self, params, incremental):
        """The optimizer, its state and the learning rate for this call.

        ``partial_fit`` resumes from copies of the previous call's state (so that a
        failed call changes nothing); ``fit`` starts afresh, as scikit-learn does.
        """
        optimizer = self._optimizer()
        if incremental and hasattr(self, "_optimizer_state"):
            state = copy.deepcopy(self._optimizer_state)
            learning_rate = copy.copy(self._learning_rate)
        else:
            state = optimizer.init(params)
            schedule = self.learning_rate if self.solver == "sgd" else "constant"
            learning_rate = LearningRate(
                self.learning_rate_init, schedule, self.power_t
            )
        return optimizer, state, learning_rate

    def _hold_out_validation(self, network, X, Y, y, sample_weight, incremental):
        """Split off the early-stopping validation set, when there is one.

        Returns the training part of ``X``, ``Y`` and ``sample_weight`` and a
        function scoring parameters on the held-out part, or None.
        """
        if not self.early_stopping:
            return X, Y, sample_weight, None
        if incremental:
            # One partial_fit call is one epoch: there is no run of epochs to stop
            # early. scikit-learn's message, which its users may match.
            raise ValueError(
                "partial_fit does not support early_stopping=True: one call trains "
                "one epoch on the data given. Set early_stopping=False."
            )
        # Split first, then check, in scikit-learn's order: data too small to
        # stratify raises train_test_split's error, as there.
        arrays = [X, Y, y] + ([] if sample_weight is None else [sample_weight])
        split = train_test_split(
            *arrays,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=self._stratify(Y),
        )
        if split[1].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or "
                f"the size of your dataset: validation_fraction="
                f"{self.validation_fraction} of {X.shape[0]} samples holds "
                f"{split[1].shape[0]}, and early stopping needs at least 2."
            )
        X, X_val, Y, _, _, y_val = split[:6]
        sample_weight, sw_val = split[6:] if sample_weight is not None else (None, None)

        def validation_score(params):
            outputs = network.predict(params, X_val)
            return self._score_outputs(outputs, y_val, sw_val)

        return X, Y, sample_weight, validation_score

    def _optimizer(self):
        optimizer = OPTIMIZERS[self.solver]
        names = inspect.signature(optimizer).parameters
        return optimizer(**{name: getattr(self, name) for name in names})

    def _set_fitted(self, network, params):
        """Publish the trained model: the flat vector and the attributes from it."""
        self._network = network
        self._params = params
        self.coefs_, self.intercepts_ = network.unpack(params)
        self.n_layers_ = len(network.layer_sizes)
        self.layer_sizes_ = network.layer_sizes
        self.layer_activations_ = (*network.activations, network.output_activation)
        self.n_outputs_ = network.layer_sizes[-1]
        self.out_activation_ = network.output_activation
        self.loss_curve_ = [record["loss"] for record in self.history_]
        scores = [r["validation_score"] for r in self.history_]
        if self.solver == "lbfgs":
            self.best_loss_ = self.validation_scores_ = None
            self.best_validation_score_ = None
        elif scores[-1] is not None:  # the plateau rule watched validation scores
            self.best_loss_ = None
            self.validation_scores_ = [s for s in scores if s is not None]
            self.best_validation_score_ = self._plateau.best
        else:
            self.best_loss_ = -self._plateau.best
            self.validation_scores_ = self.best_validation_score_ = None

    def _forward(self, X):
        """Validated forward pass of ``X`` through the fitted network."""
        X = self._validate_for_predict(X)  # first: it raises NotFittedError
        return self._network.predict(self._params, X)

    def _validate_for_predict(self, X):
        """``X`` checked against the fitted model, as an ndarray or CSR matrix."""
        if self._is_plain_valid_array(X):
            return X
        check_is_fitted(self)
        X = _validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        return X.tocsr() if sp.issparse(X) else X

    def _is_plain_valid_array(self, X):
        """Whether ``X`` passes, cheaply, every check ``validate_data`` would make.

        A float ndarray of the right shape, with finite values, for a model fitted
        without feature names: the common case, whose full validation costs several
        times a small network's forward pass. Anything else (lists, data frames,
        sparse matrices, other dtypes, NaN or inf, wrong shapes, an unfitted model)
        takes the full path, which raises scikit-learn's errors and warnings.
        """
        return (
            type(X) is np.ndarray
            and X.dtype in (np.float32, np.float64)
            and X.ndim == 2
            and X.shape[0] > 0
            and hasattr(self, "_params")
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            # A finite sum means finite values (an overflow only sends X the long way).
            and _has_finite_sum(X)
        )

    # Views into the flat vector do not survive pickling or deep copies: drop them
    # and rebuild them from the vector when loading. From a copy of the state:
    # saving must never change the model saved.
    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("coefs_", None)
        state.pop("intercepts_", None)
        state["_skneuron_version"] = __version__
        return state

    def __setstate__(self, state):
        saved_by = state.pop("_skneuron_version", "unknown")
        if saved_by != __version__:
            warnings.warn(
                f"Loading {type(self).__name__} saved by skneuron {saved_by} with "
                f"skneuron {__version__}: this might give wrong results or fail. "
                "Refit it, or load it with the version that saved it.",
                InconsistentVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
        if "_params" in state:
            self.coefs_, self.intercepts_ = self._network.unpack(self._params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
