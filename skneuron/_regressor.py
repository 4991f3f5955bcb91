"""NeuronRegressor: real-valued targets on top of the shared logic."""

from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseNeuron, _is_stochastic
from ._compat import StrOptions, _fit_context
from ._docs import fill
from ._targets import RegressionTarget


class NeuronRegressor(RegressorMixin, BaseNeuron):
    """Multi-layer perceptron regressor.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`: same
    parameters (``loss`` first, as there), defaults and fitted attributes, plus an
    activation per hidden layer. The output layer is linear for the squared error
    and exponential (a log link) for the Poisson loss.

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"`` is half the squared error, summed over outputs and
        averaged over samples; ``"poisson"`` is half the Poisson deviance, with an
        exponential output, and requires ``y >= 0``.

    {shared_parameters}

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
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
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
    ):
        self.loss = loss
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
        return self._fit(X, y, sample_weight, incremental=True)

    def _new_target(self):
        return RegressionTarget(self.loss)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = self.loss == "poisson"
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
