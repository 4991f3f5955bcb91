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


def test_verbose_2_draws_a_progress_bar(capsys):
    pytest.importorskip("tqdm", reason="verbose=2 draws a bar only with tqdm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuronClassifier(verbose=2, max_iter=3, early_stopping=True).fit(X, y)
    err = capsys.readouterr().err
    assert "3/3" in err and "epoch" in err and "validation=" in err


def test_verbose_2_without_tqdm_prints_lines(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuronClassifier(verbose=2, max_iter=3).fit(X, y)
    assert capsys.readouterr().out.count("Iteration") == 3
