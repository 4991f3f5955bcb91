"""Watching training: verbose output, progress bars and callbacks."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from skneuron import NeuronClassifier

X, y = load_iris(return_X_y=True)


class StopAfter:
    """A picklable callback that records epochs and stops after ``n`` of them."""

    def __init__(self, n):
        self.n = n
        self.records = []

    def __call__(self, estimator, record):
        self.records.append(record)
        return record["epoch"] >= self.n


def test_a_callback_sees_every_epoch_and_can_stop_training():
    callback = StopAfter(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping is no failure
        clf = NeuronClassifier(callbacks=[callback], max_iter=50).fit(X, y)
    assert clf.n_iter_ == 4 and len(clf.loss_curve_) == 4
    assert [r["epoch"] for r in callback.records] == [1, 2, 3, 4]
    assert [r["loss"] for r in callback.records] == clf.loss_curve_
    callback.records[0]["loss"] = -1.0  # a copy: the history is untouched
    assert clf.history_[0]["loss"] > 0


def test_every_callback_is_called_and_any_may_stop():
    seen = []
    never_stops = StopAfter(10**9)
    clf = NeuronClassifier(
        callbacks=[never_stops, lambda est, rec: seen.append(est) or rec["epoch"] == 2],
        max_iter=50,
    ).fit(X, y)
    assert clf.n_iter_ == 2 and len(never_stops.records) == 2
    assert seen == [clf, clf]


def test_callbacks_do_not_break_clone_get_params_or_pickle():
    clf = NeuronClassifier(callbacks=[StopAfter(3)], max_iter=10).fit(X, y)
    assert clone(clf).get_params()["callbacks"][0].n == 3
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.callbacks[0].records[-1]["epoch"] == 3


def test_a_callback_must_be_callable():
    with pytest.raises(TypeError, match="callbacks must be callables"):
        NeuronClassifier(callbacks=["print"]).fit(X, y)


def test_progress_bar_draws_a_bar_and_verbose_stays_on_stdout(capsys):
    pytest.importorskip("tqdm", reason="tqdm is in the test extra")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuronClassifier(progress_bar=True, max_iter=3, early_stopping=True).fit(X, y)
    out, err = capsys.readouterr()
    assert "3/3" in err and "epoch" in err and "validation=" in err
    assert out == ""  # verbose=False: no lines


def test_progress_bar_without_tqdm_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails
    clf = NeuronClassifier(progress_bar=True, max_iter=3)
    with pytest.raises(ImportError, match=r"skneuron\[progress\]"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


@pytest.mark.sklearn_reference
@pytest.mark.parametrize("verbose", [True, 2, 10])
def test_any_true_verbose_prints_scikit_learn_s_lines(verbose, capsys):
    from sklearn.neural_network import MLPClassifier

    settings = dict(
        solver="sgd",
        learning_rate="adaptive",
        early_stopping=True,
        n_iter_no_change=2,
        tol=0.5,
        max_iter=30,
        random_state=0,
        verbose=verbose,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(**settings).fit(X, y)
        theirs = capsys.readouterr().out
        NeuronClassifier(dtype="float64", **settings).fit(X, y)
        ours = capsys.readouterr().out
    assert "Setting learning rate to" in theirs and "Stopping." in theirs
    assert ours == theirs
