"""NeuronClassifier: label encoding and probabilities on top of the shared logic."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseNeuron, _is_stochastic
from ._compat import Interval, StrOptions, _fit_context
from ._docs import fill
from ._targets import ClassificationTarget


class NeuronClassifier(ClassifierMixin, BaseNeuron):
    """Multi-layer perceptron classifier.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`: same
    parameters, defaults and fitted attributes, plus a choice of ``loss`` and of
    activation per hidden layer. The output layer is a softmax for multi-class
    targets and a logistic unit per output for binary and multilabel targets.

    Parameters
    ----------
    {shared_parameters}

    loss : {"log_loss", "cross_entropy", "squared_error"}, default="log_loss"
        ``"log_loss"`` (also ``"cross_entropy"``) is the cross-entropy of the
        predicted probabilities. ``"squared_error"`` is half the squared distance
        between them and the one-hot targets, summed over classes; the output
        activation is the same, so ``predict_proba`` remains a probability.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, ``{label: weight}``; ``"balanced"`` weighs each
        class by ``n_samples / (n_classes * count)``. They multiply
        ``sample_weight``, as in other scikit-learn classifiers. ``"balanced"`` is
        not available with ``partial_fit``, whose batches do not tell the class
        frequencies of the whole data.

    label_smoothing : float in [0, 1), default=0.0
        Train on targets that move this share of each label's probability to
        the uniform distribution over the classes (over the two values of each
        output, for binary and multilabel targets): ``y (1 - e) + e / k``. It
        keeps the network from pushing its outputs to 0 and 1, a regularization
        that can lift accuracy; the validation score and ``score`` still use the
        true labels. scikit-learn's MLP has no such parameter (0).

    validation_scoring : {"accuracy", "log_loss"}, default="accuracy"
        The validation score of ``early_stopping``: accuracy, as scikit-learn's
        MLP scores, or minus the cross-entropy of the predicted probabilities
        (with the true labels), as
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` stops on its
        loss. Accuracy moves in steps of one held-out row and stops rising long
        before the probabilities of the rarer classes are learned; the
        cross-entropy keeps improving with them. ``validation_scores_`` holds
        the chosen score.

    {monotonic_cst}

    {n_ensemble}
    {input_layer}

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels of each output.

    {shared_attributes}

    See Also
    --------
    NeuronRegressor : Multi-layer perceptron regressor.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skneuron import NeuronClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), NeuronClassifier(random_state=0))
    >>> clf.fit(X, y).score(X, y)
    0.97...
    >>> clf.predict_proba(X[:1]).round(2).tolist()
    [[1.0, 0.0, 0.0]]
    """

    _parameter_constraints: dict = {
        **BaseNeuron._parameter_constraints,
        "loss": [StrOptions({"log_loss", "cross_entropy", "squared_error"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "validation_scoring": [StrOptions({"accuracy", "log_loss"})],
    }

    def __init__(
        self,
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
        loss="log_loss",
        class_weight=None,
        label_smoothing=0.0,
        validation_scoring="accuracy",
        monotonic_cst=None,
        n_ensemble=1,
        input_scale=False,
        numeric_embedding=None,
        embedded_features=None,
        embedding_size=8,
        frequency_scale=0.3,
    ):
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
        self.loss = loss
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing
        self.validation_scoring = validation_scoring
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
            Class labels, or a label indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : NeuronClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    @available_if(_is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All the classes of all calls; required on the first call only.

        Returns
        -------
        self : NeuronClassifier
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _new_target(self):
        return ClassificationTarget()

    def _fitted_attributes(self, result):
        return {
            **super()._fitted_attributes(result),
            "classes_": result.data.target.classes,
        }

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted classes.
        """
        outputs = self._forward(X)  # first: it raises NotFittedError
        return self._target.decode(outputs)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, classes ordered as in ``classes_``; for multilabel
            targets, the probability of each label independently.
        """
        outputs = self._forward(X)
        if outputs.shape[1] == 1:
            return np.hstack([1 - outputs, outputs])
        return outputs

    def predict_log_proba(self, X):
        """Logarithm of the probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``; ``-inf`` where a probability underflows to 0.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


NeuronClassifier.__doc__ = fill(NeuronClassifier.__doc__)
