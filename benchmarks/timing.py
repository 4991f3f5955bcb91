"""Interleaved timing: every system once per round, medians over the rounds."""

import gc
import statistics
import time
from dataclasses import dataclass, field

import numpy as np
from gemm import batch_row_counts, gemm_limit, layer_sizes
from peers import takes_part
from workloads import batch_size, held_out_score, load_data, workload_data

PAUSE = 0.05
"""Seconds of sleep before each timed call (one-row predicts excepted): lets the
BLAS and OpenMP worker threads of the previous system stop spinning, so that they
do not slow down the next one."""


QUICK_SECONDS = 40
"""``--quick``: seconds of timed runs shared by the workloads; a workload that has
used its share starts no new round of repeats (it always completes one)."""


def timed(func, *args):
    """``(seconds, result)`` of one call."""
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def interleave(calls, repeats, allowance=None, pause=PAUSE):
    """Time ``calls`` round-robin (A B C A B C ...) for ``repeats`` rounds.

    Parameters
    ----------
    calls : dict
        ``{name: function}``; ``function(round)`` is timed.
    repeats : int
    allowance : float or None
        Seconds after which no new round starts (at least one always runs): the
        time guard of ``--quick`` on a busy machine.
    pause : float
        Seconds of sleep, after a garbage collection, before each timed call.

    Returns
    -------
    times : dict
        ``{name: [seconds, ...]}``.
    results : dict
        ``{name: result of the last call}``.
    """
    times = {name: [] for name in calls}
    results = {}
    start = time.perf_counter()
    for round_ in range(repeats):
        for name, function in calls.items():
            if pause:
                gc.collect()
                time.sleep(pause)
            seconds, results[name] = timed(function, round_)
            times[name].append(seconds)
        if allowance is not None and time.perf_counter() - start > allowance:
            break
    return times, results


@dataclass
class Row:
    """One line of the results table, with the raw timings."""

    workload: str
    system: str
    dtype: str
    times: list
    score: float | None = None
    note: str = ""
    flops: int | None = None
    limit: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self):
        return statistics.median(self.times)


def run_fit_workload(workload, scale, systems, budget, allowance=None):
    """Time training; return one :class:`Row` per system."""
    data = workload_data(workload, scale)

    def fit(system):
        return lambda _: system.fit(workload, data.X_train, data.y_train, scale.epochs)

    times, models = interleave(
        {system.name: fit(system) for system in systems}, scale.repeats, allowance
    )
    limit = n_flops = None
    if workload.solver != "lbfgs":
        sizes = layer_sizes(workload, data.X_train, data.y_train)
        n_rows = len(data.X_train)
        batches = batch_row_counts(n_rows, batch_size(workload, n_rows))
        limit, n_flops = gemm_limit(sizes, batches, scale.epochs, budget)
    rows = []
    for system in systems:
        model = models[system.name]
        y_pred = system.predict(model, data.X_test)
        rows.append(
            Row(
                workload.name,
                system.name,
                system.compute_dtype(model),
                times[system.name],
                held_out_score(workload.task, data.y_test, y_pred),
                system.note(model),
                n_flops,
                limit,
                extra={"train_rows": len(data.X_train), "epochs": scale.epochs},
            )
        )
    return rows


def run_predict_workload(workload, scale, systems, budget, allowance=None):
    """Time one-row ``predict`` latency, then a large ``predict``.

    The models are trained for ``scale.epochs`` epochs on the workload's data. The
    rows predicted are the held-out rows as float64 (as a user holds them), those
    of the large predict repeated up to ``scale.predict_rows`` rows. One-row calls
    are interleaved call by call, without pauses, a new row each round.
    """
    data = workload_data(workload, scale)
    models = {
        s.name: s.fit(workload, data.X_train, data.y_train, scale.epochs)
        for s in systems
    }
    X_rows = load_data(workload.data, scale.rows).X_test
    X_big = np.resize(X_rows, (scale.predict_rows, X_rows.shape[1]))

    def one_row(system):
        model = models[system.name]
        return lambda i: system.predict(model, X_rows[i % len(X_rows)][np.newaxis])

    def many_rows(system):
        return lambda _: system.predict(models[system.name], X_big)

    share = None if allowance is None else allowance / 3
    latency, _ = interleave(
        {s.name: one_row(s) for s in systems}, scale.latency_calls, share, pause=0
    )
    share = None if allowance is None else allowance - share
    bulk, _ = interleave({s.name: many_rows(s) for s in systems}, scale.repeats, share)

    scores = {
        s.name: held_out_score(
            workload.task, data.y_test, s.predict(models[s.name], data.X_test)
        )
        for s in systems
    }
    sizes = layer_sizes(workload, data.X_train, data.y_train)
    measures = [
        (f"{workload.name} 1 row", latency, 1),
        (f"{workload.name} {scale.predict_rows:,} rows", bulk, scale.predict_rows),
    ]
    rows = []
    for label, times, n_rows in measures:
        limit, n_flops = gemm_limit(sizes, {n_rows: 1}, 1, budget, backward=False)
        for system in systems:
            rows.append(
                Row(
                    label,
                    system.name,
                    system.compute_dtype(models[system.name]),
                    times[system.name],
                    scores[system.name],
                    "",
                    n_flops,
                    limit,
                )
            )
    return rows


def run_workloads(workloads, systems, quick):
    """Run the workloads in turn; their rows, in table order."""
    budget = 0.03 if quick else 0.3  # seconds of GEMM timing per shape and dtype
    allowance = QUICK_SECONDS / len(workloads) if quick else None
    rows = []
    for workload in workloads:
        scale = workload.quick if quick else workload.full
        active = [s for s in systems if takes_part(s.name, workload)]
        run = run_predict_workload if workload.kind == "predict" else run_fit_workload
        start = time.perf_counter()
        rows += run(workload, scale, active, budget, allowance)
        seconds = time.perf_counter() - start
        print(f"  {workload.name}: {seconds:.1f} s ({workload.about})", flush=True)
    return rows
