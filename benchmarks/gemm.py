"""The GEMM limit: how long numpy's BLAS alone takes for a workload's products.

Per layer the forward ``A @ W``, and the backward ``A.T @ dZ`` and ``dZ @ W.T``
(the latter skipped for the first layer), timed on preallocated arrays of exactly
those shapes for every batch of every epoch. A training loop cannot beat it by
much.
"""

import time
from functools import cache
from itertools import pairwise

import numpy as np
from workloads import SEED


def layer_sizes(workload, X, y):
    """``(n_features, *hidden, n_outputs)`` of the workload's network."""
    if workload.task == "regression":
        n_out = 1
    else:
        n_classes = len(np.unique(y))
        n_out = 1 if n_classes == 2 else n_classes
    return (X.shape[1], *workload.hidden, n_out)


def batch_products(sizes, rows, backward=True):
    """Shapes ``(kind, rows, fan_in, fan_out)`` of the products of one batch.

    Per weight layer: forward ``A @ W`` is (rows, fan_in) x (fan_in, fan_out);
    backward ``A.T @ dZ`` is (fan_in, rows) x (rows, fan_out), and ``dZ @ W.T``
    (rows, fan_out) x (fan_out, fan_in), the latter not for the first layer, whose
    input needs no gradient. Each costs ``2 * rows * fan_in * fan_out`` FLOPs.
    """
    products = []
    for l, (fan_in, fan_out) in enumerate(pairwise(sizes)):
        products.append(("A @ W", rows, fan_in, fan_out))
        if backward:
            products.append(("A.T @ dZ", rows, fan_in, fan_out))
            if l > 0:
                products.append(("dZ @ W.T", rows, fan_in, fan_out))
    return products


def flops(products):
    """FLOPs of a list of products: ``2 * m * k * n`` each."""
    return sum(2 * rows * fan_in * fan_out for _, rows, fan_in, fan_out in products)


def operands(kind, rows, fan_in, fan_out, dtype, rng):
    """Preallocated ``(a, b, out)`` for one product, transposes as views."""

    def rand(*shape):
        return rng.standard_normal(shape).astype(dtype)

    if kind == "A @ W":
        return rand(rows, fan_in), rand(fan_in, fan_out), rand(rows, fan_out)
    if kind == "A.T @ dZ":
        return rand(rows, fan_in).T, rand(rows, fan_out), rand(fan_in, fan_out)
    return rand(rows, fan_out), rand(fan_in, fan_out).T, rand(rows, fan_in)


@cache
def time_products(products, dtype, budget):
    """Seconds numpy's BLAS takes for one pass over ``products`` (a tuple).

    Times ``np.matmul(a, b, out=out)`` on preallocated arrays, in blocks of
    passes sized to fill about ``budget`` seconds in all, and keeps the fastest
    block: the limit is a lower bound, which other processes can only inflate.
    Cached: workloads with the same shapes share one measurement.
    """
    rng = np.random.default_rng(SEED)
    ops = [operands(*product, dtype, rng) for product in products]

    def one_pass():
        for a, b, out in ops:
            np.matmul(a, b, out=out)

    one_pass()  # warm-up
    start = time.perf_counter()
    one_pass()
    single = max(time.perf_counter() - start, 1e-7)
    n_blocks = 5
    per_block = max(1, int(budget / n_blocks / single))
    blocks = []
    for _ in range(n_blocks):
        start = time.perf_counter()
        for _ in range(per_block):
            one_pass()
        blocks.append((time.perf_counter() - start) / per_block)
    return min(blocks)


def batch_row_counts(n_rows, size):
    """``{rows: count}`` of the batches of one epoch, ``size`` rows per batch."""
    counts = {size: n_rows // size}
    if n_rows % size:
        counts[n_rows % size] = 1
    return {rows: count for rows, count in counts.items() if count}


def gemm_limit(sizes, batches, passes, budget, backward=True):
    """GEMM limit and FLOPs of ``passes`` passes over ``batches``.

    Parameters
    ----------
    sizes : tuple of int
        Layer sizes of the network.
    batches : dict
        ``{rows: count}`` of one pass (an epoch, or one predict call).
    passes : int
        Epochs (or calls).
    budget : float
        Seconds of timing per batch shape and dtype.
    backward : bool
        Training (forward and backward products) or predicting (forward only).

    Returns
    -------
    limit : dict
        ``{"float32": seconds, "float64": seconds}``.
    n_flops : int
    """
    limit = dict.fromkeys(("float32", "float64"), 0.0)
    n_flops = 0
    for rows, count in batches.items():
        products = tuple(batch_products(sizes, rows, backward))
        n_flops += flops(products) * count * passes
        for dtype in limit:
            limit[dtype] += time_products(products, dtype, budget) * count * passes
    return limit, n_flops
