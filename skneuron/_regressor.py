"""NeuronRegressor: real-valued targets on top of the shared logic."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseNeuron, _is_stochastic
from ._compat import Interval, StrOptions, _fit_context
from ._docs import fill
from ._targets import RegressionTarget


class NeuronRegressor(RegressorMixin, BaseNeuron):
    """Multi-layer perceptron regressor.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`: same
    parameters (``loss`` first, as there), defaults and fitted attributes, plus an
    activation per hidden layer, and the losses of
    :class:`~sklearn.ensemble.HistGradientBoostingRegressor`. The output layer is
    linear for the squared and absolute errors and a single quantile, exponential
    (a log link) for the Poisson and gamma losses, and cumulative (non-crossing)
    for several quantiles.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "gamma", "poisson", "quantile"}, \
            default="squared_error"
        The loss, summed over outputs and averaged over samples, with
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`'s names and
        scikit-learn's definitions (``sklearn._loss``):

        - ``"squared_error"``: half the squared error, :math:`(a - y)^2 / 2`;
        - ``"absolute_error"``: :math:`|a - y|`, for the conditional median;
        - ``"poisson"``: half the Poisson deviance, exponential output, ``y >= 0``;
        - ``"gamma"``: half the gamma deviance
          :math:`\\log(a / y) + y / a - 1`, exponential output, ``y > 0``;
        - ``"quantile"``: the pinball loss :math:`\\rho_\\tau(y - a)` with
          :math:`\\rho_\\tau(u) = u\\,(\\tau - 1_{u < 0})`, for the
          conditional quantile of level :math:`\\tau` = ``quantile``.

        The absolute error and the pinball loss are not differentiable at
        :math:`a = y`: training takes the subgradient 0 there.

    quantile : float, array-like of float or None, default=None
        The quantile level(s) of ``loss="quantile"``, strictly between 0 and 1;
        ignored by the other losses, and required by it (as in
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`). A float fits
        that quantile, one output per target column. A sorted list such as
        ``[0.1, 0.5, 0.9]`` fits one network with one output per level, for a
        single target column, whose outputs cannot cross: the first is free, each
        next one adds a softplus (positive) increment. ``predict`` then returns
        shape ``(n_samples, n_quantiles)``, and ``score``, scikit-learn's R², does
        not apply (use :func:`~sklearn.metrics.mean_pinball_loss` per column).
        With ``early_stopping``, the validation score of the absolute error and
        the pinball loss is minus their mean on the held-out data, not R².

    {shared_parameters}

    {monotonic_cst}

    {n_ensemble}
    {input_layer}

    Attributes
    ----------
    {shared_attributes}

    See Also
    --------
    NeuronClassifier : Multi-layer perceptron classifier.

    Examples
    --------
    With no hidden layer and the squared error, the network is a linear model:

    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneuron import NeuronRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> reg = NeuronRegressor(hidden_layer_sizes=(), solver="lbfgs")
    >>> reg = make_pipeline(StandardScaler(), reg).fit(X_train, y_train)
    >>> round(reg.score(X_test, y_test), 2)
    0.36
    """

    _parameter_constraints: dict = {
        **BaseNeuron._parameter_constraints,
        "loss": [StrOptions(set(RegressionTarget.OUTPUT_ACTIVATIONS))],
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like", None],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        quantile=None,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        rho=0.9,
        weight_decay=0.01,
        dropout=0.0,
        weight_init="glorot",
        leaky_relu_slope=0.01,
        callbacks=None,
        progress_bar=False,
        dtype="auto",
        monotonic_cst=None,
        n_ensemble=1,
        input_scale=False,
        numeric_embedding=None,
        embedded_features=None,
        embedding_size=8,
        frequency_scale=0.3,
    ):
        self.loss = loss
        self.quantile = quantile
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.rho = rho
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.weight_init = weight_init
        self.leaky_relu_slope = leaky_relu_slope
        self.callbacks = callbacks
        self.progress_bar = progress_bar
        self.dtype = dtype
        self.monotonic_cst = monotonic_cst
        self.n_ensemble = n_ensemble
        self.input_scale = input_scale
        self.numeric_embedding = numeric_embedding
        self.embedded_features = embedded_features
        self.embedding_size = embedding_size
        self.frequency_scale = frequency_scale

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : NeuronRegressor
            The fitted estimator.
        """
        self._check_levels_kept(incremental=False)
        return self._fit(X, y, sample_weight)

    @available_if(_is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : NeuronRegressor
            The updated estimator.
        """
        self._check_levels_kept(incremental=True)
        return self._fit(X, y, sample_weight, incremental=True)

    def _new_target(self):
        return RegressionTarget(self.loss, self.quantile)

    def _check_levels_kept(self, incremental):
        """Refuse to resume training toward other quantile levels than the model's.

        The fitted target, with its levels, is what a resumed fit trains on: a
        changed ``quantile`` would be silently ignored.
        """
        fitted = getattr(self, "_target", None)
        if fitted is None or not (self.warm_start or incremental):
            return
        levels = RegressionTarget(self.loss, self.quantile).levels
        if not np.array_equal(
            np.atleast_1d(fitted.levels), np.atleast_1d(levels)
        ) or fitted.several != (np.ndim(self.quantile) == 1):
            raise ValueError(
                f"quantile={self.quantile!r} differs from the levels the model was "
                f"fitted with, {fitted.levels}; warm_start and partial_fit keep them. "
                "Fit without warm_start to change them."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = self.loss in {"poisson", "gamma"}
        return tags

    def predict(self, X):
        """Predict with the multi-layer perceptron.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        outputs = self._forward(X)  # first: it raises NotFittedError
        return self._target.decode(outputs)


NeuronRegressor.__doc__ = fill(NeuronRegressor.__doc__)
