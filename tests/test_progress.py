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


def test_lbfgs_calls_the_callback_once_per_iteration_with_its_record():
    """L-BFGS honours callbacks as the stochastic solvers do: one call per
    iteration, with that iteration's record (epoch number, loss)."""
    callback = StopAfter(10**9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(solver="lbfgs", callbacks=[callback], max_iter=8)
        clf.fit(X, y)
    assert clf.n_iter_ == 8
    assert [r["epoch"] for r in callback.records] == list(range(1, 9))
    assert [r["loss"] for r in callback.records] == clf.loss_curve_


def test_a_callback_can_stop_lbfgs():
    """Returning True stops L-BFGS after that iteration, without a convergence
    warning, with the weights of that iteration: those of max_iter=4."""
    callback = StopAfter(4)
    settings = {"solver": "lbfgs", "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping is no failure
        stopped = NeuronClassifier(callbacks=[callback], max_iter=50, **settings)
        stopped.fit(X, y)
    assert stopped.n_iter_ == 4 and len(stopped.loss_curve_) == 4
    assert len(callback.records) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        four = NeuronClassifier(max_iter=4, **settings).fit(X, y)
    for a, b in zip(
        stopped.coefs_ + stopped.intercepts_, four.coefs_ + four.intercepts_
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_progress_bar_advances_per_lbfgs_iteration(capsys):
    """progress_bar=True draws a bar for L-BFGS too, one step per iteration."""
    pytest.importorskip("tqdm", reason="tqdm is in the test extra")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(solver="lbfgs", progress_bar=True, max_iter=5)
        clf.fit(X, y)
    out, err = capsys.readouterr()
    assert clf.n_iter_ == 5
    assert "5/5" in err
    assert out == ""  # verbose=False: no lines


def _blas_threads_now():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.mark.parametrize(
    "n_features, n_hidden, n_ensemble, limited",
    [
        (4, 10, 1, True),  # 2 * 200 rows * 4 * 10 = 16 kFLOP per product
        (100, 1000, 1, False),  # 2 * 200 rows * 100 * 1000 = 40 MFLOP per product
        (100, 200, 1, True),  # 8 MFLOP
        (100, 200, 4, False),  # 4 members: 32 MFLOP
    ],
)
def test_small_networks_train_on_one_blas_thread(
    n_features, n_hidden, n_ensemble, limited
):
    """Training a network whose products are small (under 2e7 flops) runs BLAS on
    one thread, larger ones on all the threads allowed; restored after the fit.
    Read from inside the fit by a callback, so no timing is involved."""
    from threadpoolctl import threadpool_limits

    if not _blas_threads_now():
        pytest.skip("threadpoolctl finds no BLAS library")
    rng = np.random.RandomState(0)
    Xb = rng.randn(200, n_features)
    yb = (Xb[:, 0] > 0).astype(int)
    seen = []
    clf = NeuronClassifier(
        hidden_layer_sizes=(n_hidden,),
        n_ensemble=n_ensemble,
        max_iter=1,
        callbacks=[lambda est, record: seen.append(_blas_threads_now())],
    )
    with threadpool_limits(limits=2, user_api="blas"):
        outside = _blas_threads_now()
        if max(outside) < 2:
            pytest.skip("BLAS cannot run 2 threads here")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(Xb, yb)
        assert _blas_threads_now() == outside  # restored
    assert len(seen) == 1
    assert seen[0] == ([1] * len(outside) if limited else outside)
