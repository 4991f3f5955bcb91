"""Tests of skneuron.plotting: LossCurveDisplay, and matplotlib kept optional."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier, NeuronRegressor
from skneuron.plotting import LossCurveDisplay

NEEDS_MPL = "drawing needs matplotlib, an optional dependency"

# Short fits keep the tests fast; whether they converge is beside the point.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def plt():
    """pyplot on the Agg backend; every figure closed after the test."""
    matplotlib = pytest.importorskip("matplotlib", reason=NEEDS_MPL)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fit(data, **params):
    params = {"hidden_layer_sizes": (8,), "max_iter": 30, "random_state": 0, **params}
    return NeuronClassifier(**params).fit(*data)


def test_lines_hold_the_curves(plt):
    display = LossCurveDisplay([3.0, 2.0, 1.5], [0.5, 0.7, 0.6]).plot()
    np.testing.assert_array_equal(display.line_.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(display.line_.get_ydata(), [3.0, 2.0, 1.5])
    np.testing.assert_array_equal(display.validation_line_.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(display.validation_line_.get_ydata(), [0.5, 0.7, 0.6])
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "training loss"
    assert display.validation_ax_.get_ylabel() == "validation score"


def test_from_estimator_plots_fitted_curves(plt, data):
    clf = _fit(data, early_stopping=True)
    display = LossCurveDisplay.from_estimator(clf)
    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), clf.validation_scores_
    )
    assert len(display.line_.get_xdata()) == clf.n_iter_
    assert display.line_.get_label() == "NeuronClassifier (training loss)"


@pytest.mark.parametrize("early_stopping", [False, True])
def test_second_axis_iff_validation_scores(plt, data, early_stopping):
    clf = _fit(data, early_stopping=early_stopping)
    display = LossCurveDisplay.from_estimator(clf)
    assert (clf.validation_scores_ is not None) == early_stopping
    assert len(display.figure_.axes) == (2 if early_stopping else 1)
    if early_stopping:
        assert display.validation_ax_ in display.figure_.axes
        assert display.validation_ax_ is not display.ax_
        # A twin: same x axis, its own y axis.
        assert display.validation_ax_.get_shared_x_axes().joined(
            display.ax_, display.validation_ax_
        )
        assert display.validation_line_.axes is display.validation_ax_
    else:
        assert display.validation_ax_ is None
        assert display.validation_line_ is None


def test_lbfgs_has_no_validation_axis(plt, data):
    clf = _fit(data, solver="lbfgs", max_iter=20)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.validation_ax_ is None
    assert len(display.line_.get_ydata()) == len(clf.loss_curve_)


def test_ax_is_honoured(plt):
    fig, (left, right) = plt.subplots(1, 2)  # right is the current axes
    display = LossCurveDisplay([2.0, 1.0], [0.1, 0.2]).plot(ax=left)
    assert display.ax_ is left
    assert display.figure_ is fig
    assert display.line_.axes is left
    assert not right.lines
    # The twin sits on the given axes, not on the current one.
    assert display.validation_ax_.get_position().bounds == left.get_position().bounds


def test_from_estimator_honours_ax(plt, data):
    fig, (left, right) = plt.subplots(1, 2)
    clf = _fit(data)
    display = LossCurveDisplay.from_estimator(clf, ax=left)
    assert display.ax_ is left and display.figure_ is fig
    assert len(left.lines) == 1 and not right.lines


def test_line_kwargs_and_names(plt):
    display = LossCurveDisplay([2.0, 1.0], [0.1, 0.2], estimator_name="net").plot(
        color="k", validation_kw={"color": "r", "linestyle": ":"}
    )
    assert display.line_.get_color() == "k"
    assert display.validation_line_.get_color() == "r"
    assert display.validation_line_.get_linestyle() == ":"
    assert display.line_.get_label() == "net (training loss)"
    assert display.validation_line_.get_label() == "net (validation score)"
    # Short aliases replace the default style instead of clashing with it.
    aliased = LossCurveDisplay([2.0, 1.0], [0.1, 0.2]).plot(
        validation_kw={"c": "g", "ls": "-."}
    )
    assert aliased.validation_line_.get_color() == "g"
    assert aliased.validation_line_.get_linestyle() == "-."
    # plot(name=) beats estimator_name.
    again = LossCurveDisplay([2.0, 1.0]).plot(name="other")
    assert again.line_.get_label() == "other (training loss)"


def test_from_estimator_reads_the_last_step_of_a_pipeline(plt, data):
    pipe = make_pipeline(StandardScaler(), NeuronRegressor(max_iter=20, random_state=0))
    pipe.fit(data[0], data[1].astype(float))
    display = LossCurveDisplay.from_estimator(pipe)
    np.testing.assert_allclose(display.line_.get_ydata(), pipe[-1].loss_curve_)
    assert display.line_.get_label().startswith("NeuronRegressor")


# The errors below come before matplotlib is imported: no importorskip.


@pytest.mark.parametrize(
    "estimator",
    [NeuronClassifier(), make_pipeline(StandardScaler(), NeuronRegressor())],
)
def test_unfitted_estimator_raises(estimator):
    with pytest.raises(NotFittedError, match="not fitted"):
        LossCurveDisplay.from_estimator(estimator)


def test_estimator_without_loss_curve_raises(data):
    clf = LogisticRegression().fit(*data)
    with pytest.raises(AttributeError, match="LogisticRegression has no loss_curve_"):
        LossCurveDisplay.from_estimator(clf)


@pytest.mark.parametrize("curve", [[], [[1.0, 2.0]], 3.0])
def test_bad_curves_raise(curve):
    with pytest.raises(ValueError, match="loss_curve must be a non-empty"):
        LossCurveDisplay(curve)
    with pytest.raises(ValueError, match="validation_scores must be a non-empty"):
        LossCurveDisplay([1.0], curve)


def test_missing_matplotlib_says_how_to_install(monkeypatch, data):
    # A None entry in sys.modules makes `import` raise ImportError, as if the
    # package were not installed, even when it is.
    for module in ("matplotlib", "matplotlib.pyplot", "matplotlib.ticker"):
        monkeypatch.setitem(sys.modules, module, None)
    display = LossCurveDisplay([1.0, 0.5])
    with pytest.raises(ImportError, match=r'pip install "skneuron\[plot\]"'):
        display.plot()
    clf = _fit(data)
    with pytest.raises(ImportError, match=r"LossCurveDisplay\.plot requires"):
        LossCurveDisplay.from_estimator(clf)


def test_import_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys, skneuron, skneuron.plotting; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    # Away from the source tree, whose skneuron has no compiled kernels.
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
