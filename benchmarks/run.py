"""Speed benchmark: skneuron against scikit-learn's MLP and a plain PyTorch loop.

Usage::

    python benchmarks/run.py            # full run, several minutes on 2 cores
    python benchmarks/run.py --quick    # scaled down, under a minute (run by CI)
    python benchmarks/run.py --only W1-wide-f32,W3-digits --systems skneuron,sklearn

Every comparison is within one compute dtype: skneuron (float64 on float64 input,
as scikit-learn) against scikit-learn, and ``skneuron-f32`` (``dtype="float32"``)
against PyTorch's float32 loop where the input is float64.

All systems run in one process, interleaved run by run (A B C A B C ...), so that a
slow spell of the machine hits every system alike; each workload reports medians
over its repeats. Every system trains the same architecture with the same optimizer
settings, batch size, epoch count and per-epoch shuffling, and its held-out score is
reported next to its time, so that speed is never bought with quality.

Next to the times stands the *GEMM limit*: how long numpy's BLAS alone takes for the
matrix products of the workload (per layer the forward ``A @ W``, and the backward
``A.T @ dZ`` and ``dZ @ W.T``, the latter skipped for the first layer), timed with
``np.matmul(..., out=)`` on preallocated arrays of exactly those shapes, for every
batch of every epoch. A training loop cannot beat it by much; ``time / limit`` says
how much of a system's time goes elsewhere (per-batch Python overhead, activations,
the optimizer step, data shuffling).

The script never asserts on speed: it prints a Markdown table and writes
``<mode>.json`` (raw timings, machine information), ``<mode>.md`` (the table) and
``<mode>.png`` (a bar chart) to ``--out`` (default ``benchmarks/results/``).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

from memory import run_memory
from peers import HAS_DTYPE, make_systems, warm_up
from report import (
    cpu_busy,
    format_share,
    machine_info,
    memory_lines,
    table_lines,
    write_outputs,
)
from threadpoolctl import threadpool_info, threadpool_limits
from timing import run_workloads
from workloads import selected_workloads


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="scaled-down run, under a minute"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results",
        help="output directory (default: benchmarks/results/)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated workload names to run (default: all)",
    )
    parser.add_argument(
        "--systems",
        default="skneuron,skneuron-f32,sklearn,torch",
        help="comma-separated systems (default: skneuron,skneuron-f32,sklearn,torch)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="BLAS and torch threads (default: 2, the machine's cores)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the memory measurements"
    )
    return parser.parse_args(argv)


def main(argv=None):
    started = time.perf_counter()
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    workloads = selected_workloads(args.only)
    names = ["skneuron", *(s for s in args.systems.split(",") if s != "skneuron")]
    busy_before = cpu_busy()
    with threadpool_limits(args.threads):
        systems = make_systems(names, args.threads)
        print(
            f"skneuron benchmark ({mode}): {', '.join(s.name for s in systems)}; "
            f"{args.threads} threads; skneuron has a dtype parameter: {HAS_DTYPE}",
            flush=True,
        )
        if busy_before is not None and busy_before > 0.2:
            print(
                f"note: the CPUs were {busy_before:.0%} busy before the start: "
                "another process runs, and timings will be noisy"
            )
        blas = [p["filepath"] for p in threadpool_info() if p["user_api"] == "blas"]
        if len(blas) > 1:
            print(
                f"note: {len(blas)} BLAS libraries loaded, each with its own threads:"
            )
            print("".join(f"  {path}\n" for path in blas), end="")
        warm_up(systems)
        rows = run_workloads(workloads, systems, args.quick)
        memory = [] if args.no_memory else run_memory(mode, systems)
        machine = machine_info()  # inside the limits: the thread counts used
    elapsed = time.perf_counter() - started
    busy = {"before": busy_before, "after": cpu_busy()}
    lines = [
        f"skneuron benchmark, {mode} run, {datetime.date.today()}, "
        f"{os.cpu_count()} CPUs, {args.threads} threads, {elapsed:.0f} s, "
        f"CPUs busy before / after: {format_share(busy['before'])} / "
        f"{format_share(busy['after'])}",
        "",
        *table_lines(rows),
    ]
    if memory:
        lines += ["", *memory_lines(memory)]
    print()
    print("\n".join(lines))
    info = {"machine": machine, "elapsed_seconds": elapsed, "cpu_busy": busy}
    paths = write_outputs(args.out, mode, args, rows, memory, info, lines)
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
