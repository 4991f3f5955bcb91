"""
Cross-entropy or squared error
==============================

A classifier's network ends in a softmax layer that outputs one probability per
class. :class:`skneuron.NeuronClassifier` can train it with two losses:
``loss="log_loss"`` (cross-entropy, the default, and the only choice in
scikit-learn's MLP), :math:`-\\log p_{true}`, or ``loss="squared_error"``,
half the squared distance between the probabilities and the one-hot target.
This example trains both on the digits data set and compares their loss curves
and test accuracy.
"""

# %%
# Data and models
# ---------------
# Everything but the loss is the same: one hidden layer of 64 neurons, the same
# seed (so the same initial weights and mini-batches), and the default stopping
# rule: stop when the training loss has not improved by ``tol`` for 10 epochs.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier
from skneuron.plotting import LossCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

models = {}
for loss in ["log_loss", "squared_error"]:
    models[loss] = make_pipeline(
        StandardScaler(),
        NeuronClassifier(hidden_layer_sizes=(64,), loss=loss, random_state=0),
    ).fit(X_train, y_train)

print(f"{'loss':<14} {'test accuracy':>13} {'epochs':>7} {'final loss':>11}")
for loss, model in models.items():
    net = model[-1]
    print(
        f"{loss:<14} {model.score(X_test, y_test):>13.4f} {net.n_iter_:>7}"
        f" {net.loss_:>11.4f}"
    )

# %%
# Loss curves
# -----------
# :class:`~skneuron.plotting.LossCurveDisplay` draws each model's
# ``loss_curve_``; ``from_estimator`` finds the network at the end of the
# pipeline. The two losses live on different scales, so each gets its own
# panel. At the start, with all ten probabilities near 1/10, cross-entropy is
# about :math:`\log 10 \approx 2.3` and squared error about
# :math:`\frac{1}{2}(0.9^2 + 9 \times 0.1^2) = 0.45`. The right panel puts both
# on one scale: each curve divided by its first value, on a log axis.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for (loss, model), ax in zip(models.items(), axes):
    LossCurveDisplay.from_estimator(model, ax=ax, name=loss)
    ax.set_title(f"{loss}: test accuracy {model.score(X_test, y_test):.3f}")

for loss, model in models.items():
    curve = np.asarray(model[-1].loss_curve_)
    axes[2].plot(np.arange(1, len(curve) + 1), curve / curve[0], label=loss)
axes[2].set_yscale("log")
axes[2].set_xlabel("epoch")
axes[2].set_ylabel("training loss / loss of epoch 1")
axes[2].set_title("Both, relative to their start")
axes[2].legend()
fig.tight_layout()

# %%
# What to read from it
# --------------------
# Both losses reach about the same test accuracy on digits. The differences are
# in the training:
#
# - With cross-entropy, the gradient with respect to the softmax input is
#   simply :math:`p - y`: a confidently wrong prediction gets a large
#   correction. With squared error it passes through the softmax Jacobian,
#   which shrinks it wherever a probability is near 0 or 1, right or wrong, so
#   a confidently wrong prediction is corrected slowly. On digits, starting from
#   small random weights, few predictions are ever confidently wrong, and
#   relative to their start the two curves fall at a similar rate (squared
#   error even a little faster). The argument matters more for harder problems
#   and deeper networks.
# - ``tol`` is an absolute threshold on the loss, and squared error is the
#   smaller number: its improvements drop below ``tol`` sooner, so the default
#   stopping rule ends that fit after fewer epochs. Comparing epochs between
#   losses says as much about ``tol`` as about the speed of learning.
#
# Cross-entropy is the usual choice for classification: it is the negative
# log-likelihood of the predicted probabilities, and it gives
# ``predict_proba`` its meaning. Squared error is there for comparison; its
# penalty per sample is bounded (at most 1), which limits the pull of a
# mislabelled sample.

plt.show()
