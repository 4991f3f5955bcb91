"""scikit-learn's callback API (sklearn.callback, SLEP023) on skneuron's estimators.

Against scikit-learn's own ProgressBar and ScoringMonitor, and a recording callback
that counts the hooks: one task per epoch (or L-BFGS iteration), propagation from
Pipeline, GridSearchCV and the tabular recipe, stopping, failing callbacks,
pickling.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
    _callbacks,
)
from skneuron._compat import HAS_SKLEARN_CALLBACKS

needs_callbacks = pytest.mark.skipif(
    not HAS_SKLEARN_CALLBACKS,
    reason="sklearn.callback (SLEP023) is new in scikit-learn 1.9",
)

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_reg, y_reg = make_regression(n_samples=80, n_features=4, random_state=0)
y_reg = y_reg / y_reg.std()

ESTIMATORS = [
    (NeuronClassifier, X, y),
    (NeuronRegressor, X_reg, y_reg),
]
# The score each estimator's ``score`` method computes; ScoringMonitor's
# ``scoring=None`` fails on scikit-learn 1.9.1 (its passthrough scorer returns a
# float where a dict is expected).
SCORE = {NeuronClassifier: "accuracy", NeuronRegressor: "r2"}
SCORE |= {TabularClassifier: "accuracy", TabularRegressor: "r2"}


class Recorder:
    """A FitCallback that counts its hooks per task name; auto-propagated."""

    max_propagation_depth = None

    def __init__(self, stop_after=None, fail_at=None):
        self.stop_after = stop_after
        self.fail_at = fail_at
        self.begun, self.ended, self.torn_down = [], [], 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        self.torn_down += 1

    def on_fit_task_begin(self, estimator, context):
        self.begun.append(context.task_name)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.ended.append(context.task_name)
        if self.fail_at is not None and self.ended.count("epoch") == self.fail_at:
            raise RuntimeError("callback failed")
        n_ended = self.ended.count(context.task_name)
        return self.stop_after is not None and n_ended >= self.stop_after

    def count(self, name):
        return self.ended.count(name)


def _fit_quietly(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def _progress_bar():
    pytest.importorskip("rich", reason="scikit-learn's ProgressBar draws with rich")
    from sklearn.callback import ProgressBar

    return ProgressBar()


def _scoring_monitor(scoring):
    from sklearn.callback import ScoringMonitor

    return ScoringMonitor(scoring=scoring)


def _rows(monitor, task_name):
    return [row for row in monitor.get_logs().data if row["task_name"] == task_name]


@needs_callbacks
@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_scoring_monitor_scores_every_epoch(Estimator, X, y, solver):
    monitor = _scoring_monitor(SCORE[Estimator])
    model = Estimator(solver=solver, max_iter=6, random_state=0)
    _fit_quietly(model.set_callbacks(monitor), X, y)
    epochs = _rows(monitor, "epoch")
    scores = [row[SCORE[Estimator]] for row in epochs]
    assert len(epochs) == model.n_iter_ == 6
    # The last epoch's fitted estimator is the model the fit published.
    assert scores[-1] == pytest.approx(model.score(X, y))
    assert [row["task_id"] for row in epochs] == list(range(6))
    assert len(set(scores)) > 1  # scored as training went


@needs_callbacks
@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_one_task_per_lbfgs_iteration(Estimator, X, y):
    recorder, monitor = Recorder(), _scoring_monitor(SCORE[Estimator])
    model = Estimator(solver="lbfgs", max_iter=8, random_state=0)
    _fit_quietly(model.set_callbacks(recorder, monitor), X, y)
    iterations = _rows(monitor, "iteration")
    assert len(iterations) == model.n_iter_ == 8
    last = iterations[-1][SCORE[Estimator]]
    assert last == pytest.approx(model.score(X, y))
    # As LogisticRegression: the task opened for the iteration that never ran
    # ends empty, so every begin has its end.
    assert recorder.begun.count("iteration") == model.n_iter_ + 1
    assert recorder.count("iteration") == model.n_iter_ + 1
    assert recorder.count("fit") == 1 and recorder.torn_down == 1


@needs_callbacks
def test_progress_bar_alone(capsys):
    recorder = Recorder()
    model = NeuronClassifier(max_iter=5, random_state=0)
    _fit_quietly(model.set_callbacks(_progress_bar(), recorder), X, y)
    assert recorder.count("epoch") == model.n_iter_ == 5
    assert "NeuronClassifier - fit" in capsys.readouterr().out


@needs_callbacks
def test_propagated_from_pipeline(capsys):
    recorder = Recorder()
    pipe = make_pipeline(StandardScaler(), NeuronClassifier(max_iter=7))
    _fit_quietly(pipe.set_callbacks(_progress_bar(), recorder), X, y)
    assert recorder.count("epoch") == pipe[-1].n_iter_ == 7
    assert "NeuronClassifier - fit" in capsys.readouterr().out
    # The callbacks went back to the pipeline: the step keeps none.
    assert not hasattr(pipe[-1], "_skl_callbacks")


@needs_callbacks
def test_scoring_monitor_on_a_pipeline_step():
    monitor = _scoring_monitor("accuracy")
    network = NeuronClassifier(max_iter=4, random_state=0).set_callbacks(monitor)
    pipe = _fit_quietly(make_pipeline(StandardScaler(), network), X, y)
    epochs = _rows(monitor, "epoch")
    assert len(epochs) == 4
    assert epochs[-1]["accuracy"] == pytest.approx(pipe.score(X, y))
    assert monitor.get_logs().estimator_name == "Pipeline"  # one task tree


@needs_callbacks
def test_propagated_from_grid_search():
    recorder, monitor = Recorder(), _scoring_monitor("accuracy")
    network = NeuronClassifier(max_iter=3).set_callbacks(monitor)
    search = GridSearchCV(network, {"alpha": [1e-4, 1e-2]}, cv=2)
    _fit_quietly(search.set_callbacks(recorder), X, y)
    # 2 candidates x 2 folds, and the refit, 3 epochs each.
    assert recorder.count("epoch") == 5 * 3
    assert len(_rows(monitor, "epoch")) == 5 * 3


@needs_callbacks
def test_progress_bar_from_grid_search(capsys):
    search = GridSearchCV(NeuronClassifier(max_iter=2), {"alpha": [1e-4]}, cv=2)
    _fit_quietly(search.set_callbacks(_progress_bar()), X, y)
    assert "GridSearchCV - fit" in capsys.readouterr().out


@needs_callbacks
@pytest.mark.parametrize(
    "Tabular, X, y", [(TabularClassifier, X, y), (TabularRegressor, X_reg, y_reg)]
)
def test_tabular_propagates_to_its_network(Tabular, X, y, capsys):
    recorder, monitor = Recorder(), _scoring_monitor(SCORE[Tabular])
    model = Tabular(max_iter=4, random_state=0)
    _fit_quietly(model.set_callbacks(_progress_bar(), recorder, monitor), X, y)
    assert recorder.count("epoch") == model.network_.n_iter_ == 4
    assert recorder.count("fit-transform-preprocessor") == 1
    assert "fit-network | " + type(model.network_).__name__ in capsys.readouterr().out
    # ScoringMonitor is not auto-propagated: it scores the recipe's own fit, on
    # the targets as given (TabularRegressor scales them for the network).
    (row,) = _rows(monitor, "fit")
    assert row[SCORE[Tabular]] == pytest.approx(model.score(X, y))
    assert not hasattr(model.network_, "_skl_callbacks")


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_stops_training(solver):
    task = "iteration" if solver == "lbfgs" else "epoch"
    recorder = Recorder(stop_after=3)
    model = NeuronClassifier(solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # "stopped" warns not
        model.set_callbacks(recorder).fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 3
    assert recorder.count(task) == 3 + (solver == "lbfgs")
    model.predict(X)


@needs_callbacks
def test_a_failing_callback_leaves_the_estimator_as_it_was():
    model = NeuronClassifier(max_iter=5, random_state=0)
    with pytest.raises(RuntimeError, match="callback failed"):
        model.set_callbacks(Recorder(fail_at=2)).fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert not hasattr(model, "_callback_fit_ctx")

    _fit_quietly(model.set_callbacks(), X, y)
    before = {k: v for k, v in vars(model).items() if k != "_skl_callbacks"}
    params = model._params.copy()
    recorder = Recorder(fail_at=1)
    with pytest.raises(RuntimeError, match="callback failed"):
        model.set_callbacks(recorder).fit(X[::-1], y[::-1])
    assert recorder.torn_down == 1  # teardown runs however the fit ends
    np.testing.assert_array_equal(model._params, params)
    after = {k: v for k, v in vars(model).items() if k != "_skl_callbacks"}
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)


@needs_callbacks
def test_user_callbacks_and_sklearn_callbacks_both_see_every_epoch():
    seen = []
    recorder = Recorder()
    model = NeuronClassifier(
        max_iter=4, callbacks=[lambda est, record: seen.append(record["epoch"])]
    )
    _fit_quietly(model.set_callbacks(recorder), X, y)
    assert seen == [1, 2, 3, 4] and recorder.count("epoch") == 4


@needs_callbacks
def test_partial_fit_is_one_epoch_task():
    recorder = Recorder()
    model = NeuronClassifier(random_state=0).set_callbacks(recorder)
    model.partial_fit(X, y, classes=np.unique(y))
    model.partial_fit(X, y)
    assert recorder.count("epoch") == 2 and recorder.count("fit") == 2


@needs_callbacks
@pytest.mark.parametrize("Estimator, X, y", ESTIMATORS)
def test_pickle_a_model_that_had_callbacks(Estimator, X, y):
    callbacks = [_scoring_monitor(SCORE[Estimator])]
    try:
        callbacks.append(_progress_bar())
    except pytest.skip.Exception:
        pass  # ScoringMonitor alone without rich
    model = _fit_quietly(Estimator(max_iter=3).set_callbacks(*callbacks), X, y)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    _fit_quietly(loaded, X, y)  # its callbacks still work after loading
    assert len(_rows(loaded._skl_callbacks[0], "epoch")) == 3


@needs_callbacks
def test_no_epoch_task_without_a_callback(monkeypatch):
    # Without a callback, no task is opened per epoch: the loop runs no hook.
    from sklearn.callback import CallbackContext

    def refuse(*args, **kwargs):
        raise AssertionError("an epoch task was opened with no callback set")

    monkeypatch.setattr(CallbackContext, "subcontext", refuse)
    for solver in ("adam", "lbfgs"):
        _fit_quietly(NeuronClassifier(solver=solver, max_iter=3), X, y)


def test_fits_where_scikit_learn_has_no_callbacks(monkeypatch):
    # Older scikit-learn: the fit's task does nothing, and fitting is unchanged.
    monkeypatch.setattr(_callbacks, "HAS_SKLEARN_CALLBACKS", False)
    assert isinstance(_callbacks.open_task(None, X, y, None, 3), _callbacks.NoTask)
    reference = _fit_quietly(NeuronClassifier(max_iter=3, random_state=0), X, y)
    monkeypatch.undo()
    model = _fit_quietly(NeuronClassifier(max_iter=3, random_state=0), X, y)
    np.testing.assert_array_equal(model._params, reference._params)
    tabular = _fit_quietly(TabularClassifier(max_iter=3, random_state=0), X, y)
    assert tabular.network_.n_iter_ == 3
    assert hasattr(NeuronClassifier(), "set_callbacks") == HAS_SKLEARN_CALLBACKS
