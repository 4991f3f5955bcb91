"""scikit-learn's callbacks (``sklearn.callback``, 1.9 and later): a fit's tasks.

A fit is one task, the root, with one subtask per epoch (or per L-BFGS
iteration), as scikit-learn's ``LogisticRegression`` opens one per iteration;
the tabular estimators' root has one subtask per step instead (the
preprocessing, then the network, to which scikit-learn's auto-propagated
callbacks such as ``ProgressBar`` pass on). An epoch task's end hook may ask
to stop: training then ends as if a ``callbacks=`` callable had asked, with
the status "stopped".

Where scikit-learn has no callback API, :func:`open_task` returns a task that
does nothing, so the code that fits reads the same on every supported release.
The epoch tasks exist only while a callback is set: without one, training
runs no hook at all.
"""

from contextlib import contextmanager, nullcontext

from ._compat import HAS_SKLEARN_CALLBACKS


def open_task(estimator, X, y, sample_weight, max_subtasks):
    """Open the root task of a fit, set the callbacks up and begin the task.

    Parameters
    ----------
    estimator : estimator
        Calls this at the start of its fit, after checking the data.
    X, y : array-like
        The training data, as checked: what ``ScoringMonitor`` scores on.
    sample_weight : array-like or None
        As the user passed it; handed to the callbacks as metadata.
    max_subtasks : int
        The most epochs, iterations or steps the fit can run.

    Returns
    -------
    FitTask or NoTask
    """
    if not HAS_SKLEARN_CALLBACKS:
        return NoTask()
    return FitTask(estimator, X, y, sample_weight, max_subtasks)


def network_subtasks(estimator, incremental):
    """How many epochs or iterations a network's fit can run: its root's subtasks."""
    if estimator.solver == "lbfgs":
        # scipy reports an iteration after it ends, so the next one's task is
        # opened in advance and the last opened never runs, as in LogisticRegression.
        return estimator.max_iter + 1
    return 1 if incremental else estimator.max_iter


class NoTask:
    """The task of a fit that no callback can see: every hook does nothing."""

    def epochs(self, name):
        return None

    @contextmanager
    def step(self, name, sub_estimator=None):
        yield

    def end(self):
        pass


class FitTask:
    """The root task of one fit, in scikit-learn's task tree.

    Parameters are those of :func:`open_task`.
    """

    def __init__(self, estimator, X, y, sample_weight, max_subtasks):
        self.estimator = estimator
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.data = {"X": X, "y": y, "metadata": metadata}
        # Merges this task with a meta-estimator's (Pipeline, GridSearchCV), and
        # sets up the callbacks set on this estimator.
        self.context = estimator._init_callback_context(max_subtasks=max_subtasks)
        self.context.call_on_fit_task_begin(estimator=estimator, **self.data)

    def epochs(self, name):
        """The tasks of the epochs (or iterations), or None when no callback is set.

        ``name`` is each task's name: "epoch" or "iteration".
        """
        if not getattr(self.estimator, "_skl_callbacks", None):
            return None  # nobody listens: training runs no hook
        return EpochTasks(self, name)

    @contextmanager
    def step(self, name, sub_estimator=None):
        """A subtask around one step of a meta-estimator's fit.

        The auto-propagated callbacks pass on to ``sub_estimator``, whose own
        task tree then hangs from this subtask, as in a Pipeline's last step.
        """
        context = self.context.subcontext(task_name=name)
        propagating = (
            nullcontext()
            if sub_estimator is None
            else context.propagate_callback_context(sub_estimator)
        )
        with propagating:
            context.call_on_fit_task_begin(estimator=self.estimator, **self.data)
            yield
            context.call_on_fit_task_end(estimator=self.estimator, **self.data)

    def end(self):
        """End the fit's task, the estimator fitted (callbacks may score it)."""
        self.context.call_on_fit_task_end(
            estimator=self.estimator, **self.data, reconstruction_attributes={}
        )


class EpochTasks:
    """One task per epoch (or L-BFGS iteration) under a fit's root task.

    Each ``begin`` is matched by an ``end`` (or by ``close``, for a task left
    open), as scikit-learn's protocol asks.
    """

    def __init__(self, fit_task, name):
        self.fit_task = fit_task
        self.name = name
        self.current = None

    def begin(self):
        """Begin the next epoch's task."""
        self.current = self.fit_task.context.subcontext(task_name=self.name)
        self.current.call_on_fit_task_begin(
            estimator=self.fit_task.estimator, **self.fit_task.data
        )

    def end(self, snapshot):
        """End the current epoch's task; return whether a callback asks to stop.

        ``snapshot() -> FitResult`` is the model as if the fit stopped here; it is
        built only for a callback that asks for the fitted estimator.
        """
        context, self.current = self.current, None
        estimator = self.fit_task.estimator
        return context.call_on_fit_task_end(
            estimator=estimator,
            **self.fit_task.data,
            reconstruction_attributes=lambda: _attributes(estimator, snapshot()),
        )

    def close(self):
        """End a task left open (by a diverged epoch, or the L-BFGS iteration
        that never ran) as an empty task."""
        if self.current is not None:
            self.current.call_on_fit_task_end(estimator=self.fit_task.estimator)
            self.current = None


def _attributes(estimator, result):
    """The fitted attributes publishing ``result`` would write."""
    attributes = estimator._fitted_attributes(result)
    if attributes["feature_names_in_"] is None:
        del attributes["feature_names_in_"]
    return attributes
