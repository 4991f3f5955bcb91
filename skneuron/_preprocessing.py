"""The tabular recipe's preprocessing: a data frame as it comes, made numeric.

Built of scikit-learn parts: imputation, one-hot encoding, scaling (standard,
robust or quantile), and RealMLP's smooth clipping of outliers (Holzmüller et
al. 2024).
"""

import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

from ._compat import REMAINDER_COLUMNS_TYPES

SCALINGS = ("standard", "robust", "quantile")


def smooth_clip(X):
    """Squash values smoothly into (-3, 3): ``x / sqrt(1 + (x / 3) ** 2)``.

    Near zero it is the identity; far outliers end near +-3 instead of dominating
    a neuron's weighted sum (RealMLP's smooth clipping, Holzmüller et al. 2024).
    """
    return X / np.sqrt(1 + np.square(X / 3))


def _fill_mean(X):
    # After scaling, 0 is the column's center: its (weighted) mean after
    # standardization, its median after robust or quantile scaling.
    return np.nan_to_num(X, nan=0.0)


def _none_as_missing(X):
    # pandas before 3 keeps None in object columns, where SimpleImputer looks for
    # NaN only: None would become a category of its own.
    X = np.asarray(X, dtype=object)
    return np.where(np.equal(X, None), np.nan, X)


def _fill_mean_and_clip(X):
    return smooth_clip(_fill_mean(X))


def _scaler(scaling, n_samples):
    """The scikit-learn scaler of the numeric columns; all ignore missing values.

    Only the standard scaler takes sample weights: it asks for them through
    metadata routing, the others learn from the rows unweighted.
    """
    if scaling == "robust":
        return RobustScaler()
    if scaling == "quantile":
        # At most one quantile per row: more would only interpolate between rows.
        # Every row, no random subsample: the same data gives the same scaling.
        return QuantileTransformer(
            n_quantiles=min(1000, n_samples),
            output_distribution="normal",
            subsample=None,
        )
    return StandardScaler().set_fit_request(sample_weight=True)


def make_preprocessor(
    X, categorical_features, max_categories, clip_outliers, scaling="standard"
):
    """The column transformer for ``X``: categorical columns, then the rest.

    Categorical columns are imputed with their most frequent value and one-hot
    encoded; the others scaled as ``scaling`` says (standardized, weighted by
    ``sample_weight`` through metadata routing; ``"robust"``: centered on the
    median and divided by the interquartile range; ``"quantile"``: mapped
    through their empirical distribution to a normal one), their missing
    values set to the center, 0, and clipped smoothly with :func:`smooth_clip`
    when ``clip_outliers``.
    """
    categorical = categorical_features
    if isinstance(categorical, str):  # "from_dtype"
        categorical = (
            make_column_selector(dtype_exclude="number")(X)
            if hasattr(X, "columns")
            else []
        )
    elif categorical is None:
        categorical = []
    encode = make_pipeline(
        FunctionTransformer(_none_as_missing, feature_names_out="one-to-one"),
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            max_categories=max_categories,
            sparse_output=False,
        ),
    )
    scale = make_pipeline(
        _scaler(scaling, len(X)),
        FunctionTransformer(
            _fill_mean_and_clip if clip_outliers else _fill_mean,
            feature_names_out="one-to-one",
        ),
    )
    return ColumnTransformer(
        [("categorical", encode, categorical)],
        remainder=scale,
        verbose_feature_names_out=False,
    )


def preprocessed_monotonic_cst(preprocessor, cst, n_outputs):
    """Monotonic constraints of the original columns, moved onto the network's inputs.

    A numeric column stays one column, scaled (standard or robust scaling: a
    positive scale; quantile scaling: non-decreasing) and clipped smoothly, all
    increasing, so its constraint carries over as it is.
    A categorical column becomes several one-hot columns with no order between
    its levels: a constraint on it is refused.

    Parameters
    ----------
    preprocessor : ColumnTransformer
        Fitted, as made by :func:`make_preprocessor`.
    cst : ndarray of int8 of shape (n_features_in,)
        One of -1, 0, 1 per original column.
    n_outputs : int
        Number of columns the preprocessor outputs.

    Returns
    -------
    ndarray of int8 of shape (n_outputs,)
    """
    names = getattr(preprocessor, "feature_names_in_", None)
    numeric = []
    for name, _, columns in preprocessor.transformers_:
        if name == "remainder":
            numeric = _input_indices(columns, names)
    categorical = sorted(set(np.flatnonzero(cst)) - set(numeric))
    if categorical:
        shown = [str(names[i]) if names is not None else int(i) for i in categorical]
        raise ValueError(
            f"monotonic_cst constrains the categorical column(s) {shown}, which "
            "are one-hot encoded: their levels have no order to be monotone in. "
            "Set their constraint to 0, or treat them as numeric (see "
            "categorical_features)."
        )
    out = np.zeros(n_outputs, dtype=np.int8)
    out[preprocessor.output_indices_["remainder"]] = cst[numeric]
    return out


def _input_indices(columns, names):
    """Column positions of a ColumnTransformer's selection: mask, names or indices."""
    if isinstance(columns, REMAINDER_COLUMNS_TYPES):
        # scikit-learn 1.5 and 1.6 wrap the remainder's columns in a list that
        # records having warned once read: read the plain list underneath, so
        # that neither a fit nor an ONNX export changes the fitted model.
        columns = columns.data
    columns = np.asarray(columns)
    if columns.dtype == bool:
        return np.flatnonzero(columns)
    if columns.dtype.kind in "OUS":
        return np.array([list(names).index(c) for c in columns], dtype=np.intp)
    return columns.astype(np.intp)
