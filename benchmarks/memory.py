"""Peak memory of a fit and of a large predict, per system (tracemalloc)."""

import gc
import tracemalloc

import numpy as np
from peers import EstimatorSystem
from workloads import MEMORY, SEED, load_data, workload_data, workload_named


def peak_memory_mb(func):
    """Peak memory allocated while ``func()`` runs, in MB, as tracemalloc sees it.

    numpy reports its array allocations to tracemalloc; PyTorch does not, so only
    numpy-based systems are measured.
    """
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 2**20


def run_memory(mode, systems):
    """Peak extra memory of a W4-like ``fit`` and of a large W5-like ``predict``.

    The fit is one epoch on ``MEMORY[mode]["fit_rows"]`` rows of W4's data (float64,
    as a user passes it); the predict, of float32 random rows, uses a model trained
    for one epoch on W5's quick data: its size, not its quality, matters here.
    """
    sizes = MEMORY[mode]
    systems = [s for s in systems if isinstance(s, EstimatorSystem)]
    fit_workload = workload_named("W4-regression")
    fit_data = load_data(fit_workload.data, sizes["fit_rows"])
    predict_workload = workload_named("W5-predict")
    predict_data = workload_data(predict_workload, predict_workload.quick)
    X_big = np.random.default_rng(SEED).standard_normal(
        (sizes["predict_rows"], predict_data.X_train.shape[1]), dtype=np.float32
    )
    results = []
    for system in systems:
        model = system.fit(
            predict_workload, predict_data.X_train, predict_data.y_train, 1
        )
        fit_mb = peak_memory_mb(
            lambda system=system: system.fit(
                fit_workload, fit_data.X_train, fit_data.y_train, 1
            )
        )
        predict_mb = peak_memory_mb(
            lambda system=system, model=model: model.predict(X_big)
        )
        results += [
            {
                "what": f"fit {fit_workload.name}, 1 epoch",
                "system": system.name,
                "X_shape": list(fit_data.X_train.shape),
                "X_mb": fit_data.X_train.nbytes / 2**20,
                "peak_mb": fit_mb,
            },
            {
                "what": f"predict {predict_workload.name} model",
                "system": system.name,
                "X_shape": list(X_big.shape),
                "X_mb": X_big.nbytes / 2**20,
                "peak_mb": predict_mb,
            },
        ]
    return results
