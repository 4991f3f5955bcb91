"""TabularClassifier and TabularRegressor: a network with defaults for tabular data.

A recipe, not a new model: a :class:`~sklearn.compose.ColumnTransformer` that
imputes, scales and one-hot encodes a data frame as it comes (numeric and
categorical columns, missing values), then :class:`NeuronClassifier` or
:class:`NeuronRegressor` with the settings the real-data benchmark
(``benchmarks/real_data.py``) chose. Every choice is a parameter.
"""

from numbers import Integral

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._callbacks import open_task
from ._classifier import NeuronClassifier
from ._compat import CallbackSupportMixin, Interval, StrOptions, _fit_context
from ._docs import fill_tabular
from ._monotonic import check_monotonic_cst
from ._preprocessing import SCALINGS, make_preprocessor, preprocessed_monotonic_cst
from ._regressor import NeuronRegressor


def _forget_routing_requests(obj):
    """Remove the metadata requests set for one fit from ``obj`` and its parts.

    They served the fit only, and each points back at its owner, a cycle that
    skops cannot save.
    """
    if isinstance(obj, BaseEstimator):
        vars(obj).pop("_metadata_request", None)
        obj = vars(obj)
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, list | tuple):
        for child in obj:
            _forget_routing_requests(child)


# The parameters handed to the network as they are.
_NETWORK_PARAMS = (
    "hidden_layer_sizes",
    "activation",
    "solver",
    "alpha",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "max_iter",
    "tol",
    "n_iter_no_change",
    "validation_fraction",
    "dropout",
    "random_state",
    "verbose",
    "n_ensemble",
    "input_scale",
    "numeric_embedding",
    "embedding_size",
    "frequency_scale",
    "dtype",
)


class _TabularBase(CallbackSupportMixin, BaseEstimator):
    _network_params = _NETWORK_PARAMS
    _parameter_constraints: dict = {
        "clip_outliers": ["boolean"],
        "scaling": [StrOptions(set(SCALINGS))],
        "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "min_validation_samples": [Interval(Integral, 1, None, closed="left")],
        "monotonic_cst": ["array-like", dict, None],
        **{
            name: constraint
            for name, constraint in NeuronClassifier._parameter_constraints.items()
            if name in _NETWORK_PARAMS
        },
    }

    def _neuron_estimator(self, n_samples):
        """The unfitted NeuronClassifier or NeuronRegressor of the recipe."""
        params = {name: getattr(self, name) for name in self._network_params}
        early = self.early_stopping
        if early == "auto":
            early = n_samples * self.validation_fraction >= self.min_validation_samples
        estimator = self._estimator_class(early_stopping=early, **params)
        return estimator.set_fit_request(sample_weight=True)

    def _check_X(self, X, reset):
        """Feature names and count checked; arrays (not data frames) made numeric.

        A data frame goes to the column transformer as it is, its columns typed.
        """
        if hasattr(X, "columns"):
            return validate_data(self, X, reset=reset, skip_check_array=True)
        categorical = self.categorical_features
        numeric = categorical is None or isinstance(categorical, str)
        return validate_data(
            self,
            X,
            reset=reset,
            dtype="numeric" if numeric else None,
            ensure_all_finite="allow-nan",
        )

    def _fit_model(self, X, y, sample_weight, task):
        """Fit the preprocessing and the network; ``X`` checked, ``y`` encoded.

        The sample weights reach every step that learns from the rows, through
        scikit-learn's metadata routing, as a Pipeline routes them: the scaling's
        means and deviations are weighted as the loss is. The two steps are
        fitted here rather than by the Pipeline, each one subtask of ``task``,
        so that scikit-learn's auto-propagated callbacks (``ProgressBar``) reach
        the network one level down, as from a Pipeline, and show its epochs.
        """
        cst = check_monotonic_cst(
            self.monotonic_cst,
            self.n_features_in_,
            getattr(self, "feature_names_in_", None),
        )
        with config_context(enable_metadata_routing=True):
            preprocessor = make_preprocessor(
                X,
                self.categorical_features,
                self.max_categories,
                self.clip_outliers,
                self.scaling,
            )
            network = self._neuron_estimator(len(X))
            routing = preprocessor.get_metadata_routing()
            consumed = routing.consumes("fit_transform", ["sample_weight"])
            weights = {name: sample_weight for name in consumed}
            with task.step("fit-transform-preprocessor"):
                Xt = preprocessor.fit_transform(X, y, **weights)
            if cst is not None:
                cst = preprocessed_monotonic_cst(preprocessor, cst, Xt.shape[1])
                network.set_params(monotonic_cst=cst)
            if self.numeric_embedding is not None:
                # The standardized numeric columns only, never one-hot ones; a
                # constrained column passes through, an embedding is not monotone.
                numeric = np.arange(Xt.shape[1])[
                    preprocessor.output_indices_["remainder"]
                ]
                if cst is not None:
                    numeric = numeric[cst[numeric] == 0]
                network.set_params(embedded_features=numeric)
            with task.step("fit-network", network):
                network.fit(Xt, y, sample_weight=sample_weight)
        self.model_ = Pipeline([("preprocessor", preprocessor), ("network", network)])
        _forget_routing_requests(self.model_)
        self.preprocessor_ = preprocessor
        self.network_ = network
        self.n_iter_ = network.n_iter_
        return self

    def _open_task(self, X, y, sample_weight):
        """The fit's task for scikit-learn's callbacks: two steps."""
        return open_task(self, X, y, sample_weight, max_subtasks=2)

    def predict(self, X):
        """Predict for the rows of ``X``.

        Parameters
        ----------
        X : {array-like, data frame} of shape (n_samples, n_features)
            Data in the layout of the training data; missing values allowed.

        Returns
        -------
        ndarray
            Predicted classes or values.
        """
        check_is_fitted(self)
        return self.model_.predict(self._check_X(X, reset=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


@fill_tabular
class TabularClassifier(ClassifierMixin, _TabularBase):
    """Multi-layer perceptron classifier with defaults for tabular data.

    Takes a data frame as it comes, numeric and categorical columns with missing
    values, as :class:`~sklearn.ensemble.HistGradientBoostingClassifier` does:
    imputes, standardizes (with smooth clipping) and one-hot encodes it, then
    trains a :class:`NeuronClassifier` that stops early on the cross-entropy of
    a validation split and keeps its best epoch. Its defaults were chosen on the
    real data sets of ``benchmarks/real_data.py``; ``NeuronClassifier`` keeps
    scikit-learn's.

    Parameters
    ----------
    {shared_parameters}

    class_weight : dict, "balanced" or None, default=None
        As in :class:`NeuronClassifier`.

    label_smoothing : float in [0, 1), default=0.1
        As in :class:`NeuronClassifier`, whose default is 0.

    validation_scoring : {"accuracy", "log_loss"}, default="log_loss"
        The score early stopping watches, as in :class:`NeuronClassifier`,
        whose default is ``"accuracy"``. The held-out accuracy stops rising
        before the rarer classes are learned: on hpc-class (4 imbalanced
        classes) it stopped at 78 epochs on average, the cross-entropy at 151,
        and the accuracy rose from 0.775 to 0.785 (the recall of the
        second-rarest class from 0.44 to 0.47). On the classification data
        sets of the development half of the real-data benchmark it scored at
        least as well on 10 of 11 (smokeban-smoker -0.0005), a mean gap to the
        best model of -0.0124 against -0.0135 over all 22 data sets, for 23%
        more fit time.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.

    {shared_attributes}

    See Also
    --------
    TabularRegressor : The same recipe for real-valued targets.
    NeuronClassifier : The network, with scikit-learn's defaults.

    Examples
    --------
    >>> from skneuron import TabularClassifier
    >>> import pandas as pd
    >>> X = pd.DataFrame({"size": [1.0, 2.0, None, 4.0] * 25,
    ...                   "color": ["red", "blue", "blue", None] * 25})
    >>> y = [0, 1, 1, 0] * 25
    >>> clf = TabularClassifier(random_state=0).fit(X, y)
    >>> clf.preprocessor_.get_feature_names_out().tolist()
    ['color_blue', 'color_red', 'size']
    >>> clf.score(X, y)
    1.0
    """

    _estimator_class = NeuronClassifier
    _parameter_constraints: dict = {
        **_TabularBase._parameter_constraints,
        **{
            name: NeuronClassifier._parameter_constraints[name]
            for name in ("class_weight", "label_smoothing", "validation_scoring")
        },
    }

    def __init__(
        self,
        *,
        scaling="standard",
        clip_outliers=True,
        categorical_features="from_dtype",
        max_categories=32,
        hidden_layer_sizes=(100,),
        activation="relu",
        solver="adam",
        alpha=1e-4,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=1e-3,
        max_iter=200,
        tol=1e-4,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=50,
        min_validation_samples=50,
        dropout=0.0,
        class_weight=None,
        label_smoothing=0.1,
        validation_scoring="log_loss",
        random_state=None,
        verbose=False,
        monotonic_cst=None,
        n_ensemble=1,
        input_scale=False,
        numeric_embedding="periodic",
        embedding_size=8,
        frequency_scale=0.3,
        dtype="auto",
    ):
        self.scaling = scaling
        self.clip_outliers = clip_outliers
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.min_validation_samples = min_validation_samples
        self.dropout = dropout
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing
        self.validation_scoring = validation_scoring
        self.random_state = random_state
        self.verbose = verbose
        self.monotonic_cst = monotonic_cst
        self.n_ensemble = n_ensemble
        self.input_scale = input_scale
        self.numeric_embedding = numeric_embedding
        self.embedding_size = embedding_size
        self.frequency_scale = frequency_scale
        self.dtype = dtype

    def _neuron_estimator(self, n_samples):
        estimator = super()._neuron_estimator(n_samples)
        return estimator.set_params(
            class_weight=self.class_weight,
            label_smoothing=self.label_smoothing,
            validation_scoring=self.validation_scoring,
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the preprocessing and the network.

        Parameters
        ----------
        X : {array-like, data frame} of shape (n_samples, n_features)
            Training data; missing values allowed.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : TabularClassifier
        """
        X = self._check_X(X, reset=True)
        task = self._open_task(X, y, sample_weight)
        self._fit_model(X, y, sample_weight, task)
        self.classes_ = self.network_.classes_
        task.end()
        return self

    def predict_proba(self, X):
        """Probability of each class for the rows of ``X``.

        Parameters
        ----------
        X : {array-like, data frame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.model_.predict_proba(self._check_X(X, reset=False))


@fill_tabular
class TabularRegressor(RegressorMixin, _TabularBase):
    """Multi-layer perceptron regressor with defaults for tabular data.

    The recipe of :class:`TabularClassifier` for real-valued targets, which it
    also standardizes (and predictions back): a network's squared error and
    learning rate assume targets of unit scale.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "gamma", "poisson", "quantile"}, \
            default="squared_error"
        The loss, as in :class:`NeuronRegressor`.

    quantile : float, array-like of float or None, default=None
        The quantile level(s) of ``loss="quantile"``, as in
        :class:`NeuronRegressor`: a sorted list fits non-crossing quantiles of one
        target, predicted as shape ``(n_samples, n_quantiles)``.

    {shared_parameters}

    scale_target : bool, default=True
        Standardize the targets (weighted by ``sample_weight``) for training, and
        predict in their original scale. A median or a quantile of standardized
        targets maps back linearly, so the scaling holds for every loss; for the
        Poisson and gamma losses, whose targets must stay non-negative and
        positive, the targets are divided by their standard deviation but not
        centered (and the log-link model is unchanged by that division up to
        its output bias).

    Attributes
    ----------
    {shared_attributes}

    target_scaler_ : StandardScaler or None
        The targets' scaling, None without ``scale_target``.

    See Also
    --------
    TabularClassifier : The same recipe for class labels.
    NeuronRegressor : The network, with scikit-learn's defaults.

    Examples
    --------
    >>> import numpy as np
    >>> from skneuron import TabularRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = 1000 * X[:, 0] + 5000
    >>> reg = TabularRegressor(random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.99)
    True
    """

    _estimator_class = NeuronRegressor
    _parameter_constraints: dict = {
        **_TabularBase._parameter_constraints,
        "scale_target": ["boolean"],
        "loss": NeuronRegressor._parameter_constraints["loss"],
        "quantile": NeuronRegressor._parameter_constraints["quantile"],
    }
    _network_params = (*_NETWORK_PARAMS, "loss", "quantile")

    def __init__(
        self,
        *,
        loss="squared_error",
        quantile=None,
        scaling="standard",
        clip_outliers=True,
        categorical_features="from_dtype",
        max_categories=32,
        hidden_layer_sizes=(100,),
        activation="relu",
        solver="adam",
        alpha=1e-4,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=1e-3,
        max_iter=200,
        tol=1e-4,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=50,
        min_validation_samples=50,
        dropout=0.0,
        scale_target=True,
        random_state=None,
        verbose=False,
        monotonic_cst=None,
        n_ensemble=1,
        input_scale=False,
        numeric_embedding="periodic",
        embedding_size=8,
        frequency_scale=0.3,
        dtype="auto",
    ):
        self.loss = loss
        self.quantile = quantile
        self.scaling = scaling
        self.clip_outliers = clip_outliers
        self.categorical_features = categorical_features
        self.max_categories = max_categories
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.min_validation_samples = min_validation_samples
        self.dropout = dropout
        self.scale_target = scale_target
        self.random_state = random_state
        self.verbose = verbose
        self.monotonic_cst = monotonic_cst
        self.n_ensemble = n_ensemble
        self.input_scale = input_scale
        self.numeric_embedding = numeric_embedding
        self.embedding_size = embedding_size
        self.frequency_scale = frequency_scale
        self.dtype = dtype

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the preprocessing and the network.

        Parameters
        ----------
        X : {array-like, data frame} of shape (n_samples, n_features)
            Training data; missing values allowed.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : TabularRegressor
        """
        X = self._check_X(X, reset=True)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        y = check_array(y, input_name="y", ensure_2d=False, dtype="numeric")
        # The task scores the recipe against the targets as given, never scaled.
        task = self._open_task(X, y, sample_weight)
        self.target_scaler_ = None
        if self.scale_target:
            # Log-link losses need y > 0 (gamma) or y >= 0 (Poisson): no centering.
            center = self.loss not in {"poisson", "gamma"}
            self.target_scaler_ = StandardScaler(with_mean=center).fit(
                y.reshape(len(y), -1), sample_weight=sample_weight
            )
            y = self.target_scaler_.transform(y.reshape(len(y), -1)).reshape(y.shape)
        self._fit_model(X, y, sample_weight, task)
        task.end()
        return self

    def predict(self, X):
        """Predict the targets of the rows of ``X``.

        Parameters
        ----------
        X : {array-like, data frame} of shape (n_samples, n_features)
            Data in the layout of the training data; missing values allowed.

        Returns
        -------
        ndarray of shape (n_samples,), (n_samples, n_outputs) or \
                (n_samples, n_quantiles)
        """
        predictions = super().predict(X)
        if self.target_scaler_ is None:
            return predictions
        # Linear, column by column; several quantiles of one target share its
        # scaling (a positive scale keeps them in order).
        scaler = self.target_scaler_
        predictions = predictions * scaler.scale_
        return predictions + scaler.mean_ if scaler.with_mean else predictions
