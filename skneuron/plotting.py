"""Plots of fitted estimators, in scikit-learn's Display style.

A Display stores the data to draw; ``plot`` draws it and keeps the matplotlib
objects as attributes ending in ``_``; ``from_estimator`` reads the data from a
fitted estimator and plots it. matplotlib is imported by ``plot`` only, so
skneuron itself does not need it: ``pip install "skneuron[plot]"`` adds it.
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["LossCurveDisplay"]


def _import_pyplot(caller):
    """Import and return ``matplotlib.pyplot``, or say how to install it."""
    try:
        # Import the package first: a cached ``matplotlib.pyplot`` alone does not
        # prove that matplotlib is importable.
        import matplotlib  # noqa: F401
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            f"{caller} requires matplotlib. Install it with "
            'pip install "skneuron[plot]" (or pip install matplotlib).'
        ) from error
    return plt


def _as_curve(values, name):
    """``values`` as a non-empty 1-d float array, or a ValueError naming it."""
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1 or curve.size == 0:
        raise ValueError(
            f"{name} must be a non-empty sequence of numbers, one per epoch; got an "
            f"array of shape {curve.shape}."
        )
    return curve


class LossCurveDisplay:
    """Training loss per epoch, and validation score per epoch when there is one.

    It is recommended to use :meth:`from_estimator` to create a display from a
    fitted estimator. The validation scores, when given, are drawn against a
    second y axis on the right (``ax.twinx()``): the loss is to be minimized, the
    score (accuracy or :math:`R^2`) maximized, and their scales differ.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss of each epoch, as in the fitted ``loss_curve_``.
    validation_scores : array-like of shape (n_validation_epochs,), default=None
        Validation score of each epoch, as in ``validation_scores_``; None to
        plot the loss only.
    estimator_name : str, default=None
        Name shown in the legend; None for none.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training loss.
    validation_line_ : matplotlib Line2D or None
        The validation scores; None without them.
    ax_ : matplotlib Axes
        Axes of the training loss.
    validation_ax_ : matplotlib Axes or None
        Second y axis, sharing ``ax_``'s x axis, of the validation scores; None
        without them.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    LossCurveDisplay.from_estimator : Plot the curves of a fitted estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skneuron import NeuronClassifier
    >>> from skneuron.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NeuronClassifier(
    ...     hidden_layer_sizes=(10,), learning_rate_init=0.01, early_stopping=True,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> display = LossCurveDisplay(clf.loss_curve_, clf.validation_scores_)
    >>> display.loss_curve.shape == (clf.n_iter_,)
    True

    Drawing needs matplotlib:

    >>> import matplotlib.pyplot as plt  # doctest: +SKIP
    >>> display.plot()  # doctest: +SKIP
    <...>
    >>> LossCurveDisplay.from_estimator(clf)  # doctest: +SKIP
    <...>
    >>> plt.show()  # doctest: +SKIP
    """

    def __init__(self, loss_curve, validation_scores=None, *, estimator_name=None):
        self.loss_curve = _as_curve(loss_curve, "loss_curve")
        self.validation_scores = (
            None
            if validation_scores is None
            else _as_curve(validation_scores, "validation_scores")
        )
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, validation_kw=None, **kwargs):
        """Plot the curves against the epoch number, starting at 1.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot the training loss on; None for a new figure. The
            validation scores get a second y axis made with ``ax.twinx()``.
        name : str, default=None
            Name for the legend; None for ``estimator_name``.
        validation_kw : dict, default=None
            Keyword arguments of ``plot`` for the validation line.
        **kwargs : dict
            Keyword arguments of ``plot`` for the training loss line.

        Returns
        -------
        display : LossCurveDisplay
            This object, with the matplotlib objects as attributes.
        """
        plt = _import_pyplot(f"{type(self).__name__}.plot")
        from matplotlib.cbook import normalize_kwargs
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name

        def label(what):
            return what if name is None else f"{name} ({what})"

        epochs = np.arange(1, len(self.loss_curve) + 1)
        self.line_ = ax.plot(
            epochs, self.loss_curve, **{"label": label("training loss"), **kwargs}
        )[0]
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

        self.validation_ax_ = self.validation_line_ = None
        legend_ax = ax
        if self.validation_scores is not None:
            self.validation_ax_ = legend_ax = ax.twinx()
            # A twin axis restarts the color cycle: keep the two lines apart.
            style = {
                "color": "C1",
                "linestyle": "--",
                "label": label("validation score"),
            }
            # Aliases ("c", "ls") to full names, so that they replace the defaults.
            style.update(normalize_kwargs(validation_kw or {}, Line2D))
            epochs = np.arange(1, len(self.validation_scores) + 1)
            self.validation_line_ = self.validation_ax_.plot(
                epochs, self.validation_scores, **style
            )[0]
            self.validation_ax_.set_ylabel("validation score")

        # The twin axis is drawn over ax, so the legend goes on top of both.
        lines = [self.line_, self.validation_line_]
        lines = [line for line in lines if line is not None]
        if name is not None or len(lines) > 1 or "label" in kwargs:
            legend_ax.legend(handles=lines)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Plot the loss curve (and validation scores) of a fitted estimator.

        Parameters
        ----------
        estimator : estimator or Pipeline
            A fitted estimator with ``loss_curve_`` (skneuron's, or
            scikit-learn's MLP), or a pipeline ending in one.
        ax : matplotlib Axes, default=None
            Axes to plot on; None for a new figure.
        name : str, default=None
            Name for the legend; None for the estimator's class name.
        **kwargs : dict
            Passed to :meth:`plot`: ``validation_kw`` and the keyword arguments
            of the training loss line.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        AttributeError
            If it records no loss curve.
        """
        check_is_fitted(estimator)
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        if not hasattr(estimator, "loss_curve_"):
            raise AttributeError(
                f"{type(estimator).__name__} has no loss_curve_ to plot; "
                "LossCurveDisplay needs an estimator trained epoch by epoch, such as "
                "NeuronClassifier or NeuronRegressor."
            )
        display = cls(
            estimator.loss_curve_,
            getattr(estimator, "validation_scores_", None),
            estimator_name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(ax=ax, **kwargs)
