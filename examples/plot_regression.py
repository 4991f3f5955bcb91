"""
Regression: squared error and Poisson
=====================================

:class:`skneuron.NeuronRegressor` takes the parameters of scikit-learn's
:class:`~sklearn.neural_network.MLPRegressor` and, given the same seed, trains
the same network. The first part checks this on the diabetes data set, next to a
linear model. The second part uses skneuron's extra ``loss="poisson"`` on counts
simulated with a known mean.
"""

# %%
# Diabetes progression
# --------------------
# 442 patients, 10 measurements each, and a number that grows with the disease
# a year later. Both inputs and target are standardized (the target through
# :class:`~sklearn.compose.TransformedTargetRegressor`): a network trains badly
# on a target in the hundreds. With only 442 samples the network needs a
# strong L2 penalty (``alpha=10``) not to overfit.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, PoissonRegressor
from sklearn.metrics import mean_poisson_deviance, r2_score
from sklearn.model_selection import KFold, cross_val_predict, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronRegressor

X, y = load_diabetes(return_X_y=True)


def network(cls, **params):
    params = dict(hidden_layer_sizes=(32,), alpha=10.0, max_iter=1000, **params)
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), cls(random_state=0, **params)),
        transformer=StandardScaler(),
    )


models = {
    "NeuronRegressor": network(NeuronRegressor),
    "MLPRegressor": network(MLPRegressor),
    "LinearRegression": make_pipeline(StandardScaler(), LinearRegression()),
}

# %%
# Out-of-fold predictions
# -----------------------
# :func:`~sklearn.model_selection.cross_val_predict` predicts each patient with
# the model of the fold that left that patient out, so every point below is a
# prediction on unseen data.
cv = KFold(n_splits=5, shuffle=True, random_state=0)
predictions = {name: cross_val_predict(m, X, y, cv=cv) for name, m in models.items()}
for name, y_pred in predictions.items():
    print(f"{name:<17} out-of-fold R^2 = {r2_score(y, y_pred):.4f}")

# On float64 data skneuron trains in float64, following scikit-learn's
# arithmetic step for step; ``dtype="float32"`` trades digits for speed.
in_float32 = cross_val_predict(network(NeuronRegressor, dtype="float32"), X, y, cv=cv)
for label, pred in [
    ("float64 (default)", predictions["NeuronRegressor"]),
    ('dtype="float32"', in_float32),
]:
    gap = np.abs(pred - predictions["MLPRegressor"]).max()
    print(f"NeuronRegressor in {label} vs MLPRegressor: largest difference {gap:.2g}")

fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharex=True, sharey=True)
for (name, y_pred), ax in zip(predictions.items(), axes):
    ax.scatter(y, y_pred, s=8, alpha=0.5)
    ax.axline((100, 100), slope=1, color="k", linewidth=1)
    ax.set_title(f"{name}: $R^2$ = {r2_score(y, y_pred):.3f}")
    ax.set_xlabel("actual")
axes[0].set_ylabel("predicted (out of fold)")
fig.tight_layout()

# %%
# The two networks agree: in float64 their predictions differ in nothing but
# the last digits; with ``dtype="float32"`` by about 1 on a target in the
# hundreds, rounding accumulated over some 300 epochs. Neither beats the linear model by
# much: with 442 samples and 10 features there is little nonlinear structure a
# network could find and a linear model miss. All three predict too little
# spread, high targets too low and low ones too high: they explain about half
# of the variance.

# %%
# Counts: ``loss="poisson"``
# --------------------------
# A count target, simulated so that its true mean is known: the log of the mean
# is a linear function of 5 features from
# :func:`~sklearn.datasets.make_regression`, plus a sine wiggle in the first
# feature that a linear model cannot follow, and each count is drawn from a
# Poisson distribution with that mean.
X, linear_part = make_regression(n_samples=3000, n_features=5, random_state=0)
log_mean = 0.5 + 0.8 * linear_part / linear_part.std() + 0.5 * np.sin(2 * X[:, 0])
true_mean = np.exp(log_mean)
counts = np.random.default_rng(0).poisson(true_mean)
print(
    f"counts: mean {counts.mean():.2f}, max {counts.max()}, "
    f"zeros {np.mean(counts == 0):.0%}"
)

X_train, X_test, y_train, y_test, _, mean_test = train_test_split(
    X, counts, true_mean, test_size=0.3, random_state=0
)

# %%
# ``loss="poisson"`` puts an exponential on the output neuron, so predictions
# are always positive, and trains on the Poisson deviance, the loss whose
# minimizer is the conditional mean of a count. Compared here with the same
# network on squared error, and with scikit-learn's Poisson GLM, which is
# linear in the log of the mean. The squared-error network stops on
# ``max_iter`` before its loss flattens out; its convergence warning is
# silenced.
count_models = {
    "poisson": NeuronRegressor(
        hidden_layer_sizes=(32,), loss="poisson", max_iter=500, random_state=0
    ),
    "squared_error": NeuronRegressor(
        hidden_layer_sizes=(32,), loss="squared_error", max_iter=500, random_state=0
    ),
    "PoissonRegressor (GLM)": PoissonRegressor(),
}
count_predictions = {}
for name, model in count_models.items():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
    count_predictions[name] = model.predict(X_test)

# %%
# Two yardsticks: :math:`R^2` against the true mean, which only a simulation
# can give, and the mean Poisson deviance against the observed counts (lower is
# better; it needs positive predictions, so negative ones are raised to 0.001
# and counted). The true mean itself scores the deviance no model can beat on
# average.
print(f"\n{'model':<24} {'R^2 vs true mean':>16} {'deviance':>9} {'pred <= 0':>9}")
for name, pred in count_predictions.items():
    deviance = mean_poisson_deviance(y_test, np.maximum(pred, 1e-3))
    print(
        f"{name:<24} {r2_score(mean_test, pred):>16.4f} {deviance:>9.4f}"
        f" {np.sum(pred <= 0):>9}"
    )
print(
    f"{'true mean':<24} {1.0:>16.4f} {mean_poisson_deviance(y_test, mean_test):>9.4f}"
)

fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharex=True, sharey=True)
for (name, pred), ax in zip(count_predictions.items(), axes):
    ax.scatter(mean_test, pred, s=6, alpha=0.4, c=np.where(pred <= 0, "C3", "C0"))
    ax.axline((0, 0), slope=1, color="k", linewidth=1)
    ax.axhline(0, color="0.7", linewidth=0.8)
    ax.set_title(f"{name}: $R^2$ = {r2_score(mean_test, pred):.3f}")
    ax.set_xlabel("true mean")
axes[0].set_ylabel("predicted mean")
fig.tight_layout()

# %%
# Both networks follow the sine wiggle that the GLM cannot, and find the mean
# far better. Between the two losses, Poisson does better on both yardsticks
# here, and the difference is plainest at the low end: the squared-error
# network predicts a few negative counts (in red), which the exponential
# output of the Poisson network rules out. For counts, rates and other
# non-negative targets, ``loss="poisson"`` is the natural choice.

plt.show()
