"""The report: Markdown table, machine information, bar chart, JSON."""

import datetime
import json
import os
import platform
import sys
import time
from dataclasses import asdict

import numpy as np
import scipy
import sklearn
from threadpoolctl import threadpool_info

try:
    import torch
except ImportError:  # the comparison with PyTorch is optional
    torch = None
from peers import HAS_DTYPE
from workloads import ALPHA, SEED, TEST_SIZE, WORKLOADS


def format_time(seconds):
    """Seconds with a unit that keeps three significant digits readable."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def format_share(share):
    """A fraction as a percentage, or "n/a"."""
    return "n/a" if share is None else f"{share:.0%}"


def table_lines(rows):
    """The results table as Markdown lines."""
    header = [
        "workload",
        "system",
        "dtype",
        "median",
        "runs",
        "vs skneuron (same dtype)",
        "GFLOP/s",
        "GEMM limit f32 / f64",
        "time / limit",
        "held-out score",
        "notes",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    reference = same_dtype_reference(rows)
    for row in rows:
        ratio = ""
        if (row.workload, row.dtype) in reference:
            ratio = f"{row.median / reference[row.workload, row.dtype].median:.2f}x"
        gflops = "" if row.flops is None else f"{row.flops / row.median / 1e9:.1f}"
        limit = over = ""
        if row.limit is not None:
            limit = " / ".join(format_time(row.limit[d]) for d in row.limit)
            over = f"{row.median / row.limit[row.dtype]:.2f}"
        score = "" if row.score is None else f"{row.score:.4f}"
        cells = [
            row.workload,
            row.system,
            row.dtype,
            format_time(row.median),
            str(len(row.times)),
            ratio,
            gflops,
            limit,
            over,
            score,
            row.note,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def memory_lines(memory):
    """The memory results as Markdown lines."""
    lines = [
        "| measurement | system | X shape | X size | peak extra memory |",
        "|---|---|---|---|---|",
    ]
    for m in memory:
        shape = " x ".join(f"{n:,}" for n in m["X_shape"])
        lines.append(
            f"| {m['what']} | {m['system']} | {shape} | {m['X_mb']:.1f} MB "
            f"| {m['peak_mb']:.1f} MB |"
        )
    return lines


def cpu_busy(seconds=0.5):
    """Fraction of the machine's CPU time that was busy over ``seconds``.

    Read from ``/proc/stat`` (Linux); None elsewhere. Unlike the load average, a
    decaying mean over a minute, it tells whether another process runs now.
    """

    def sample():
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle_1 - idle_0) / max(total_1 - total_0, 1)


def machine_info():
    """Platform, CPU count, library versions and BLAS, for the JSON file."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": sys.version,
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "skneuron": sys.modules["skneuron"].__version__,
        "skneuron_path": sys.modules["skneuron"].__file__,
        "skneuron_has_dtype": HAS_DTYPE,
        "torch": None if torch is None else torch.__version__,
        "torch_threads": None if torch is None else torch.get_num_threads(),
        "threadpools": threadpool_info(),
    }


def plot(rows, path):
    """Bar chart of each system's median time relative to skneuron's, same dtype.

    The GEMM limit (in skneuron's compute dtype) is drawn as one more bar: the
    distance from it to 1 is what a faster engine could still win.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("note: matplotlib is not installed; no chart written")
        return None
    workloads = list(dict.fromkeys(r.workload for r in rows))
    reference = same_dtype_reference(rows)
    series = {}
    for row in rows:
        ref = reference.get((row.workload, row.dtype))
        if ref is not None and not row.system.startswith("skneuron"):
            ratio = row.median / ref.median
            series.setdefault(f"{row.system} ({row.dtype})", {})[row.workload] = ratio
    reference = {r.workload: r for r in rows if r.system == "skneuron"}
    for name, ref in reference.items():
        if ref.limit is not None:
            limit = ref.limit[ref.dtype] / ref.median
            series.setdefault("GEMM limit", {})[name] = limit
    fig, ax = plt.subplots(figsize=(9, 0.22 * len(workloads) * len(series) + 1.5))
    height = 0.8 / len(series)
    positions = np.arange(len(workloads))
    for i, (name, values) in enumerate(series.items()):
        widths = [values.get(w, np.nan) for w in workloads]
        bars = ax.barh(positions + i * height, widths, height, label=name)
        labels = ["" if np.isnan(v) else f"{v:.2g}x" for v in widths]
        ax.bar_label(bars, labels, fontsize="x-small", padding=2)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(positions + height * (len(series) - 1) / 2, workloads)
    ax.invert_yaxis()
    ax.set_xlabel(
        "median time / skneuron's median time in the same dtype "
        "(log scale; > 1: skneuron is faster)"
    )
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_outputs(out, mode, args, rows, memory, info, lines):
    """Write ``<mode>.json``, ``<mode>.md`` and ``<mode>.png`` into ``out``.

    Returns the paths written (no chart without matplotlib).
    """
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "mode": mode,
        "arguments": vars(args),
        "settings": {"seed": SEED, "test_size": TEST_SIZE, "alpha": ALPHA},
        "workloads": [asdict(w) for w in WORKLOADS],
        "results": [asdict(r) | {"median": r.median} for r in rows],
        "memory": memory,
        **info,
    }
    paths = [out / f"{mode}.json", out / f"{mode}.md"]
    paths[0].write_text(json.dumps(payload, indent=1, default=str))
    paths[1].write_text("\n".join(lines) + "\n")
    chart = plot(rows, out / f"{mode}.png")
    return paths + ([chart] if chart else [])


def same_dtype_reference(rows):
    """skneuron's row of each workload and compute dtype: ``{(workload, dtype): row}``.

    Every comparison is within one dtype: scikit-learn in float64 against skneuron
    in float64, PyTorch in float32 against skneuron in float32.
    """
    return {(r.workload, r.dtype): r for r in rows if r.system.startswith("skneuron")}
