"""The training loop's parts: plateau rule, schedules and batches."""

import numpy as np
import pytest
import scipy.sparse as sp

from skneuron._training import BatchReader, LearningRate, Plateau


def test_plateau_counts_epochs_without_improvement_by_tol():
    plateau = Plateau(tol=0.1, patience=2)
    assert plateau.update(1.0) and plateau.count == 0
    assert plateau.update(1.05) and plateau.count == 1  # better, but not by tol
    assert not plateau.update(1.0) and plateau.count == 2
    assert not plateau.exhausted
    plateau.update(1.1)
    assert plateau.exhausted and plateau.count == 3
    plateau.update(2.0)
    assert plateau.count == 0 and plateau.best == 2.0


def test_invscaling_follows_scikit_learn_formula():
    rate = LearningRate(0.1, "invscaling", power_t=0.5)
    rate.epoch_end(samples_seen=99)
    assert rate.current == pytest.approx(0.1 / 100**0.5)


def test_adaptive_divides_by_five_until_tiny():
    rate = LearningRate(1e-5, "adaptive")
    assert rate.reduce_on_plateau() and rate.current == pytest.approx(2e-6)
    assert rate.reduce_on_plateau() and rate.current == pytest.approx(4e-7)
    assert not rate.reduce_on_plateau()
    assert not LearningRate(0.1, "constant").reduce_on_plateau()


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_each_epoch_visits_every_sample_once(shuffle, sparse):
    X = np.arange(23, dtype=float).reshape(23, 1)
    Y = X * 10
    weight = X.ravel() * 100
    reader = BatchReader(
        sp.csr_matrix(X) if sparse else X,
        Y,
        weight,
        5,
        shuffle,
        np.random.RandomState(0),
    )
    for _ in range(2):
        seen = []
        for X_batch, Y_batch, w_batch in reader:
            X_batch = X_batch.toarray() if sparse else X_batch
            np.testing.assert_array_equal(Y_batch, X_batch * 10)
            np.testing.assert_array_equal(w_batch, X_batch.ravel() * 100)
            seen.extend(X_batch.ravel())
        assert sorted(seen) == list(range(23))
        assert (seen != sorted(seen)) == shuffle


def test_shuffle_order_is_scikit_learn_s():
    """Same random state, same epoch order as sklearn.utils.shuffle of the indices."""
    from sklearn.utils import shuffle

    X = np.arange(10, dtype=float)[:, None]
    reader = BatchReader(X, X, None, 10, True, np.random.RandomState(3))
    reference_state = np.random.RandomState(3)
    reference = np.arange(10)
    for _ in range(3):
        ((X_batch, _, _),) = list(reader)
        reference = shuffle(reference, random_state=reference_state)
        np.testing.assert_array_equal(X_batch.ravel(), reference)
