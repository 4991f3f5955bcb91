"""
Early stopping
==============

With ``early_stopping=True``, :class:`skneuron.NeuronClassifier` holds out part
of the training data, scores the network on it after every epoch, stops once
that score has not improved for ``n_iter_no_change`` epochs, and restores the
weights of the best epoch. This example draws both curves with
:class:`~skneuron.plotting.LossCurveDisplay`, marks the best epoch, and
compares the result with training to the end.
"""

# %%
# Training with a validation set
# ------------------------------
# ``validation_fraction=0.2`` holds out a fifth of the training data, drawn at
# random as scikit-learn's MLP draws it (it stratifies binary targets only). The
# digits data set leaves 252 validation images, so one
# image more or less changes the validation accuracy by 0.4 points: a larger
# fraction makes the score less noisy, at the price of less data to train on.
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

early = make_pipeline(
    StandardScaler(),
    NeuronClassifier(
        hidden_layer_sizes=(64,),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=10,
        random_state=0,
    ),
).fit(X_train, y_train)
net = early[-1]

# %%
# ``validation_scores_`` holds one accuracy per epoch. The best epoch is the
# first that reached ``best_validation_score_``; its weights are the ones the
# fitted model keeps, although training ran on for more than
# ``n_iter_no_change`` epochs to be sure no better one followed.
best_epoch = int(np.argmax(net.validation_scores_)) + 1
print(
    f"epochs run: {net.n_iter_}, best epoch: {best_epoch}, "
    f"best validation accuracy: {net.best_validation_score_:.4f}"
)

display = LossCurveDisplay.from_estimator(early, name="early stopping")
# The validation axis is a twin drawn over ax_: the shading goes on ax_, below
# both curves, and the marker on the validation axis, in its units.
patience = display.ax_.axvspan(
    best_epoch, net.n_iter_, color="0.9", zorder=0, label="no improvement"
)
(best,) = display.validation_ax_.plot(
    best_epoch,
    net.best_validation_score_,
    "o",
    color="C3",
    label=f"best epoch ({best_epoch}), weights kept",
)
display.validation_ax_.legend(
    handles=[display.line_, display.validation_line_, best, patience],
    loc="center right",
)
display.ax_.set_title("Digits, one hidden layer of 64, validation_fraction=0.2")
display.figure_.tight_layout()

# %%
# The training loss keeps falling until the end; the validation accuracy
# rises fast, then creeps up by a point or two and flattens out. That flat,
# noisy stretch is what the stopping rule watches: ``n_iter_no_change`` epochs
# without beating the best by ``tol`` end the training.

# %%
# Against training to the end
# ---------------------------
# The same network without early stopping trains on all the training data and
# stops on the default rule, when the training loss stops improving.
full = make_pipeline(
    StandardScaler(), NeuronClassifier(hidden_layer_sizes=(64,), random_state=0)
).fit(X_train, y_train)

print(f"\n{'':<16} {'epochs':>6} {'test accuracy':>13}")
for name, model in [("early stopping", early), ("to the end", full)]:
    print(f"{name:<16} {model[-1].n_iter_:>6} {model.score(X_test, y_test):>13.4f}")

# %%
# On digits, longer training does not overfit much, so early stopping buys a
# shorter fit at the cost of some accuracy: it trained on 80% of the data and
# stopped on a noisy score. It pays off when the validation score turns down
# while the training loss still falls, a large network on a small or noisy
# data set; and for expensive fits, where knowing when to stop matters more
# than the last point of accuracy.

plt.show()
