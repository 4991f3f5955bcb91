"""Full-batch training with scipy's L-BFGS-B, straight on the flat parameter vector."""

import time

import numpy as np
import scipy.optimize


def fit_lbfgs(
    workspace,
    X,
    Y,
    sample_weight,
    *,
    max_iter,
    max_fun,
    tol,
    history,
    on_iteration,
    bounds=None,
):
    """Minimize the full-batch loss with L-BFGS-B; leave the result in the workspace.

    Parameters
    ----------
    workspace : Workspace
        Sized for all of ``X``; its parameters are the starting point and receive
        the solution.
    X, Y, sample_weight : arrays
        The whole training set.
    max_iter, max_fun : int
        Limits on iterations and on loss evaluations.
    tol : float
        Stop when the largest gradient component falls below it (``gtol``).
    history : list of dict
        One record per iteration is appended (``epoch``, ``loss``, ``seconds``).
    on_iteration : callable
        ``on_iteration(record, x) -> bool`` after each iteration, ``x`` being the
        iterate (float64, not to be kept: it is overwritten); True stops.
    bounds : (ndarray, ndarray) or None, default=None
        Lower and upper bounds of each parameter (``monotonic_cst``'s sign
        pattern), which L-BFGS-B keeps every iterate within; the start must be
        within them.

    Returns
    -------
    status : {"done", "stopped", "interrupted"}
        "done" when scipy stopped; "stopped" when ``on_iteration`` asked to;
        "interrupted" by a ``KeyboardInterrupt`` after at least one iteration (an
        interrupt before that propagates). The parameters are then those of the
        last completed iteration.
    result : scipy.optimize.OptimizeResult or None
        scipy's result, when "done".
    """
    params = workspace.params

    # The point and loss of the latest evaluation. L-BFGS-B's last evaluation of
    # an iteration is at its new iterate, so the callback reads its loss here.
    last = {"x": None, "loss": None}

    def loss_gradient(x):
        params[...] = x
        loss = workspace.loss_gradient(X, Y, sample_weight)
        last["x"], last["loss"] = np.array(x, dtype=np.float64), loss
        # scipy keeps the returned array: hand it a copy, the buffer is reused.
        return loss, workspace.grad.astype(np.float64)

    clock = [time.perf_counter()]
    # The last completed iterate: an interrupt may land inside a line search.
    completed = params.astype(np.float64)
    iterations_before = len(history)

    # `callback(xk)`, not `callback(intermediate_result)`: scipy < 1.11 knows only
    # the first form, and later versions still call it so.
    def record(xk):
        completed[...] = xk
        if last["x"] is None or not np.array_equal(xk, last["x"]):
            loss_gradient(xk)  # not expected: scipy evaluated elsewhere last
        loss = last["loss"]
        now = time.perf_counter()
        history.append(
            {
                "epoch": len(history) + 1,
                "loss": float(loss),
                "validation_score": None,
                "learning_rate": None,
                "seconds": now - clock[0],
            }
        )
        clock[0] = now
        if on_iteration(history[-1], completed):
            raise _Stop

    try:
        result = scipy.optimize.minimize(
            loss_gradient,
            completed.copy(),
            method="L-BFGS-B",
            jac=True,
            bounds=None if bounds is None else scipy.optimize.Bounds(*bounds),
            callback=record,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    except _Stop:
        params[...] = completed
        return "stopped", None
    except KeyboardInterrupt:
        if len(history) == iterations_before:
            raise  # no iteration completed: nothing worth keeping
        params[...] = completed
        return "interrupted", None
    params[...] = result.x
    return "done", result


class _Stop(Exception):
    """Raised by the callback to end the run; never StopIteration, which scipy
    catches itself from version 1.11 on and older versions do not."""
