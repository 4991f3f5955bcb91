"""
==================================================
Prediction intervals: quantile network and MAPIE
==================================================

Two ways to put an 80% interval around a network's predictions on the diabetes
data shipped with scikit-learn (disease progression one year after baseline):

- **Quantile regression**: one :class:`~skneuron.NeuronRegressor` with
  ``loss="quantile"`` and ``quantile=[0.1, 0.5, 0.9]`` learns the conditional
  10%, 50% and 90% quantiles at once. Its outputs cannot cross: the second and
  third add a positive (softplus) step to the one before.
- **Split conformal prediction** with `MAPIE <https://mapie.readthedocs.io>`_: a
  network for the mean, whose absolute residuals on a held-out conformalization
  set widen its predictions into intervals with a guaranteed marginal coverage.

We measure the coverage of each on test data neither has seen.
"""

# %%
# Data: train, conformalize, test
# -------------------------------
# MAPIE's split conformal method needs data the network did not train on; the
# quantile network trains on the same training part, so both see the same data.
import matplotlib.pyplot as plt
import numpy as np
from mapie.regression import SplitConformalRegressor
from mapie.utils import train_conformalize_test_split
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronRegressor

X, y = load_diabetes(return_X_y=True)
X_train, X_conf, X_test, y_train, y_conf, y_test = train_conformalize_test_split(
    X, y, train_size=0.5, conformalize_size=0.25, test_size=0.25, random_state=0
)


def network(**params):
    # Standardized inputs; a strong L2 penalty, as 221 training samples are few.
    reg = NeuronRegressor(
        hidden_layer_sizes=(16,), solver="lbfgs", alpha=10.0, max_iter=2000,
        random_state=0, **params,
    )  # fmt: skip
    return make_pipeline(StandardScaler(), reg)


# A network trains best on targets of unit scale. Quantiles of y / scale are the
# quantiles of y divided by scale: the division maps back exactly.
scale = y_train.std()

# %%
# Quantile network
# ----------------
# One fit, three outputs: the 10%, 50% and 90% quantiles.
quantiles = network(loss="quantile", quantile=[0.1, 0.5, 0.9])
quantiles.fit(X_train, y_train / scale)
low, median, high = (scale * quantiles.predict(X_test)).T
quantile_coverage = np.mean((low <= y_test) & (y_test <= high))
print(f"Quantile network: coverage {quantile_coverage:.1%} (target 80%), "
      f"mean width {np.mean(high - low):.1f}")  # fmt: skip

# %%
# Split conformal intervals with MAPIE
# ------------------------------------
# A network for the mean (the squared error), then conformalized on its own part
# of the data. MAPIE works in the targets' scale, so the scaling goes inside the
# model: the network trains on ``y / scale`` through
# :class:`~sklearn.compose.TransformedTargetRegressor`.
mean_network = TransformedTargetRegressor(
    network(), func=lambda t: t / scale, inverse_func=lambda t: t * scale,
    check_inverse=False,
)  # fmt: skip
conformal = SplitConformalRegressor(mean_network, confidence_level=0.8, prefit=False)
conformal.fit(X_train, y_train).conformalize(X_conf, y_conf)
point, intervals = conformal.predict_interval(X_test)
conf_low, conf_high = intervals[:, 0, 0], intervals[:, 1, 0]
conformal_coverage = np.mean((conf_low <= y_test) & (y_test <= conf_high))
print(f"Split conformal (MAPIE): coverage {conformal_coverage:.1%} (target 80%), "
      f"mean width {np.mean(conf_high - conf_low):.1f}")  # fmt: skip

# %%
# The two kinds of interval side by side
# --------------------------------------
# Test samples sorted by the predicted median. The conformal interval has the
# same width everywhere (the absolute residual score); the quantile network's
# width follows the data, wider where the outcome is more uncertain. Conformal
# coverage is guaranteed on average over samples; a quantile network's is only as
# good as its fit, which a conformalization step (CQR) could correct.
order = np.argsort(median)
position = np.arange(len(order))
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
panels = [
    (axes[0], low, high, median, f"Quantile network ({quantile_coverage:.0%})"),
    (axes[1], conf_low, conf_high, point, f"MAPIE split conformal "
     f"({conformal_coverage:.0%})"),
]  # fmt: skip
for ax, lower, upper, center, title in panels:
    ax.fill_between(position, lower[order], upper[order], alpha=0.3, label="80%")
    ax.plot(position, center[order], color="C0", label="prediction")
    inside = (lower <= y_test) & (y_test <= upper)
    ax.scatter(position, y_test[order], s=8, c=np.where(inside[order], "k", "C3"))
    ax.set(title=title, xlabel="test samples, by predicted median")
axes[0].set_ylabel("disease progression")
axes[0].legend(loc="upper left")
fig.tight_layout()
plt.show()
