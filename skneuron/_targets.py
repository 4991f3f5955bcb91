"""What each task makes of its targets: one small object per task.

A target object is fitted on the first pass of a fit (the classes, for a
classifier) and kept with the model; later passes (``warm_start``, ``partial_fit``)
check new targets against it. It turns targets into the 2-D array the network
trains on, network outputs back into predictions, and scores them for early
stopping. Parameters a user may change between calls (``class_weight``,
``label_smoothing``) are passed in, never stored.
"""

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    mean_absolute_error,
    mean_pinball_loss,
    r2_score,
)
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ._losses import loss_record, smooth_labels


def _as_1d(y):
    return column_or_1d(y, warn=True) if y.ndim == 2 and y.shape[1] == 1 else y


class ClassificationTarget:
    """Class labels as a softmax over one-hot rows, or a logistic unit per output.

    Attributes
    ----------
    binarizer : LabelBinarizer
        The encoding of the classes, fitted on the first pass.
    """

    def fit(self, y, classes=None, incremental=False):
        """Learn the classes from validated labels ``y``, or from ``classes``.

        Parameters
        ----------
        y : ndarray
            The labels of the first pass, checked by :meth:`validate`.
        classes : array-like or None, default=None
            Every class of every ``partial_fit`` call, given on the first one.
        incremental : bool, default=False
            Whether this is ``partial_fit``'s first call, which needs ``classes``.
        """
        if incremental and classes is None:
            # scikit-learn's message, which its users may match.
            raise ValueError("classes must be passed on the first call to partial_fit.")
        # A single class trains too, as in scikit-learn: it is always predicted.
        multilabel = type_of_target(y).startswith("multilabel")
        self.binarizer = LabelBinarizer().fit(
            y if classes is None or multilabel else classes
        )
        if classes is not None:
            self._check_known(y)
        return self

    @property
    def classes(self):
        return self.binarizer.classes_

    @property
    def y_type(self):
        """scikit-learn's type of target: "binary", "multiclass", "multilabel-..."."""
        return self.binarizer.y_type_

    @property
    def output_activation(self):
        return "softmax" if self.y_type == "multiclass" else "logistic"

    def validate(self, y):
        """``y`` as a 1-D column where it is one, labels numpy can sort together."""
        y = _as_1d(y)
        if y.dtype == object:
            _check_object_labels(y)
        return y

    def check(self, y, warm_start, classes=None):
        """``y`` of a later pass, refused if it brings classes the model lacks.

        The messages start with scikit-learn's, which its users may match.
        """
        if classes is not None and not np.array_equal(
            self.classes, unique_labels(classes)
        ):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on last call to "
                f"partial_fit, was: {self.classes!r}"
            )
        y = self.validate(y)
        if warm_start:
            if set(unique_labels(y)) != set(self.classes):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as "
                    f"in the previous call to fit. Previously got {self.classes}, "
                    f"`y` has {unique_labels(y)}"
                )
        else:
            self._check_known(y)
        return y

    def _check_known(self, y):
        classes = unique_labels(y)
        if len(np.setdiff1d(classes, self.classes)):
            raise ValueError(
                "`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes}. 'y' has {classes}."
            )

    def encode(self, y):
        return self.binarizer.transform(y)

    def weigh(self, y, sample_weight, class_weight, incremental):
        """Sample weights times class weights, or None for no weights at all."""
        if class_weight is None:
            return sample_weight
        if incremental and class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not available with partial_fit: a batch "
                "does not tell the class frequencies of the whole data. Pass a dict "
                "of class weights computed on all of it instead."
            )
        weights = compute_sample_weight(class_weight, y)
        return weights if sample_weight is None else sample_weight * weights

    def training_targets(self, Y, label_smoothing):
        """The targets the loss sees: ``Y``, smoothed toward uniform if asked."""
        if not label_smoothing:
            return Y
        n_classes = Y.shape[1] if self.y_type == "multiclass" else 2
        return smooth_labels(Y, label_smoothing, n_classes)

    def bind_loss(self, name):
        """The loss record ``name``: a classifier's losses have no parameters."""
        return loss_record(name)

    def stratify(self, Y):
        """Stratify the validation split of single-output (binary) targets.

        As scikit-learn's MLP does, on the binarized targets, so that the same seed
        holds out the same samples: multi-class and multilabel targets have several
        output columns and are split at random.
        """
        return Y.astype(bool) if Y.shape[1] == 1 else None

    def decode(self, outputs):
        """Labels from network outputs, as ``LabelBinarizer.inverse_transform``."""
        if self.y_type == "multiclass":
            return self.classes[outputs.argmax(axis=1)]
        if self.y_type == "binary":
            # min: with a single class, that class is all there is to predict.
            index = (outputs[:, 0] > 0.5).astype(np.intp)
            return self.classes[np.minimum(index, len(self.classes) - 1)]
        return self.binarizer.inverse_transform(outputs)

    def score(self, outputs, y, sample_weight):
        """Accuracy of the outputs, the validation score of early stopping."""
        return accuracy_score(y, self.decode(outputs), sample_weight=sample_weight)

    def neg_log_loss(self, outputs, Y, sample_weight):
        """Minus the cross-entropy of the probabilities ``outputs`` for ``Y``.

        ``Y`` is encoded (one-hot, or one 0/1 column per logistic output); the
        mean over rows is weighted by ``sample_weight``. Higher is better, as a
        validation score: ``validation_scoring="log_loss"``.
        """
        eps = np.finfo(outputs.dtype).eps
        P = np.clip(outputs, eps, 1 - eps)
        if self.y_type == "multiclass":
            losses = -np.sum(Y * np.log(P), axis=1)
        else:
            losses = -np.sum(Y * np.log(P) + (1 - Y) * np.log1p(-P), axis=1)
        return -float(np.average(losses, weights=sample_weight))


class RegressionTarget:
    """Real-valued targets, one network output per target column or quantile.

    Parameters
    ----------
    loss : str
        The loss, which fixes the output activation and the domain of ``y``.
    quantile : float, array-like of float or None, default=None
        The quantile level(s) of ``loss="quantile"``, ignored by the other losses.
        A float gives one output per target column; a sorted sequence gives one
        output per level, for a single target column, and non-crossing outputs.
    """

    OUTPUT_ACTIVATIONS = {
        "squared_error": "identity",
        "absolute_error": "identity",
        "quantile": "identity",
        "poisson": "exp",
        "gamma": "exp",
    }

    def __init__(self, loss, quantile=None):
        self.loss = loss
        self.levels = _quantile_levels(quantile) if loss == "quantile" else None
        # A sequence of levels, even of one, asks for the quantiles of one target.
        self.several = self.levels is not None and np.ndim(quantile) == 1

    def fit(self, y, classes=None, incremental=False):
        """Nothing to learn from real-valued targets."""
        return self

    @property
    def output_activation(self):
        if self.several:
            return "cumulative_softplus"  # outputs that cannot cross
        return self.OUTPUT_ACTIVATIONS[self.loss]

    def validate(self, y):
        """``y`` as a 1-D column where it is one; numeric, finite, in the domain."""
        y = _as_1d(y)
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"NeuronRegressor needs numeric targets, but y has dtype {y.dtype}. "
                "For class labels, use NeuronClassifier."
            )
        if not np.isfinite(y).all():  # None in an object y arrives here as NaN
            raise ValueError("Input y contains NaN, inf or None.")
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative, which the Poisson loss does not "
                "allow: it models counts or rates, y >= 0."
            )
        if self.loss == "gamma" and np.any(y <= 0):
            raise ValueError(
                "Some value(s) of y are not positive, which the gamma loss does not "
                "allow: it models positive amounts, y > 0."
            )
        if self.several and y.ndim == 2:
            raise ValueError(
                f"quantile={self.levels.tolist()} fits several quantiles of one "
                f"target, but y has {y.shape[1]} columns. Fit one model per column, "
                "or pass a single quantile level for one output per column."
            )
        return y

    def check(self, y, warm_start, classes=None):
        return self.validate(y)

    def encode(self, y):
        if self.several:  # the target once per quantile output
            return np.repeat(y.reshape(-1, 1), len(self.levels), axis=1)
        return y.reshape(len(y), -1)

    def weigh(self, y, sample_weight, class_weight, incremental):
        return sample_weight

    def training_targets(self, Y, label_smoothing):
        return Y

    def bind_loss(self, name):
        """The loss record ``name``, with this target's quantile levels bound."""
        return loss_record(name, 0.5 if self.levels is None else self.levels)

    def stratify(self, Y):
        return None

    def decode(self, outputs):
        if outputs.shape[1] == 1 and not self.several:
            return outputs.ravel()
        return outputs

    def score(self, outputs, y, sample_weight):
        """The validation score of early stopping, higher is better.

        R² for the losses whose prediction is the conditional mean (squared error,
        Poisson, gamma), as scikit-learn's MLP scores. The absolute error and the
        pinball loss predict a median or quantiles, which R² would fault for not
        being the mean: they score minus their mean loss on the held-out data
        (minus :func:`~sklearn.metrics.mean_absolute_error`, minus
        :func:`~sklearn.metrics.mean_pinball_loss` averaged over the levels).
        """
        if not np.isfinite(outputs).all():
            return np.nan  # as scikit-learn's MLP scores a diverged model
        if self.loss == "absolute_error":
            predictions = outputs.reshape(y.shape)
            return -mean_absolute_error(y, predictions, sample_weight=sample_weight)
        if self.levels is not None:
            return -_mean_pinball(y, outputs, self.levels, sample_weight)
        return r2_score(y, outputs.reshape(y.shape), sample_weight=sample_weight)


def _quantile_levels(quantile):
    """The quantile level(s) as a 1-D array, or a ValueError saying what is wrong."""
    if quantile is None:
        raise ValueError(
            "loss='quantile' needs the quantile level to estimate: pass quantile=0.5 "
            "for the median, or a sorted list such as quantile=[0.1, 0.5, 0.9]."
        )
    levels = np.atleast_1d(np.asarray(quantile, dtype=float))
    if levels.ndim != 1 or not len(levels):
        raise ValueError(
            f"quantile must be a float or a 1-D list of floats, got {quantile!r}."
        )
    if not ((levels > 0) & (levels < 1)).all() or np.any(np.diff(levels) <= 0):
        raise ValueError(
            "quantile levels must lie strictly between 0 and 1, in increasing order "
            f"without repeats; got {levels.tolist()}."
        )
    return levels


def _mean_pinball(y, outputs, levels, sample_weight):
    """Mean pinball loss over samples, averaged over outputs: scikit-learn's."""
    Y = y.reshape(len(y), -1)
    columns = np.broadcast_to(levels, outputs.shape[1:])
    return np.mean(
        [
            mean_pinball_loss(
                Y[:, min(j, Y.shape[1] - 1)],
                outputs[:, j],
                alpha=level,
                sample_weight=sample_weight,
            )
            for j, level in enumerate(columns)
        ]
    )


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
