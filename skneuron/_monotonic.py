"""Monotonic constraints, guaranteed by construction: sign-constrained weights.

``monotonic_cst`` has :class:`~sklearn.ensemble.HistGradientBoostingRegressor`'s
meaning: per feature, 1 for an increasing relation, -1 for a decreasing one, 0 for
none. A network is monotone in a feature when every path from it to the output
carries one sign. skneuron makes that so with a sign pattern over the flat
parameter vector:

- the first-layer weights out of a feature constrained to increase are >= 0, out
  of one constrained to decrease <= 0, out of an unconstrained one free;
- every weight of every later layer is >= 0;
- biases are free;

and every activation, hidden and output, non-decreasing (the records' ``monotone``
field). A hidden unit of the first layer is then non-decreasing in the features
constrained to increase and non-increasing in those constrained to decrease, and
non-negative weights followed by non-decreasing activations keep that direction
up to the output, whatever the unconstrained features do.

The pattern is a box, so keeping the weights in it is a projection, a clip:
stochastic solvers project after each step (:class:`SignConstraint` is the
run's ``project`` hook), L-BFGS-B takes the box as its ``bounds``. The result is
ordinary weights: predicting and the ONNX export know nothing of it.
"""

import numbers

import numpy as np


def check_monotonic_cst(monotonic_cst, n_features, feature_names=None):
    """``monotonic_cst`` as an int8 array of length ``n_features``, or None.

    Parameters
    ----------
    monotonic_cst : array-like of int, dict or None
        One of -1, 0, 1 per feature, or ``{feature name: cst}`` for data with
        feature names, the others being 0 (HistGradientBoosting's forms).
    n_features : int
    feature_names : ndarray of str or None
        The feature names of the data, if it has some.

    Returns
    -------
    cst : ndarray of int8 or None
        None when nothing is constrained (None, or all zeros): the network is then
        trained exactly as without the parameter.

    Raises
    ------
    ValueError
        On a wrong length, a value not in {-1, 0, 1}, or a dict of names the data
        does not have.
    """
    if monotonic_cst is None:
        return None
    if isinstance(monotonic_cst, dict):
        cst = _from_dict(monotonic_cst, n_features, feature_names)
    else:
        values = np.asarray(monotonic_cst)
        if values.ndim != 1:
            raise ValueError(
                "monotonic_cst must be a 1-d array-like of -1, 0 or 1, one per "
                f"feature, or a dict; got an array of shape {values.shape}."
            )
        unexpected = [v for v in values.tolist() if not _is_cst(v)]
        if unexpected:
            raise ValueError(
                "monotonic_cst must be an array-like of -1, 0 or 1. Observed "
                f"values: {sorted(set(map(str, unexpected)))}."
            )
        if len(values) != n_features:
            raise ValueError(
                f"monotonic_cst has shape {values.shape} but the input data X has "
                f"{n_features} features."
            )
        cst = values.astype(np.int8)
    return cst if cst.any() else None


def _is_cst(value):
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and value in (-1, 0, 1)
    )


def _from_dict(monotonic_cst, n_features, feature_names):
    if feature_names is None:
        raise ValueError(
            "monotonic_cst is a dict of feature names, but X has no feature names "
            "(it is not a data frame with string column names). Pass monotonic_cst "
            "as an array of -1, 0 or 1, one per feature, instead."
        )
    names = list(feature_names)
    unexpected = sorted(set(monotonic_cst) - set(names), key=str)
    if unexpected:
        shown = [*unexpected[:5], *(["..."] if len(unexpected) > 5 else [])]
        raise ValueError(
            f"monotonic_cst contains {len(unexpected)} unexpected feature names: "
            f"{shown}."
        )
    cst = np.zeros(n_features, dtype=np.int8)
    for name, value in monotonic_cst.items():
        if not _is_cst(value):
            raise ValueError(
                f"monotonic_cst[{name!r}] must be either -1, 0 or 1. Got {value!r}."
            )
        cst[names.index(name)] = value
    return cst


def check_monotone_network(network):
    """Refuse a network with a layer whose activation is not non-decreasing.

    Raises
    ------
    ValueError
        Naming the activation, hidden or output, that breaks monotonicity.
    """
    for l, function in enumerate(network.functions):
        if function.monotone:
            continue
        if l == len(network.functions) - 1:
            raise ValueError(
                f"monotonic_cst needs a monotone output, and {function.name!r} is "
                "not: monotonic constraints are supported for regression and "
                "binary classification only, not for multiclass or multilabel "
                "targets (as in HistGradientBoostingClassifier)."
            )
        raise ValueError(
            f"monotonic_cst needs non-decreasing hidden activations, and "
            f"activation={function.name!r} is not (gelu and silu dip below zero "
            "before rising). Use 'convex_concave_relu' (recommended), 'tanh', "
            "'relu', 'leaky_relu', 'elu', 'softplus', 'logistic' or 'identity'."
        )


class SignConstraint:
    """The sign pattern of a network's weights under ``monotonic_cst``.

    Parameters
    ----------
    network : Network
    cst : ndarray of int8 of shape (n_features,)
        As returned by :func:`check_monotonic_cst`, not None.

    Attributes
    ----------
    sign : ndarray of int8 of shape (n_params,)
        +1 where a parameter must be >= 0, -1 where <= 0, 0 where free.
    """

    def __init__(self, network, cst):
        self.network = network
        n_features, n_hidden = network.shapes[0]
        sign = np.zeros(network.n_params, dtype=np.int8)
        first = n_features * n_hidden
        # W[0] is (n_features, fan_out) in C order: feature i's weights are row i.
        sign[:first] = np.repeat(cst, n_hidden)
        sign[first : network.n_weights] = 1
        self.sign = sign
        # The projection's operands, broadcast over W[0]'s rows; the later
        # weights are one contiguous slice, clipped at 0 in one pass.
        self._first_lower = np.where(cst > 0, 0.0, -np.inf)[:, np.newaxis]
        self._first_upper = np.where(cst < 0, 0.0, np.inf)[:, np.newaxis]
        self._first, self._n_weights = first, network.n_weights

    def __call__(self, params):
        """Project ``params`` onto the pattern, in place: the nearest feasible point."""
        W0 = params[: self._first].reshape(self.network.shapes[0])
        np.clip(W0, self._first_lower, self._first_upper, out=W0)
        later = params[self._first : self._n_weights]
        np.maximum(later, 0, out=later)

    def reflect(self, params):
        """Make freshly drawn ``params`` feasible by flipping signs, in place.

        A clip would set half the constrained weights to zero; flipping their
        sign keeps the scale of the initialization that was drawn.
        """
        constrained = self.sign != 0
        params[constrained] = self.sign[constrained] * np.abs(params[constrained])

    def bounds(self):
        """The box as lower and upper bound vectors (float64), for L-BFGS-B."""
        lower = np.where(self.sign > 0, 0.0, -np.inf)
        upper = np.where(self.sign < 0, 0.0, np.inf)
        return lower, upper

    def is_feasible(self, params):
        """Whether ``params`` respects the pattern."""
        return bool(np.all(self.sign * params >= 0))


def check_task(target):
    """Refuse a classification target with more than one probability to keep monotone.

    A binary classifier's one logistic output is monotone; for several classes,
    raising one class's probability lowers another's, as HistGradientBoosting's
    classifier refuses too.
    """
    y_type = getattr(target, "y_type", None)
    if y_type is not None and y_type != "binary":
        raise ValueError(
            f"monotonic_cst is supported for regression and binary classification "
            f"only; the target is {y_type}. Fit without monotonic_cst, or one "
            "binary classifier per class."
        )
