"""
From one neuron to a network
============================

The path of the textbook, in three steps: McCulloch and Pitts' neuron (1943),
whose weights and threshold are set by hand; Rosenblatt's perceptron (1958),
one neuron that learns its weights from examples; and the multi-layer network,
whose hidden layer lets it learn what one neuron cannot: XOR.
"""

# %%
# Logic gates from single neurons
# -------------------------------
# A McCulloch-Pitts neuron fires (outputs 1) when the weighted sum of its inputs
# reaches a threshold. With ``activation="step"``, a :class:`skneuron.Neuron`
# fires where :math:`w \cdot x + b \geq 0`: the bias is minus the threshold.
# AND needs both inputs on (threshold 2), OR one of them (threshold 1), and NOT
# turns its input around with a negative weight.
import itertools

import matplotlib.pyplot as plt
import numpy as np

from skneuron import Neuron, NeuronClassifier

X = np.array(list(itertools.product([0, 1], repeat=2)), dtype=float)
gates = {
    "AND": Neuron(weights=[1, 1], bias=-2, activation="step"),
    "OR": Neuron(weights=[1, 1], bias=-1, activation="step"),
}
for name, neuron in gates.items():
    print(f"{name}: {X.astype(int).tolist()} -> {neuron.forward(X).astype(int)}")
NOT = Neuron(weights=[-1], bias=0, activation="step")
print(f"NOT: [0, 1] -> {NOT.forward([[0], [1]]).astype(int)}")

# %%
# One trainable neuron: AND and OR, but not XOR
# ---------------------------------------------
# With no hidden layer, a :class:`skneuron.NeuronClassifier` is one neuron with
# a logistic output, trained by L-BFGS: it learns its weights from the four
# examples of each truth table. Its decision boundary, where
# :math:`w \cdot x + b = 0`, is a straight line, and no straight line puts
# (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other: XOR is out
# of its reach, whatever the training.
targets = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "XOR": np.array([0, 1, 1, 0]),
}
single = {
    name: NeuronClassifier(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    for name, y in targets.items()
}
for name, clf in single.items():
    print(f"one neuron, {name}: accuracy {clf.score(X, targets[name]):.2f}")

# %%
# One hidden layer learns XOR
# ---------------------------
# XOR is "OR and not AND": two hidden neurons that each draw one line, and an
# output neuron that combines them. A hidden layer of a few tanh neurons learns
# such lines by itself; ``random_state`` fixes its starting weights, so that
# the figure is the same at every build.
network = NeuronClassifier(
    hidden_layer_sizes=(4,), activation="tanh", solver="lbfgs", random_state=1
).fit(X, targets["XOR"])
print(f"one hidden layer, XOR: accuracy {network.score(X, targets['XOR']):.2f}")

# %%
# Decision boundaries side by side
# --------------------------------
# Each panel colours the plane by the predicted probability of class 1; the
# black line is where it crosses one half. The single neuron's boundaries for
# AND and OR are straight lines. On XOR it has no line to draw: the best it can
# do for its loss is one half everywhere, a uniform panel with half the points
# right. The hidden layer bends the boundary around two corners.
grid = np.linspace(-0.5, 1.5, 201)
xx, yy = np.meshgrid(grid, grid)
plane = np.column_stack([xx.ravel(), yy.ravel()])
panels = [(f"one neuron: {name}", clf, targets[name]) for name, clf in single.items()]
panels.append(("one hidden layer: XOR", network, targets["XOR"]))

fig, axes = plt.subplots(1, 4, figsize=(13, 3.6), sharey=True)
for ax, (title, clf, y) in zip(axes, panels):
    proba = clf.predict_proba(plane)[:, 1].reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.7)
    ax.contour(xx, yy, proba, levels=[0.5], colors="black", linewidths=1.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", edgecolors="black", s=120)
    ax.set_title(f"{title}\naccuracy {clf.score(X, y):.2f}")
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$")
fig.tight_layout()
plt.show()
