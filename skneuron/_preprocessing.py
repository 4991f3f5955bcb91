"""The tabular recipe's preprocessing: a data frame as it comes, made numeric.

Built of scikit-learn parts: imputation, one-hot encoding, standardization, and
RealMLP's smooth clipping of outliers (Holzmüller et al. 2024).
"""

import numpy as np
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler


def smooth_clip(X):
    """Squash values smoothly into (-3, 3): ``x / sqrt(1 + (x / 3) ** 2)``.

    Near zero it is the identity; far outliers end near +-3 instead of dominating
    a neuron's weighted sum (RealMLP's smooth clipping, Holzmüller et al. 2024).
    """
    return X / np.sqrt(1 + np.square(X / 3))


def _fill_mean(X):
    # After standardization, 0 is the (weighted) mean of each column.
    return np.nan_to_num(X, nan=0.0)


def _fill_mean_and_clip(X):
    return smooth_clip(_fill_mean(X))


def make_preprocessor(X, categorical_features, max_categories, clip_outliers):
    """The column transformer for ``X``: categorical columns, then the rest.

    Categorical columns are imputed with their most frequent value and one-hot
    encoded; the others standardized (weighted by ``sample_weight`` through
    metadata routing), their missing values set to the mean, and clipped
    smoothly with :func:`smooth_clip` when ``clip_outliers``.
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
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            max_categories=max_categories,
            sparse_output=False,
        ),
    )
    scale = make_pipeline(
        StandardScaler().set_fit_request(sample_weight=True),
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
