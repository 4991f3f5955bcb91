"""Tables and plot of the real-data benchmark, from the stored fit records.

Per data set and model, the score is the mean over folds of one seed, then the
mean over seeds (neural models run several); its spread is the standard
deviation over seeds (ddof=1) of those per-seed means. Fit time is the sum over folds,
averaged over seeds: the time of one cross-validation. Each half gets its own
tables, labelled; a data set enters them only when every model has every fit.
"""

import numpy as np
from real_models import BASELINE, REFERENCES


def aggregate(records, plan):
    """Collect per (data set, model) the score, seed spread and fit time.

    Parameters
    ----------
    records : dict
        The stored records, by key.
    plan : list of dict
        Per data set: "dataset" (entry), "half", "rows", "n_splits", and
        "fits": model -> list of (seed, fold, key).

    Returns
    -------
    list of dict
        One row per complete data set: name, half, task, rows, and per model
        "score", "std" (over seeds), "fit_time".
    """
    rows = []
    for entry in plan:
        if not all(k in records for fits in entry["fits"].values() for *_, k in fits):
            continue
        row = {
            "dataset": entry["dataset"].name,
            "half": entry["half"],
            "task": entry["dataset"].task,
            "rows": entry["rows"],
            "n_splits": entry["n_splits"],
            "models": {},
        }
        for model, fits in entry["fits"].items():
            seeds = sorted({seed for seed, _, _ in fits})
            by_seed = [[records[k] for s, _, k in fits if s == seed] for seed in seeds]
            scores = [np.mean([r["score"] for r in rs]) for rs in by_seed]
            times = [np.sum([r["fit_time"] for r in rs]) for rs in by_seed]
            row["models"][model] = {
                "score": float(np.mean(scores)),
                "std": float(np.std(scores, ddof=1)) if len(scores) > 1 else None,
                "fit_time": float(np.mean(times)),
            }
        rows.append(row)
    return rows


def summarize(rows, models):
    """Per model: mean gap to the best, shares vs references, worst vs baseline."""
    summary = {}
    for m in models:
        scores = [r["models"][m]["score"] for r in rows]
        best = [max(v["score"] for v in r["models"].values()) for r in rows]
        s = {
            "mean_gap": float(np.mean(np.subtract(scores, best))),
            "total_fit_time": float(sum(r["models"][m]["fit_time"] for r in rows)),
        }
        for ref in REFERENCES + (BASELINE,):
            if ref in models:
                diff = np.subtract(scores, [r["models"][ref]["score"] for r in rows])
                s[f"share_vs_{ref}"] = float(np.mean(diff >= 0))
                s[f"worst_vs_{ref}"] = float(np.min(diff))
        summary[m] = s
    return summary


def _share(s, ref, m):
    key = f"share_vs_{ref}"
    return "-" if m == ref or key not in s else f"{s[key]:.0%}"


def summary_table(summary, models):
    """Render the summary of one half as Markdown."""
    refs = [r for r in REFERENCES if r in models]
    head = ["model", "mean gap to the best"]
    head += [f"≥ {r} on" for r in refs]
    head += [f"worst gap to {BASELINE}"] if BASELINE in models else []
    head += ["total fit time (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in models:
        s = summary[m]
        cells = [m, f"{s['mean_gap']:+.4f}"] + [_share(s, r, m) for r in refs]
        if BASELINE in models:
            worst = s[f"worst_vs_{BASELINE}"]
            cells.append("-" if m == BASELINE else f"{worst:+.4f}")
        cells.append(f"{s['total_fit_time']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def dataset_tables(rows, models):
    """Render the per-data-set scores, seed spreads and fit times as Markdown."""
    neural = [m for m in models if any(r["models"][m]["std"] is not None for r in rows)]
    out = []
    for title, cols, fmt in (
        ("Score (accuracy or R²; neural: mean of seeds)", models, "score"),
        ("Standard deviation over seeds (neural models)", neural, "std"),
        ("Fit time, one cross-validation (s)", models, "fit_time"),
    ):
        if not cols:
            continue
        head = ["data set", "task", "rows", "folds"] + list(cols)
        out += ["", f"**{title}**", "", "| " + " | ".join(head) + " |"]
        out.append("|" + "---|" * len(head))
        for r in rows:
            cells = [r["dataset"], r["task"][:5], str(r["rows"]), str(r["n_splits"])]
            values = [r["models"][m][fmt] for m in cols]
            best = max(values) if fmt == "score" else None
            for v in values:
                text = f"{v:.1f}" if fmt == "fit_time" else f"{v:.4f}"
                cells.append(f"**{text}**" if v == best else text)
            out.append("| " + " | ".join(cells) + " |")
    return out


def markdown(rows_by_half, models, missing):
    """Render every half's summary and tables, labelled, as one Markdown text."""
    labels = {"dev": "Development half", "heldout": "Held-out half"}
    lines = []
    for half, rows in rows_by_half.items():
        lines += [f"## {labels[half]} ({len(rows)} data sets)", ""]
        if missing.get(half):
            lines += [f"Incomplete, left out: {', '.join(missing[half])}", ""]
        if not rows:
            lines += ["No complete data set.", ""]
            continue
        lines += summary_table(summarize(rows, models), models)
        lines += dataset_tables(rows, models) + [""]
    return "\n".join(lines) + "\n"


def plot(rows, models, path, title):
    """Save a PNG: per data set, each model's gap to that data set's best."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["dataset"] for r in rows]
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(names)), 4.5))
    for k, m in enumerate(models):
        gaps = [
            r["models"][m]["score"] - max(v["score"] for v in r["models"].values())
            for r in rows
        ]
        ax.bar(np.arange(len(names)) + k * width, gaps, width, label=m)
    ax.set_xticks(
        np.arange(len(names)) + 0.4 - width / 2, names, rotation=60, ha="right"
    )
    ax.set_ylim(bottom=max(ax.get_ylim()[0], -0.15))  # a few large gaps hide the rest
    ax.set_ylabel("score - best score (accuracy or R²)")
    ax.set_title(title)
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
