"""
Inside the network: neurons and hidden activations
==================================================

A fitted :class:`skneuron.NeuronClassifier` is more than a black box that
predicts. ``est.neuron(layer, index)`` hands out one neuron, a
:class:`skneuron.Neuron` with its own copy of the weights and bias, and
``est.hidden_activations(X)`` returns what the hidden layers compute for ``X``.
This example opens up a network with one hidden layer of 32 neurons trained on
8x8 images of digits.
"""

# %%
# Training
# --------
# Pixels run from 0 to 16; dividing by 16 puts them in [0, 1] and keeps each
# weight tied to one pixel of the image, so the weights can be drawn as images.
# Inputs this small train slowly with the default learning rate: ``max_iter``
# is raised so that training runs until the loss stops improving.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skneuron import NeuronClassifier

X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
clf = NeuronClassifier(hidden_layer_sizes=(32,), max_iter=1000, random_state=0)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.4f}")
print(f"layer sizes: {clf.layer_sizes_}, activations: {clf.layer_activations_}")

# %%
# One neuron
# ----------
# Layer 1 is the first hidden layer (layer 0 is the input). A neuron computes
# :math:`\mathrm{relu}(w \cdot x + b)` with its 64 weights, one per pixel; its
# ``forward`` gives the same numbers as the hidden layer of the network.
neuron = clf.neuron(1, 0)
print(neuron)
hidden = clf.hidden_activations(X_test, layer=1)
np.testing.assert_allclose(neuron.forward(X_test), hidden[:, 0], rtol=1e-5, atol=1e-6)
print("neuron 0 on the first five test images:", np.round(hidden[:5, 0], 3))

# %%
# What the first-layer neurons look for
# -------------------------------------
# Each image shows one neuron's weights on the 8x8 grid: red pixels push its
# input up, blue ones down. Above each, the digit whose test images drive that
# neuron hardest on average.
mean_by_digit = np.array([hidden[y_test == d].mean(axis=0) for d in range(10)])

fig, axes = plt.subplots(4, 8, figsize=(10, 5.6))
for i, ax in enumerate(axes.ravel()):
    weights = clf.neuron(1, i).weights.reshape(8, 8)
    limit = np.abs(weights).max()
    ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    if mean_by_digit[:, i].max() > 0:
        ax.set_title(f"#{i}: {mean_by_digit[:, i].argmax()}", fontsize=9)
    else:
        ax.set_title(f"#{i}: silent", fontsize=9)
    ax.set_axis_off()
fig.suptitle("First-layer weights; title: neuron, digit that excites it most")
fig.tight_layout()

# %%
# With 32 neurons and 1257 training images the weights look noisy rather than
# like clean pen strokes. Still, most show a patch of positive weights next to
# a patch of negative ones: a contrast between two parts of the image. No
# neuron is a detector of one digit: several respond most to the same digit,
# each responds to several, and the output layer combines them.
#
# A few pixels are blank in every training image (some of the first and last
# columns); their weights are exactly 0 (white). Their only gradient is the L2
# penalty's, and Adam, which scales every step to the size of its gradient,
# drives them all the way to zero. A neuron marked "silent" would output 0 for
# every test image: a relu neuron whose input stays negative gets no gradient
# and stops learning ("dead"). None is here.

# %%
# The hidden layer as features
# ----------------------------
# ``hidden_activations`` turns the network into a feature extractor. Projected
# on their first two principal components, the 32 hidden outputs gather some
# digits (0, 4, 6) into tighter, better separated groups than the 64 raw pixels
# do; others still overlap, as two components show only part of what 32
# dimensions hold.
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, (title, features) in zip(
    axes, [("raw pixels", X_test), ("hidden layer 1 (32 relu neurons)", hidden)]
):
    embedded = PCA(n_components=2).fit_transform(features)
    points = ax.scatter(*embedded.T, c=y_test, cmap="tab10", s=10, alpha=0.8)
    ax.set_title(f"PCA of the {title}")
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
fig.colorbar(points, ax=axes, ticks=range(10), label="digit")

# %%
# The output layer is a linear classifier on these 32 features. How much did
# the hidden layer add? A logistic regression, also linear, on each set of
# features tells: on digits, not much, as the raw pixels are already nearly
# linearly separable. The hidden layer earns its keep on data where they are
# not.
train_hidden = clf.hidden_activations(X_train, layer=1)
for name, train, test in [
    ("raw pixels", X_train, X_test),
    ("hidden layer", train_hidden, hidden),
]:
    linear = LogisticRegression(max_iter=2000).fit(train, y_train)
    print(f"logistic regression on the {name}: {linear.score(test, y_test):.4f}")

plt.show()
