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


def test_cosine_schedule_by_hand_at_given_epochs():
    """The rate at the middle of each of 4 epochs, then a warm restart."""
    rate = LearningRate(0.1, "cosine", n_epochs=4)
    expected = [0.1 * (1 + np.cos(np.pi * (k + 0.5) / 4)) / 2 for k in range(4)]
    seen = []
    for _ in range(5):
        seen.append(rate.current)
        rate.epoch_end(samples_seen=0)
    np.testing.assert_allclose(seen[:4], expected)
    assert seen[0] == pytest.approx(0.0962, abs=1e-4)  # (1 + cos(pi / 8)) / 20
    assert seen[3] == pytest.approx(0.0038, abs=1e-4)
    assert seen[4] == seen[0]  # after n_epochs, the schedule starts again


def test_coslog4_schedule_by_hand_at_given_epochs():
    """Four cycles, each twice the one before: zero at t = 1/15, 3/15, 7/15."""
    rate = LearningRate(1.0, "coslog4", n_epochs=30)
    seen = []
    for _ in range(30):
        seen.append(rate.current)
        rate.epoch_end(samples_seen=0)
    # Epoch k sits at t = (k + 0.5) / 30, so 1 + 15 t = 1.25 + k / 2.
    assert seen[0] == pytest.approx((1 - np.cos(2 * np.pi * np.log2(1.25))) / 2)
    assert seen[3] == pytest.approx((1 - np.cos(2 * np.pi * np.log2(2.75))) / 2)
    # Peaks where log2(1 + 15 t) is k + 1/2 (epochs 3.2, 9.8, 20.1), troughs
    # where it is an integer (epochs 5.5, 13.5, 29.5): the rate nears 0 there.
    assert min(seen[3], seen[9], seen[20]) > 0.98
    assert max(seen[5], seen[6], seen[13], seen[14], seen[29]) < 0.09
    assert seen[29] < 0.01
    assert all(isinstance(r, float) for r in seen)


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_scikit_learn_schedules_start_at_the_initial_rate(schedule):
    rate = LearningRate(0.1, schedule, n_epochs=4)
    assert rate.current == 0.1
