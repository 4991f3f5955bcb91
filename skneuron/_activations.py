"""Activation functions: one record per name, in one registry.

Each record (:class:`Activation`) holds everything skneuron knows of an activation:
its in-place forward function and derivative, whether backpropagation can train
it, where it may stand in a network (hidden or output layer), the weight
initialization ``weight_init="auto"`` gives the layer it feeds, and its compiled
kernel entry. The estimators' parameter validation, the network, :class:`Neuron`,
introspection and the ONNX export all read this registry, and records are built
by one function, :func:`activation_record`, that binds the activation's parameters (the
leaky relu's slope).

The functions themselves, in place on preallocated arrays, live in
:mod:`._activation_functions`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from . import _activation_functions as F
from . import _kernels

LEAKY_RELU_SLOPE = 0.01
HIDDEN, OUTPUT = "hidden", "output"


@dataclass(frozen=True)
class Activation:
    """An activation function: what the network, a neuron and the export need.

    Parameters
    ----------
    name : str
        Canonical name.
    forward : callable
        ``forward(Z, A)``: write :math:`f(Z)` into ``A``.
    derivative : callable or None
        ``derivative(Z, A, dA)``: ``dA *= f'(Z)``; may overwrite ``Z`` and ``A``.
        None for a function backpropagation cannot train (``step``).
    roles : frozenset of {"hidden", "output"}
        The layers of a trained network it may stand in; empty for a function
        of a lone :class:`~skneuron.Neuron` only.
    needs_z : bool, default=False
        Whether ``Z`` needs a buffer of its own: ``forward`` cannot run in place or
        ``derivative`` reads ``Z``. When false, ``Z`` and ``A`` may share memory.
    forward_with_bias : callable or None, default=None
        The compiled kernel ``forward_with_bias(Z, b)``: ``Z = f(Z + b)`` in place,
        in one pass, for a layer whose ``Z`` and ``A`` share memory; without it
        the network adds the bias, then calls ``forward``.
    init : {"glorot", "he"}, default="glorot"
        The scheme ``weight_init="auto"`` draws the weights into this layer with.
    elementwise : bool, default=True
        Whether each unit's output depends on its own input only (not softmax).
    parameters : dict, default={}
        The values bound into ``forward`` and ``derivative``, such as ``slope``.
    monotone : bool, default=False
        Whether every output is a non-decreasing function of every input: what
        ``monotonic_cst`` needs of each layer (see :mod:`._monotonic`).
    """

    name: str
    forward: Callable[[np.ndarray, np.ndarray], object]
    derivative: Callable[[np.ndarray, np.ndarray, np.ndarray], object] | None
    roles: frozenset = frozenset({HIDDEN})
    needs_z: bool = False
    forward_with_bias: Callable[[np.ndarray, np.ndarray], object] | None = None
    init: str = "glorot"
    elementwise: bool = True
    parameters: dict = field(default_factory=dict)
    monotone: bool = False

    @property
    def trainable(self):
        """Whether backpropagation gets a gradient through it."""
        return self.derivative is not None


def _registry(leaky_relu_slope):
    slope = {"slope": leaky_relu_slope}
    both, output = frozenset({HIDDEN, OUTPUT}), frozenset({OUTPUT})
    # monotone: non-decreasing in every input. gelu and silu dip below zero, and
    # softmax raises one output by lowering the others.
    up = {"monotone": True}
    records = [
        Activation("identity", F.identity, F.identity_derivative, both, **up),
        Activation("logistic", F.logistic, F.logistic_derivative, both, **up),
        Activation("tanh", F.tanh, F.tanh_derivative, **up),
        Activation(
            "relu",
            F.relu,
            F.relu_derivative,
            forward_with_bias=_kernels.bias_relu,
            init="he",
            **up,
        ),
        Activation(
            "leaky_relu",
            partial(F.leaky_relu, **slope),
            partial(F.leaky_relu_derivative, **slope),
            needs_z=True,
            init="he",
            parameters=slope,
            **up,
        ),
        Activation("elu", F.elu, F.elu_derivative, needs_z=True, init="he", **up),
        Activation("softplus", F.softplus, F.softplus_derivative, **up),
        Activation("gelu", F.gelu, F.gelu_derivative, needs_z=True, init="he"),
        Activation("silu", F.silu, F.silu_derivative, needs_z=True, init="he"),
        Activation(
            "convex_concave_relu",
            F.convex_concave_relu,
            F.convex_concave_relu_derivative,
            init="he",
            elementwise=False,
            **up,
        ),
        Activation(
            "softmax", F.softmax, F.softmax_derivative, output, elementwise=False
        ),
        Activation("exp", F.exp, F.exp_derivative, output, **up),
        Activation(
            "cumulative_softplus",
            F.cumulative_softplus,
            F.cumulative_softplus_derivative,
            output,
            needs_z=True,
            elementwise=False,
            **up,
        ),
        # Its derivative is zero wherever it is defined: nothing to backpropagate.
        Activation("step", F.step, None, frozenset()),
    ]
    return {record.name: record for record in records}


ACTIVATIONS = _registry(LEAKY_RELU_SLOPE)
"""Every activation by canonical name, with its default parameters."""

ALIASES = {"sigmoid": "logistic", "swish": "silu"}
"""Other accepted names, mapped to their canonical name."""

HIDDEN_ACTIVATIONS = frozenset(
    name for name, record in ACTIVATIONS.items() if HIDDEN in record.roles
)
"""The canonical names a hidden layer of an estimator may use."""


def activation_record(name, leaky_relu_slope=LEAKY_RELU_SLOPE):
    """The record of the activation ``name`` (or an alias), its parameters bound.

    Raises
    ------
    ValueError
        If ``name`` is not a known activation.
    """
    return _registry(leaky_relu_slope)[canonical_name(name)]


def canonical_name(name):
    """Return the canonical name of an activation, accepting aliases.

    Raises
    ------
    ValueError
        If ``name`` is not a known activation.
    """
    name = ALIASES.get(name, name)
    if name not in ACTIVATIONS:
        known = sorted({*ACTIVATIONS, *ALIASES})
        raise ValueError(f"Unknown activation {name!r}; expected one of {known}.")
    return name


def hidden_activation_name(name):
    """The canonical name of an activation a hidden layer can train, or an error.

    Raises
    ------
    ValueError
        If ``name`` is unknown, cannot be trained, or belongs to output layers.
    """
    record = ACTIVATIONS[canonical_name(name)]
    if not record.trainable:
        raise ValueError(
            f"activation={name!r} is for a Neuron with hand-set weights only: its "
            "derivative is zero wherever it is defined, so backpropagation cannot "
            "train it. Use 'logistic' or 'tanh' for a smooth threshold."
        )
    if HIDDEN not in record.roles:
        raise ValueError(
            f"activation={name!r} is an output activation, which skneuron chooses "
            f"from the loss; a hidden layer takes one of {sorted(HIDDEN_ACTIVATIONS)}."
        )
    return record.name
