"""
Training on data larger than memory with dask-ml
================================================

``partial_fit`` trains on one block of data at a time, so the whole data set
never has to fit in memory. `dask-ml <https://ml.dask.org>`_'s
:class:`~dask_ml.wrappers.Incremental` feeds it the blocks of a dask array one
after another, computing each block only when its turn comes, on this machine
or on any dask cluster (``pip install "skneuron[dask]"``).

This example runs on dask's default scheduler, threads of this process, so that
it builds anywhere; on a cluster, create a ``dask.distributed.Client`` first and
the same code sends the blocks and the model to its workers. The test suite
runs it on two worker processes, over more data than one worker may hold.
"""

# %%
# Data generated block by block
# -----------------------------
# Each block is made by a function of its index, with its own seed: a block is
# the same wherever and whenever it is computed, and exists only while it is
# used. Here 20 blocks of 5,000 rows; with more blocks, memory use stays that
# of a few blocks.
import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from dask_ml.wrappers import Incremental

from skneuron import NeuronClassifier

N_FEATURES, BLOCK_ROWS = 20, 5_000
WEIGHTS = np.random.default_rng(0).normal(size=N_FEATURES)


def make_block(index):
    """Block ``index``: features, and a label that two of them decide."""
    rng = np.random.default_rng([0, index])
    X = rng.normal(size=(BLOCK_ROWS, N_FEATURES))
    y = (X[:, 0] * X[:, 1] + 0.5 * X @ WEIGHTS / N_FEATURES > 0).astype(int)
    return X, y


def dask_data(indices):
    """X and y as dask arrays whose blocks are computed lazily."""
    blocks = [dask.delayed(make_block, nout=2, pure=True)(i) for i in indices]
    X = da.concatenate(
        [da.from_delayed(b[0], (BLOCK_ROWS, N_FEATURES), float) for b in blocks]
    )
    y = da.concatenate([da.from_delayed(b[1], (BLOCK_ROWS,), int) for b in blocks])
    return X, y


X, y = dask_data(range(20))
X_test, y_test = dask_data(range(20, 22))  # held out: never trained on
print(f"X: {X.nbytes / 2**20:.1f} MiB in {X.numblocks[0]} blocks")

# %%
# Several passes over the data
# ----------------------------
# One call to ``Incremental.partial_fit`` is one pass (epoch) over all blocks,
# each one a ``partial_fit`` of the estimator. ``shuffle_blocks=False`` keeps
# the blocks in their order; ``True`` (the default) visits them in a random
# order, set by ``random_state``. Pass ``classes`` on every call: the first
# block need not hold every label. ``scoring`` is given explicitly: dask-ml then
# scores on the blocks, without gathering the test set in one array.
clf = Incremental(
    NeuronClassifier(hidden_layer_sizes=(16,), random_state=0),
    scoring="accuracy",
    shuffle_blocks=False,
)
scores = []
for epoch in range(5):
    clf.partial_fit(X, y, classes=[0, 1])
    scores.append(clf.score(X_test, y_test))
    print(f"epoch {epoch + 1}: held-out accuracy {scores[-1]:.4f}")

# %%
# The fitted estimator is ``clf.estimator_``, a plain
# :class:`~skneuron.NeuronClassifier`: its loss curve has one entry per block.
fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(10, 3.5))
ax_loss.plot(clf.estimator_.loss_curve_)
ax_loss.set(xlabel="block", ylabel="training loss", title="Loss per partial_fit")
ax_score.plot(range(1, len(scores) + 1), scores, marker="o")
ax_score.set(xlabel="epoch", ylabel="accuracy", title="Held-out accuracy")
fig.tight_layout()
plt.show()
