"""Fit-time validation: the estimator's parameters and data, checked once.

:func:`validate_fit` turns what ``fit`` and ``partial_fit`` receive into one
immutable :class:`FitData`, and writes nothing onto the estimator: the features
seen (``n_features_in_``, ``feature_names_in_``) travel in it and are published
with the trained model.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_regressor
from sklearn.utils.validation import check_X_y, validate_data

from ._activations import hidden_activation_name
from ._compat import _check_sample_weight, _get_feature_names
from ._embeddings import build_input_layer
from ._monotonic import check_monotonic_cst, check_task


@dataclass(frozen=True)
class FitData:
    """What one fit trains on, checked and cast.

    Attributes
    ----------
    X : ndarray or CSR matrix
        The inputs, in the compute dtype.
    y : ndarray
        The targets as given, checked: what validation scores compare with.
    Y : ndarray of shape (n_samples, n_outputs)
        The encoded targets, in the compute dtype.
    sample_weight : ndarray or None
        Sample weights times class weights, in the compute dtype.
    init_dtype : numpy dtype
        The input's floating type, which the initial weights are drawn in.
    target : ClassificationTarget or RegressionTarget
        The task's target object, fitted on the first pass.
    layer_sizes : tuple of int
        Units per layer, input and output included; the input's is the width of
        the input layer's output, when there is one.
    input_layer : InputLayer or None
        The trainable input layer (:mod:`._embeddings`), None by default.
    activations : tuple of str
        Canonical activation name of each hidden layer.
    dropout : tuple of float
        Dropout rate of each hidden layer.
    n_features_in : int
    feature_names_in : ndarray or None
    monotonic_cst : ndarray of int8 or None
        One of -1, 0, 1 per feature; None when nothing is constrained.
    """

    X: object
    y: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray | None
    init_dtype: np.dtype
    target: object
    layer_sizes: tuple
    activations: tuple
    dropout: tuple
    n_features_in: int
    feature_names_in: np.ndarray | None
    monotonic_cst: np.ndarray | None = None
    input_layer: object = None


def validate_fit(estimator, X, y, sample_weight, *, resume, incremental, classes):
    """Check and cast one fit's data; return a :class:`FitData`.

    Parameters
    ----------
    estimator : BaseNeuron
    X, y, sample_weight
        As given to ``fit`` or ``partial_fit``.
    resume : bool
        Whether training continues the fitted model (``warm_start``,
        ``partial_fit``): the data is then checked against it.
    incremental : bool
        Whether this is a ``partial_fit`` call.
    classes : array-like or None
        ``partial_fit``'s classes.
    """
    sizes, activations, dropout = hidden_layers(estimator)
    X, y, feature_names = _check_X_y(estimator, X, y, resume)
    init_dtype = X.dtype
    # At most one copy of X: to the compute dtype, and CSR for row batches.
    X = X.astype(compute_dtype(estimator, X, resume), copy=False)
    if sp.issparse(X):
        X = X.tocsr()
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if (sample_weight < 0).any():
            raise ValueError("sample_weight has negative values; weights must be >= 0.")
    if resume:
        target = estimator._target
        y = target.check(y, warm_start=not incremental, classes=classes)
    else:
        target = estimator._new_target()
        y = target.validate(y)
        target.fit(y, classes, incremental)
    Y = target.encode(y).astype(X.dtype, copy=False)
    cst = check_monotonic_cst(
        getattr(estimator, "monotonic_cst", None), X.shape[1], feature_names
    )
    if cst is not None:
        check_task(target)
    input_layer = build_input_layer(estimator, X.shape[1])
    class_weight = getattr(estimator, "class_weight", None)
    sample_weight = target.weigh(y, sample_weight, class_weight, incremental)
    if sample_weight is not None:
        sample_weight = sample_weight.astype(X.dtype, copy=False)
    return FitData(
        X=X,
        y=y,
        Y=Y,
        sample_weight=sample_weight,
        init_dtype=init_dtype,
        target=target,
        layer_sizes=(
            X.shape[1] if input_layer is None else input_layer.width,
            *sizes,
            Y.shape[1],
        ),
        activations=tuple(activations),
        dropout=tuple(dropout),
        n_features_in=X.shape[1],
        feature_names_in=feature_names,
        monotonic_cst=cst,
        input_layer=input_layer,
    )


def _check_X_y(estimator, X, y, resume):
    """``X`` and ``y`` checked; on a first pass, without touching the estimator.

    A first pass records the features seen only in the returned names; a later
    pass checks them against the fitted model, as scikit-learn's ``reset=False``.
    """
    params = dict(
        accept_sparse=["csr", "csc"],
        multi_output=True,
        y_numeric=is_regressor(estimator),
        dtype=(np.float64, np.float32),
    )
    try:
        if resume:
            X, y = validate_data(estimator, X, y, reset=False, **params)
            return X, y, getattr(estimator, "feature_names_in_", None)
        feature_names = _get_feature_names(X)
        return (*check_X_y(X, y, estimator=estimator, **params), feature_names)
    except ValueError as error:
        raise_if_ragged(error, X=X, y=y)
        raise


def raise_if_ragged(error, **arrays):
    """Name the array whose rows have different lengths, if one caused ``error``.

    numpy refuses to make an array of such rows with a message about an
    "inhomogeneous shape" that names neither ``X`` nor ``y``.
    """
    for name, value in arrays.items():
        if isinstance(value, list | tuple) and _is_ragged(value):
            raise ValueError(
                f"{name} is ragged: its rows have different lengths. Every "
                "sample needs the same number of "
                + ("features." if name == "X" else "targets.")
            ) from error


def _is_ragged(rows):
    try:
        np.asarray(rows)
    except ValueError:
        return True
    return False


def hidden_layers(estimator):
    """Validated hidden layer sizes, canonical activation names, dropout rates."""
    sizes = estimator.hidden_layer_sizes
    sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
    if not all(isinstance(n, Integral) and n > 0 for n in sizes):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {sizes}.")
    activations = _per_layer(estimator, "activation", sizes, str)
    rates = _per_layer(estimator, "dropout", sizes, Real)
    if not all(0 <= rate < 1 for rate in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {rates}.")
    if any(rates) and estimator.solver == "lbfgs":
        raise ValueError(
            "dropout needs a stochastic solver: L-BFGS minimizes one fixed "
            "full-batch loss. Use solver='adam' or 'sgd', or dropout=0."
        )
    return sizes, [hidden_activation_name(a) for a in activations], rates


def _per_layer(estimator, name, sizes, kind):
    """A parameter given once for all hidden layers, or once per hidden layer."""
    value = getattr(estimator, name)
    if isinstance(value, kind):
        return [value] * len(sizes)
    value = list(value)
    if len(value) != len(sizes):
        raise ValueError(
            f"{name} has {len(value)} entries but there are {len(sizes)} hidden "
            "layers; give one value, or one per hidden layer."
        )
    return value


def compute_dtype(estimator, X, resume):
    """The floating type of the weights and the arithmetic.

    ``"auto"`` follows the input, as scikit-learn's MLP does: float32 for float32
    ``X``, float64 for anything else; but L-BFGS always works in float64, as
    scikit-learn's does (scipy hands it float64 weights, which promote every
    product), and as its line search needs. A model keeps its type once fitted.
    """
    if resume:
        return estimator._params.dtype.type
    if estimator.dtype == "auto":
        return np.float64 if estimator.solver == "lbfgs" else X.dtype.type
    return np.dtype(estimator.dtype).type
