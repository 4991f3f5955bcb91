"""Callbacks: the user's ``callbacks=``, and scikit-learn's tasks of a fit.

``callbacks=`` takes callables ``(estimator, record) -> bool``, called after each
epoch (:func:`user_callbacks`). scikit-learn's callbacks (``sklearn.callback``,
1.9 and later, set with ``set_callbacks``) follow a tree of tasks:

a fit is one task, the root, with one subtask per epoch (or per L-BFGS
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


def user_callbacks(estimator):
    """The user's ``callbacks=`` as one function of the epoch record, or None."""
    callbacks = list(estimator.callbacks or [])
    for callback in callbacks:
        if not callable(callback):
            raise TypeError(
                "callbacks must be callables taking (estimator, record), got "
                f"{callback!r}."
            )
    if not callbacks:
        return None
    # Every callback sees every epoch; any of them may ask to stop.
    return lambda record: any([callback(estimator, record) for callback in callbacks])


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

    def epochs(self, name, ahead=False):
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

    def epochs(self, name, ahead=False):
        """The tasks of the epochs (or iterations), or None when no callback is set.

        ``name`` is each task's name: "epoch" or "iteration"; ``ahead``, whether
        each task begins as the previous one ends (see :class:`EpochTasks`).
        """
        if not getattr(self.estimator, "_skl_callbacks", None):
            return None  # nobody listens: training runs no hook
        return EpochTasks(self, name, ahead)

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

    A context manager around the training: each ``begin`` is matched by an
    ``end``, and a task left open on exit (a diverged epoch, or the L-BFGS
    iteration that never ran) is ended empty, as scikit-learn's protocol asks.
    With ``ahead``, for L-BFGS, whose scipy reports an iteration after the fact,
    the first task begins on entry and each next one as the previous ends, as in
    scikit-learn's ``LogisticRegression``.
    """

    def __init__(self, fit_task, name, ahead=False):
        self.fit_task = fit_task
        self.name = name
        self.ahead = ahead
        self.current = None

    def __enter__(self):
        if self.ahead:
            self.begin()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def attach(self, run, snapshot):
        """Open and end a task around each epoch of ``run``, with its callbacks.

        ``snapshot() -> FitResult`` is the model as if the fit stopped after the
        epoch (see :meth:`end`).
        """
        run.on_epoch_begin = self.begin
        run.on_epoch_end = either(run.on_epoch_end, lambda record: self.end(snapshot))

    def after_iteration(self, snapshot):
        """End an L-BFGS iteration's task and begin the next; True stops."""
        stop = self.end(snapshot)
        self.begin()
        return stop

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


def either(*hooks):
    """Epoch-end hooks as one, which stops when any asks to; every hook runs."""
    hooks = [hook for hook in hooks if hook is not None]
    if len(hooks) < 2:
        return hooks[0] if hooks else None
    return lambda record: any([hook(record) for hook in hooks])


def _attributes(estimator, result):
    """The fitted attributes publishing ``result`` would write."""
    attributes = estimator._fitted_attributes(result)
    if attributes["feature_names_in_"] is None:
        del attributes["feature_names_in_"]
    return attributes
