"""What the two estimators share: parameters, ``fit`` as a few calls, predicting.

``fit`` and ``partial_fit`` read as the steps of DESIGN.md: check the data once
(:mod:`._validation`), train (:mod:`._fitting`), publish the result onto the
estimator in one step (:meth:`BaseNeuron._publish`). Each subclass provides its
target object (:mod:`._targets`) through ``_new_target``.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from ._activations import ALIASES, HIDDEN_ACTIVATIONS
from ._callbacks import network_subtasks, open_task
from ._compat import CallbackSupportMixin, Interval, Options, StrOptions
from ._fitting import fit_network
from ._introspection import IntrospectionMixin
from ._network import WEIGHT_INITS
from ._optimizers import OPTIMIZERS
from ._persistence import PersistenceMixin
from ._training import EPOCH_SCHEDULES
from ._validation import raise_if_ragged, validate_fit

ACTIVATION_NAMES = HIDDEN_ACTIVATIONS | {
    alias for alias, name in ALIASES.items() if name in HIDDEN_ACTIVATIONS
}


def _has_finite_sum(X):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.isfinite(X.sum())


def _is_stochastic(estimator):
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers; "
            f"{estimator.solver!r} is not stochastic."
        )
    return True


class BaseNeuron(
    CallbackSupportMixin, PersistenceMixin, IntrospectionMixin, BaseEstimator
):
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
        "learning_rate": [
            StrOptions({"constant", "invscaling", "adaptive", *EPOCH_SCHEDULES})
        ],
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
        "monotonic_cst": ["array-like", dict, None],
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
        "input_scale": ["boolean"],
        "numeric_embedding": [StrOptions({"periodic"}), None],
        "embedded_features": ["array-like", None],
        "embedding_size": [Interval(Integral, 1, None, closed="left")],
        "frequency_scale": [Interval(Real, 0, None, closed="neither")],
    }

    def _new_target(self):
        """The task's target object, not yet fitted (see :mod:`._targets`)."""
        raise NotImplementedError

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        """``fit`` (``incremental=False``) or ``partial_fit``: check, train, publish.

        The first pass is decided here, and only here: training resumes the fitted
        model under ``warm_start`` and in ``partial_fit``, and starts afresh
        otherwise. With scikit-learn's callbacks set (``set_callbacks``, from
        scikit-learn 1.9), the fit is one task with one subtask per epoch or L-BFGS
        iteration (:mod:`._callbacks`); its task ends once the model is published.
        """
        resume = hasattr(self, "_params") and (self.warm_start or incremental)
        data = validate_fit(
            self,
            X,
            y,
            sample_weight,
            resume=resume,
            incremental=incremental,
            classes=classes,
        )
        subtasks = network_subtasks(self, incremental)
        task = open_task(self, data.X, data.y, sample_weight, subtasks)
        self._publish(fit_network(self, data, resume, incremental, task))
        task.end()
        return self

    def _publish(self, result):
        """Write a trained model onto the estimator, every attribute in one step."""
        attributes = self._fitted_attributes(result)
        if attributes["feature_names_in_"] is None:
            del attributes["feature_names_in_"]
            vars(self).pop("feature_names_in_", None)
        vars(self).update(attributes)

    def _fitted_attributes(self, result):
        """The fitted attributes, scikit-learn's and skneuron's, of a result."""
        network, history = result.network, result.history
        coefs, intercepts = network.unpack(result.params)
        scores = [r["validation_score"] for r in history]
        stochastic = self.solver != "lbfgs"
        early = result.early_stopping
        losses = [record["loss"] for record in history]
        return {
            "_network": network,
            "_params": result.params,
            "_target": result.data.target,
            "_optimizer_state": result.state.get("optimizer"),
            "_learning_rate": result.state.get("learning_rate"),
            "_plateaus": result.state.get("plateaus", {}),
            "n_features_in_": result.data.n_features_in,
            "feature_names_in_": result.data.feature_names_in,
            "history_": history,
            "t_": result.samples_seen,
            "n_iter_": result.n_iter,
            "loss_": result.loss,
            "coefs_": coefs,
            "intercepts_": intercepts,
            "n_layers_": len(network.layer_sizes),
            "layer_sizes_": network.layer_sizes,
            "layer_activations_": (*network.activations, network.output_activation),
            "n_outputs_": network.layer_sizes[-1],
            "out_activation_": network.output_activation,
            # A copy: the flat vector's view would not survive pickling.
            "ensemble_scales_": (
                network.scales(result.params).copy() if network.n_members > 1 else None
            ),
            "loss_curve_": losses,
            # From the history, never from a stopping rule's state.
            "best_loss_": min(losses) if stochastic and not early else None,
            "validation_scores_": (
                [s for s in scores if s is not None] if early else None
            ),
            "best_validation_score_": (
                max(
                    (s for s in scores if s is not None and not np.isnan(s)),
                    default=-np.inf,
                )
                if early
                else None
            ),
        }

    def _forward(self, X):
        """Validated forward pass of ``X`` through the fitted network."""
        X = self._validate_for_predict(X)  # first: it raises NotFittedError
        return self._network.predict(self._params, X)

    def _validate_for_predict(self, X):
        """``X`` checked against the fitted model, as an ndarray or CSR matrix."""
        if self._is_plain_valid_array(X):
            return X
        check_is_fitted(self)
        try:
            X = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                reset=False,
            )
        except ValueError as error:
            raise_if_ragged(error, X=X)
            raise
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
