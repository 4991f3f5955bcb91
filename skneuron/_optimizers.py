"""Stochastic optimizers: explicit state, in-place steps on the flat parameter vector.

As in optax, an optimizer is a pair ``init(params) -> state`` and
``step(params, grad, state, learning_rate)``; the state is a plain dict of arrays and
counters, so it pickles with the model and ``partial_fit`` resumes where it stopped.
Unlike optax, ``step`` updates ``params`` in place and allocates nothing: each update
is one compiled loop over the flat vector (``_kernels``), which reads every array
once, where numpy's ufuncs would pass over it a dozen times.
Learning-rate schedules and stopping live in the training loop, not here.
"""

import numpy as np

from . import _kernels


class SGD:
    """Stochastic gradient descent with momentum, as in scikit-learn's MLP.

    .. math::

        v \\leftarrow \\mu v - \\eta g, \\qquad
        \\theta \\leftarrow \\theta + v
        \\quad\\text{or, with Nesterov's momentum,}\\quad
        \\theta \\leftarrow \\theta + \\mu v - \\eta g.

    Parameters
    ----------
    momentum : float, default=0.9
        :math:`\\mu`, in [0, 1].
    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum.
    """

    def __init__(self, momentum=0.9, nesterovs_momentum=True):
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum

    def init(self, params):
        """Zero velocity."""
        return {"velocity": np.zeros_like(params)}

    def step(self, params, grad, state, learning_rate):
        """Update ``params`` in place from ``grad``."""
        _kernels.sgd_step(
            params,
            grad,
            state["velocity"],
            learning_rate,
            self.momentum,
            self.nesterovs_momentum,
        )


class Adam:
    r"""Adam (Kingma and Ba, 2015), as in scikit-learn's MLP.

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \qquad
        \theta \leftarrow \theta
        - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t} \frac{m}{\sqrt{v} + \epsilon}.

    Parameters
    ----------
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates, in [0, 1).
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init(self, params):
        """Zero moments at time step 0."""
        return {"t": 0, "m": np.zeros_like(params), "v": np.zeros_like(params)}

    def step(self, params, grad, state, learning_rate, decay=1.0):
        """Update ``params`` in place from ``grad``, after scaling it by ``decay``."""
        state["t"] = t = state["t"] + 1
        step_size = learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        _kernels.adam_step(
            params,
            grad,
            state["m"],
            state["v"],
            step_size,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            decay,
        )


class RMSProp:
    r"""RMSProp (Tieleman and Hinton, 2012).

    .. math::

        v \leftarrow \rho v + (1 - \rho) g^2, \qquad
        \theta \leftarrow \theta - \eta \frac{g}{\sqrt{v} + \epsilon}.

    Parameters
    ----------
    rho : float, default=0.9
        Decay rate of the mean squared gradient, in [0, 1).
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.
    """

    def __init__(self, rho=0.9, epsilon=1e-8):
        self.rho = rho
        self.epsilon = epsilon

    def init(self, params):
        """Zero mean squared gradient."""
        return {"v": np.zeros_like(params)}

    def step(self, params, grad, state, learning_rate):
        """Update ``params`` in place from ``grad``."""
        _kernels.rmsprop_step(
            params, grad, state["v"], learning_rate, self.rho, self.epsilon
        )


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Before each Adam step, :math:`\theta \leftarrow (1 - \eta \lambda) \theta`:
    the decay shrinks every parameter, biases included (as PyTorch's ``AdamW``),
    apart from the gradient and so untouched by Adam's scaling. It adds to any L2
    penalty ``alpha`` in the loss.

    Parameters
    ----------
    beta_1, beta_2, epsilon : float
        As for :class:`Adam`.
    weight_decay : float, default=0.01
        :math:`\lambda`.
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.01):
        super().__init__(beta_1, beta_2, epsilon)
        self.weight_decay = weight_decay

    def step(self, params, grad, state, learning_rate):
        """Decay, then update ``params`` in place from ``grad``, in one pass."""
        decay = 1 - learning_rate * self.weight_decay
        super().step(params, grad, state, learning_rate, decay)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSProp, "adamw": AdamW}
"""Stochastic solvers by name. The arguments of each constructor are estimator
parameters of the same names, which is how the estimators build them."""
