"""NeuronClassifier: label encoding and probabilities on top of the shared logic."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ._base import BaseNeuron, _is_stochastic, _rollback_on_error
from ._compat import (
    Interval,
    StrOptions,
    _check_partial_fit_first_call,
    _fit_context,
)
from ._docs import fill
from ._losses import smooth_labels


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
        with _rollback_on_error(self):
            if _check_partial_fit_first_call(self, classes):
                self._label_binarizer = LabelBinarizer()
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
            return self._fit_or_rollback(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first_pass, incremental):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.dtype == object:
            _check_object_labels(y)
        if not hasattr(self, "_label_binarizer") or not (
            self.warm_start or incremental
        ):
            # A single class trains too, as in scikit-learn: it is always predicted.
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            # The messages start with scikit-learn's, which its users may match.
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        return y, self._label_binarizer.transform(y)

    def _weigh_samples(self, y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not available with partial_fit: a batch "
                "does not tell the class frequencies of the whole data. Pass a dict "
                "of class weights computed on all of it instead."
            )
        class_weight = compute_sample_weight(self.class_weight, y)
        return class_weight if sample_weight is None else sample_weight * class_weight

    def _output_activation(self, loss):
        is_multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "softmax" if is_multiclass else "logistic"

    def _training_targets(self, Y):
        if not self.label_smoothing:
            return Y
        multiclass = self._label_binarizer.y_type_ == "multiclass"  # softmax
        n_classes = Y.shape[1] if multiclass else 2
        return smooth_labels(Y, self.label_smoothing, n_classes)

    def _stratify(self, Y):
        """Stratify the validation split of single-output (binary) targets.

        As scikit-learn's MLP does, on the binarized targets, so that the same seed
        holds out the same samples: multi-class and multilabel targets have several
        output columns and are split at random.
        """
        return Y.astype(bool) if Y.shape[1] == 1 else None

    def _decode(self, outputs):
        """Labels from network outputs, as ``LabelBinarizer.inverse_transform``."""
        y_type = self._label_binarizer.y_type_
        if y_type == "multiclass":
            return self.classes_[outputs.argmax(axis=1)]
        if y_type == "binary":
            # min: with a single class, that class is all there is to predict.
            index = (outputs[:, 0] > 0.5).astype(np.intp)
            return self.classes_[np.minimum(index, len(self.classes_) - 1)]
        return self._label_binarizer.inverse_transform(outputs)

    def _score_outputs(self, outputs, y, sample_weight):
        return accuracy_score(y, self._decode(outputs), sample_weight=sample_weight)

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
        return self._decode(self._forward(X))

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


def _check_object_labels(y):
    """Refuse labels numpy cannot sort together: None, or strings mixed with others."""
    labels = y.ravel()
    if any(label is None for label in labels):
        raise ValueError("Input y contains None: every sample needs a label.")
    n_strings = sum(isinstance(label, str) for label in labels)
    if 0 < n_strings < len(labels):
        kinds = sorted({type(label).__name__ for label in labels})
        raise ValueError(
            "Mix of label input types (string and number): y holds labels of types "
            f"{', '.join(kinds)}. Give all labels as strings, or all as numbers."
        )
