"""The systems compared: skneuron, scikit-learn's MLP and a PyTorch loop.

Each system wraps how it builds, fits and predicts with one workload's settings,
behind the same small interface (``fit``, ``predict``, ``score``); adding a peer
is adding one class and one entry of :func:`make_systems`.
"""

import warnings
from functools import partial
from itertools import pairwise

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skneuron import NeuronClassifier, NeuronRegressor  # as installed: compiled

try:
    import torch
except ImportError:  # the comparison with PyTorch is optional
    torch = None
from workloads import ALPHA, SEED, batch_size, load_data, workload_named

HAS_DTYPE = "dtype" in NeuronClassifier().get_params()
"""Whether this skneuron has the ``dtype`` parameter (its default is left as is)."""


def estimator_params(workload, epochs):
    """Constructor parameters shared by skneuron and scikit-learn.

    Stochastic solvers run exactly ``epochs`` epochs: ``tol=0`` and a huge
    ``n_iter_no_change`` switch off the stopping rule.
    """
    params = {
        "hidden_layer_sizes": workload.hidden,
        "solver": workload.solver,
        "alpha": ALPHA,
        "batch_size": workload.batch_size,
        "shuffle": True,
        "random_state": SEED,
    }
    if workload.solver != "lbfgs":
        params.update(max_iter=epochs, tol=0.0, n_iter_no_change=10**9)
    return params


class EstimatorSystem:
    """skneuron or scikit-learn: the estimators' own ``fit`` and ``predict``."""

    def __init__(self, name, classifier, regressor):
        self.name = name
        self.classes = {"classification": classifier, "regression": regressor}

    def fit(self, workload, X, y, epochs):
        estimator = self.classes[workload.task](**estimator_params(workload, epochs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return estimator.fit(X, y)

    def predict(self, model, X):
        return model.predict(X)

    def compute_dtype(self, model):
        return model.coefs_[0].dtype.name

    def note(self, model):
        if model.solver == "lbfgs":
            return f"loss_ {model.loss_:.6g}, n_iter_ {model.n_iter_}"
        return f"loss_ {model.loss_:.6g}"


class TorchModel:
    """A trained PyTorch network with a scikit-learn-like ``predict``."""

    def __init__(self, net, classes, loss):
        self.net = net.eval()
        self.classes = classes
        self.loss_ = loss

    def predict(self, X):
        """Predict a numpy array, converting it to a float32 tensor on each call."""
        with torch.no_grad():
            out = self.net(torch.from_numpy(X).to(torch.float32))
        if self.classes is None:
            return out.numpy().ravel()
        return self.classes[out.argmax(1).numpy()]


class TorchSystem:
    """A plain, hand-written PyTorch CPU training loop mirroring scikit-learn's MLP.

    Same architecture (Linear + ReLU; softmax cross-entropy, or half mean squared
    error for regression), Glorot-uniform initialization as scikit-learn draws it
    (weights and biases in ``+-sqrt(6 / (fan_in + fan_out))``, from torch's own
    generator), ``torch.optim.Adam`` with lr, betas and eps of scikit-learn, the
    same batch size and epoch count, and a fresh permutation each epoch. The L2
    penalty ``alpha / (2 n_batch) ||W||^2`` on weights only is Adam's (coupled,
    non-decoupled) ``weight_decay = alpha / batch_size`` on a parameter group of the
    weights, biases having none: the same gradient, except in the last, smaller
    batch of an epoch. The model computes in float32 (the input is converted, as
    a user would, inside the timed fit). Like the estimators, it keeps the mean
    training loss of each epoch.
    """

    name = "torch"

    def fit(self, workload, X, y, epochs):
        n = X.shape[0]
        batch = batch_size(workload, n)
        X_t = torch.from_numpy(X).to(torch.float32)
        if workload.task == "classification":
            classes, codes = np.unique(y, return_inverse=True)
            Y_t, n_out = torch.from_numpy(codes.astype(np.int64)), len(classes)
            loss_fn = torch.nn.functional.cross_entropy
        else:
            classes, n_out = None, 1
            Y_t = torch.from_numpy(y.reshape(-1, 1)).to(torch.float32)

            def loss_fn(pred, target):
                return 0.5 * torch.nn.functional.mse_loss(pred, target)

        torch.manual_seed(SEED)
        net = build_torch_net((X.shape[1], *workload.hidden, n_out))
        weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
        optimizer = torch.optim.Adam(
            [
                {"params": weights, "weight_decay": ALPHA / batch},
                {"params": biases, "weight_decay": 0.0},
            ],
            lr=1e-3,
            betas=(0.9, 0.999),
            eps=1e-8,
        )
        generator = torch.Generator().manual_seed(SEED)
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(net(X_t[idx]), Y_t[idx])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(idx)
        return TorchModel(net, classes, total / n)

    def predict(self, model, X):
        return model.predict(X)

    def compute_dtype(self, model):
        return "float32"

    def note(self, model):
        return f"loss {model.loss_:.6g}"


def build_torch_net(layer_sizes):
    """``Linear`` layers with ReLU between them, initialized as scikit-learn does."""
    layers = []
    for l, (fan_in, fan_out) in enumerate(pairwise(layer_sizes)):
        linear = torch.nn.Linear(fan_in, fan_out)
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound)
            linear.bias.uniform_(-bound, bound)
        layers.append(linear)
        if l < len(layer_sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_systems(names, threads):
    """The systems to compare, skneuron first; torch only if it imports."""
    available = {
        "skneuron": EstimatorSystem("skneuron", NeuronClassifier, NeuronRegressor),
        # float32 on float64 input: the peer of the float32 systems there.
        "skneuron-f32": EstimatorSystem(
            "skneuron-f32",
            partial(NeuronClassifier, dtype="float32"),
            partial(NeuronRegressor, dtype="float32"),
        ),
        "sklearn": EstimatorSystem("sklearn", MLPClassifier, MLPRegressor),
    }
    if torch is not None:
        torch.set_num_threads(threads)
        available["torch"] = TorchSystem()
    elif "torch" in names:
        print("note: `import torch` failed; the PyTorch loop is skipped")
        names = [name for name in names if name != "torch"]
    unknown = set(names) - set(available)
    if unknown:
        raise SystemExit(f"unknown systems: {sorted(unknown)}")
    return [available[name] for name in names]


def warm_up(systems):
    """One tiny fit and predict per system: lazy imports, thread pools, caches."""
    workload = workload_named("W1-wide-f64")
    data = load_data("digits", None)
    for system in systems:
        model = system.fit(workload, data.X_train[:300], data.y_train[:300], 2)
        system.predict(model, data.X_test[:1])


def takes_part(system, workload):
    """Whether a system runs a workload."""
    if system == "torch":
        # No L-BFGS loop is written for torch: W6 compares the estimators only.
        return workload.solver != "lbfgs"
    if system == "skneuron-f32":
        # Needed only where skneuron's default computes in float64.
        return workload.x_dtype == "float64" and workload.solver != "lbfgs"
    return True
