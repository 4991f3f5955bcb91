"""
Activation functions compared
=============================

A hidden neuron computes a weighted sum of its inputs plus a bias, :math:`z`, and
passes it through an activation function :math:`f`. skneuron offers nine of them.
This example first draws each one with its derivative, which is what
backpropagation multiplies the error signal by, then trains the same small
network on the digits data set once per activation.
"""

# %%
# The functions and their derivatives
# -----------------------------------
# ``skneuron._activations.ACTIVATIONS`` is the registry the network itself runs:
# one record per activation, with a ``forward(Z, A)`` that writes :math:`f(Z)`
# into ``A`` and a ``derivative(Z, A, dA)`` that multiplies ``dA`` by
# :math:`f'(Z)`, both in place (the derivative may use ``Z`` and ``A`` as scratch
# space, hence the copies), and ``roles``, the layers it may stand in. The nine
# a hidden layer may use are drawn here.
# It is internal; the public way to evaluate one activation is a
# :class:`skneuron.Neuron` with weight 1 and bias 0, which this cell checks
# against the registry.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import Neuron, NeuronClassifier
from skneuron._activations import ACTIVATIONS

HIDDEN = [name for name, record in ACTIVATIONS.items() if "hidden" in record.roles]
z = np.linspace(-4, 4, 801)


def evaluate(name, z):
    """f(z) and f'(z) from the registry entry ``name``."""
    activation = ACTIVATIONS[name]
    Z = z.reshape(-1, 1).copy()
    A = np.empty_like(Z)
    activation.forward(Z, A)
    f = A.ravel().copy()
    dA = np.ones_like(Z)
    activation.derivative(Z, A, dA)
    return f, dA.ravel()


fig, axes = plt.subplots(3, 3, figsize=(9, 8), sharex=True, sharey=True)
for name, ax in zip(HIDDEN, axes.ravel()):
    f, df = evaluate(name, z)
    neuron = Neuron(weights=[1.0], bias=0.0, activation=name)
    np.testing.assert_allclose(neuron.forward(z[:, np.newaxis]), f, atol=1e-12)
    ax.axhline(0, color="0.8", linewidth=0.8)
    ax.axvline(0, color="0.8", linewidth=0.8)
    ax.plot(z, f, label="$f(z)$")
    ax.plot(z, df, "--", label="$f'(z)$")
    ax.set_title(name)
    ax.set_ylim(-1.5, 4)
for ax in axes[-1]:
    ax.set_xlabel("$z$")
axes[0, 0].legend(loc="upper left")
fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
fig.tight_layout()

# %%
# A few things to read off the plots:
#
# - ``logistic`` and ``tanh`` saturate: far from 0 their derivative vanishes, so
#   a neuron driven there learns slowly. ``logistic``'s derivative is at most
#   1/4, which shrinks the error signal at every layer it passes.
# - ``relu`` has derivative 1 for :math:`z > 0` and 0 below: a neuron whose
#   input is negative for every sample gets no gradient at all ("dead").
#   ``leaky_relu`` (slope 0.01 below 0), ``elu``, ``softplus``, ``gelu`` and
#   ``silu`` are smooth or leaky variants that keep some gradient there.
# - ``identity`` is no activation: a network of identity layers is a linear
#   model, however deep.

# %%
# Training with each activation
# -----------------------------
# The same network, one hidden layer of 32 neurons, on 8x8 digit images,
# trained twice per activation: for 30 epochs only, which shows how fast each
# one learns, and until the loss stops improving (at most 200 epochs, the
# default ``max_iter``), which shows where each one ends up. The 30-epoch fits
# stop before convergence on purpose, hence the silenced convergence warnings.
# Each fit is repeated with three seeds, which change the initial weights and
# the order of the mini-batches, to tell real differences from luck.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

budgets = {"30 epochs": 30, "until converged": 200}
seeds = range(3)
accuracy = {budget: {} for budget in budgets}
for budget, max_iter in budgets.items():
    for name in HIDDEN:
        scores = []
        for seed in seeds:
            model = make_pipeline(
                StandardScaler(),
                NeuronClassifier(
                    hidden_layer_sizes=(32,),
                    activation=name,
                    max_iter=max_iter,
                    random_state=seed,
                ),
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X_train, y_train)
            scores.append(model.score(X_test, y_test))
        accuracy[budget][name] = np.array(scores)

print(f"{'activation':<11}" + "".join(f"{budget:>23}" for budget in budgets))
for name in HIDDEN:
    cells = [accuracy[budget][name] for budget in budgets]
    print(f"{name:<11}" + "".join(f"{c.mean():>15.4f} ± {c.std():.3f}" for c in cells))

# %%
# Test accuracy
# -------------
# The bars are the mean over the seeds, the error bars the standard deviation.
#
# After 30 epochs ``identity`` is among the best: without a hidden
# nonlinearity the network is a linear model, an easy problem that gradient
# descent solves fast, and digits are nearly linearly separable. ``tanh`` and
# ``elu`` keep up; ``logistic``, whose derivative is at most 1/4, is clearly
# the slowest. Trained to convergence the picture turns: every nonlinear
# activation ends above ``identity``, all of them within about a point of
# each other. On a small, easy data set the choice of activation matters far
# more for the speed of training than for the final accuracy.
names = HIDDEN
x = np.arange(len(names))
width = 0.4
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
for i, budget in enumerate(budgets):
    scores = accuracy[budget]
    ax.bar(
        x + (i - 0.5) * width,
        [scores[name].mean() for name in names],
        width,
        yerr=[scores[name].std() for name in names],
        capsize=2,
        label=budget,
    )
ax.set_xticks(x, names, rotation=30)
lowest = min(s.mean() for scores in accuracy.values() for s in scores.values())
ax.set_ylim(lowest - 0.05, 1.0)
ax.set_ylabel("test accuracy")
ax.set_title("Digits, one hidden layer of 32, mean over 3 seeds")
fig.legend(loc="outside right upper")

plt.show()
