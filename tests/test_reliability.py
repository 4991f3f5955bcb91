"""Interruption, determinism and concurrency."""

import _thread
import pickle
import signal
import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skneuron import NeuronClassifier, NeuronRegressor

X, y = load_digits(return_X_y=True)
X = X / 16


def _interrupt_at(epoch):
    def callback(estimator, record):
        if record["epoch"] == epoch:
            raise KeyboardInterrupt

    return callback


def test_interrupt_keeps_the_last_completed_epoch():
    with pytest.warns(UserWarning, match="interrupted by the user after 3 epochs"):
        clf = NeuronClassifier(
            callbacks=[_interrupt_at(3)], max_iter=50, random_state=0
        )
        clf.fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    assert np.isfinite(clf._params).all()
    # Interrupted after epoch 3 = trained for exactly 3 epochs.
    three = NeuronClassifier(max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        three.fit(X, y)
    np.testing.assert_array_equal(clf._params, three._params)
    assert clf.score(X, y) == three.score(X, y)


def test_interrupt_with_early_stopping_keeps_the_best_epoch():
    clf = NeuronClassifier(
        early_stopping=True, callbacks=[_interrupt_at(6)], max_iter=50, random_state=0
    )
    with pytest.warns(UserWarning, match="keeps the weights of the best epoch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 6
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_interrupt_by_a_signal_mid_training():
    """A real KeyboardInterrupt, raised in the main thread while it trains.

    The signal is sent only once the first epoch has ended, so it lands
    mid-training however slow the machine is (an interrupt before any epoch
    propagates by design; the next test covers that). Should it escape ``fit``
    all the same, this test fails instead of ending the whole pytest session.
    """
    timer = threading.Timer(0.05, _thread.interrupt_main)

    def start_the_timer(estimator, record):
        if record["epoch"] == 1:
            timer.start()

    # No stopping rule can end the fit first, however slow the machine is.
    clf = NeuronRegressor(
        hidden_layer_sizes=(64,),
        max_iter=100_000,
        n_iter_no_change=np.inf,
        callbacks=[start_the_timer],
    )
    # A shell starts background jobs with SIGINT ignored, and interrupt_main then
    # does nothing: give the test Python's own handler, as in a terminal.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.warns(UserWarning, match="interrupted by the user"):
            clf.fit(X, y.astype(float))
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped fit, which should keep the last epoch")
    finally:
        timer.cancel()
        if timer.ident is not None:  # started: no interrupt may come later
            timer.join()
        signal.signal(signal.SIGINT, previous)
    assert clf.n_iter_ >= 1 and np.isfinite(clf.predict(X)).all()


def test_interrupt_before_any_epoch_leaves_the_model_as_it_was(monkeypatch):
    from skneuron import _network

    clf = NeuronClassifier(max_iter=2, warm_start=True).fit(X, y)
    before = clf._params.copy()

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_network.Workspace, "loss_gradient", interrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf._params, before)
    assert clf.n_iter_ == 2


def _interrupt_after(monkeypatch, n_calls):
    """Make the n-th loss evaluation of any fit raise KeyboardInterrupt."""
    from skneuron import _network

    loss_gradient = _network.Workspace.loss_gradient
    calls = []

    def interrupting(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n_calls:
            raise KeyboardInterrupt
        return loss_gradient(self, *args, **kwargs)

    monkeypatch.setattr(_network.Workspace, "loss_gradient", interrupting)


def test_interrupted_lbfgs_keeps_its_last_iterate(monkeypatch):
    _interrupt_after(monkeypatch, 30)
    clf = NeuronClassifier(solver="lbfgs", random_state=0)
    with pytest.warns(UserWarning, match="interrupted by the user after"):
        clf.fit(X, y)
    monkeypatch.undo()
    assert 1 <= clf.n_iter_ == len(clf.loss_curve_) < 30
    assert clf.loss_ == clf.loss_curve_[-1]
    # The kept weights are those of the last completed iteration: training that
    # many iterations without an interrupt reaches the same ones.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        same = NeuronClassifier(solver="lbfgs", random_state=0, max_iter=clf.n_iter_)
        same.fit(X, y)
    np.testing.assert_array_equal(clf._params, same._params)
    assert clf.score(X, y) == same.score(X, y) > 0.5


def test_interrupted_lbfgs_refit_keeps_what_it_had(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    before = clf._params.copy()
    _interrupt_after(monkeypatch, 1)  # before the first iteration completes
    with pytest.raises(KeyboardInterrupt):
        clf.set_params(warm_start=True).fit(X, y)
    np.testing.assert_array_equal(clf._params, before)
    assert clf.n_iter_ == 5 and clf.predict(X).shape == y.shape


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_same_seed_gives_bit_identical_weights(solver):
    fits = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = NeuronClassifier(solver=solver, max_iter=5, random_state=7)
            fits.append(clf.fit(X, y))
    np.testing.assert_array_equal(fits[0]._params, fits[1]._params)
    loaded = pickle.loads(pickle.dumps(fits[0]))
    np.testing.assert_array_equal(loaded._params, fits[0]._params)
    np.testing.assert_array_equal(loaded.predict_proba(X), fits[1].predict_proba(X))


def test_predict_from_several_threads_at_once():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(hidden_layer_sizes=(256, 128), max_iter=3).fit(X, y)
    chunks = np.array_split(np.tile(X, (4, 1)), 16)
    serial = [clf.predict_proba(chunk) for chunk in chunks]
    results = [None] * len(chunks)
    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait() if i < 8 else None
        results[i] = clf.predict_proba(chunks[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(chunks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for expected, got in zip(serial, results):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [1e30, 1e300, -1e300])
def test_predictions_are_finite_for_any_finite_input(dtype, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(max_iter=3, dtype=dtype, random_state=0).fit(X, y)
        reg = NeuronRegressor(max_iter=3, activation="elu", dtype=dtype).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = clf.predict_proba(X * scale)
        values = reg.predict(X * scale)
    assert np.isfinite(proba).all() and np.isfinite(values).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize(
    "transform",
    [
        lambda X: X * 1e10,
        lambda X: X * 1e-10,
        lambda X: np.hstack([X, np.full((len(X), 3), 7.0)]),  # constant features
        lambda X: np.vstack([X, X]),  # duplicated samples
    ],
    ids=["1e10", "1e-10", "constant", "duplicated"],
)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_extreme_inputs_train_without_numpy_warnings(transform, solver):
    X_t = transform(X)
    y_t = np.resize(y, len(X_t))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NeuronClassifier(solver=solver, max_iter=5, random_state=0).fit(X_t, y_t)
        assert np.isfinite(clf.predict_proba(X_t)).all()
    assert np.isfinite(clf._params).all()


def test_memory_of_predict_is_bounded_and_fit_copies_x_once():
    import tracemalloc

    rng = np.random.RandomState(0)
    X_big = rng.randn(200_000, 20)  # 32 MB in float64
    y_big = rng.randint(0, 3, len(X_big))
    clf = NeuronClassifier((64,), max_iter=1).fit(X_big[:2000], y_big[:2000])

    tracemalloc.start()
    proba = clf.predict_proba(X_big)
    predict_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The output itself, plus the buffers of one chunk of rows: no copy of X.
    assert predict_peak < proba.nbytes + 4e6

    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuronClassifier((64,), max_iter=1).fit(X_big, y_big)
    fit_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The fit computes in X's own dtype and copies none of it: the encoded targets
    # (4.8 MB), the shuffled order and the buffers of one batch come to about
    # 13 MB; one copy of X (32 MB) would not fit under half of X's size.
    assert fit_peak < X_big.nbytes / 2


def test_interrupt_with_early_stopping_keeps_the_weights_of_the_best_epoch():
    """An interrupted early-stopping fit keeps the best epoch's weights: those of
    a fit stopped by max_iter at that epoch (training is deterministic)."""
    settings = dict(early_stopping=True, random_state=0, learning_rate_init=0.03)
    with pytest.warns(UserWarning, match="keeps the weights of the best epoch"):
        clf = NeuronClassifier(callbacks=[_interrupt_at(8)], max_iter=50, **settings)
        clf.fit(X, y)
    best_epoch = int(np.argmax(clf.validation_scores_)) + 1
    assert best_epoch < clf.n_iter_ == 8  # the check has teeth
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        up_to_best = NeuronClassifier(max_iter=best_epoch, **settings).fit(X, y)
    for a, b in zip(
        clf.coefs_ + clf.intercepts_, up_to_best.coefs_ + up_to_best.intercepts_
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
