"""Docstring fragments shared by the estimators, so each is written once.

Each fragment is written for a docstring indented by four spaces, as in the
source. Python 3.13 strips that indentation when it compiles a docstring, so a
fragment is inserted at the indentation its placeholder has.
"""

import re

SHARED_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_hidden_layers,) or int, default=(100,)
        The number of neurons in each hidden layer. ``()`` gives a network with no
        hidden layer: one neuron per output, that is a generalized linear model.

    activation : str or sequence of str, default="relu"
        Activation of the hidden layers: one name for all, or one per hidden layer.
        ``"identity"``, ``"logistic"`` (also ``"sigmoid"``), ``"tanh"``, ``"relu"``,
        ``"leaky_relu"`` (slope ``leaky_relu_slope``), ``"elu"``, ``"softplus"``,
        ``"gelu"`` (exact, with the normal CDF), ``"silu"`` (also ``"swish"``) or
        ``"convex_concave_relu"``: relu on the first half of the layer's units,
        ``min(z, 0)`` on the second, for ``monotonic_cst``.

    solver : {"adam", "sgd", "lbfgs", "rmsprop", "adamw"}, default="adam"
        Weight optimizer: Adam, stochastic gradient descent with momentum,
        scipy's full-batch L-BFGS-B, RMSProp, or Adam with decoupled weight decay.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases), divided by the
        number of samples (or the sum of their weights) when added to the loss.

    batch_size : int or "auto", default="auto"
        Size of the mini-batches of the stochastic solvers; ``"auto"`` is
        ``min(200, n_samples)``. Not used by ``"lbfgs"``.

    learning_rate : {"constant", "invscaling", "adaptive", "cosine", "coslog4"}, \
            default="constant"
        Learning-rate schedule. scikit-learn's three apply to ``solver="sgd"``
        only; the other solvers keep ``learning_rate_init`` with them, as
        scikit-learn's Adam does. ``"invscaling"`` sets it to
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the samples seen;
        ``"adaptive"`` divides it by 5 each time the training loss (or validation
        score) stops improving, as in scikit-learn's MLP. ``"cosine"`` and
        ``"coslog4"`` apply to every stochastic solver and set the rate at the
        middle of each epoch from its position ``t`` in the ``max_iter`` epochs:
        ``"cosine"`` decays it from ``learning_rate_init`` to 0 as
        ``(1 + cos(pi t)) / 2``; ``"coslog4"``, RealMLP's schedule, runs four
        cycles up and down, each twice as long as the one before,
        ``(1 - cos(2 pi log2(1 + 15 t))) / 2``. Training may stop before the
        schedule ends (``n_iter_no_change``); with ``early_stopping`` the best
        epoch is kept, and a larger ``n_iter_no_change`` lets the low rates of
        the schedule's end be reached. ``solver="adamw"``'s decay, a multiple of
        the rate, follows the schedule. A ``warm_start`` fit runs the schedule
        anew; with ``partial_fit`` each call is one epoch of the schedule, which
        starts again after ``max_iter`` calls.

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or of iterations (L-BFGS).

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the validation split and the shuffling. The same seed
        draws the same initial weights as scikit-learn's MLP.

    tol : float, default=1e-4
        Training stops when the loss (or validation score) has not improved by at
        least ``tol`` for more than ``n_iter_no_change`` consecutive epochs. For
        L-BFGS, the tolerance on the projected gradient.

    verbose : bool or int, default=False
        Whether to print progress on stdout, as scikit-learn's MLP does: for the
        stochastic solvers, ``Iteration N, loss = ...`` (and ``Validation score:
        ...``) after each epoch, and why training stops. Any true value is the same.
        For a progress bar, see ``progress_bar``.

    warm_start : bool, default=False
        Reuse the weights of the previous fit as the starting point.

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether ``solver="sgd"`` uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (split as
        scikit-learn's MLP splits it: stratified for binary targets only) and stop
        when its score stops improving; the weights of the best epoch are restored
        at the end. ``partial_fit`` refuses it, as scikit-learn's does.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability term of Adam.

    n_iter_no_change : int, default=10
        Number of epochs without an improvement of ``tol`` that stops training.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``.

    rho : float, default=0.9
        Decay rate of the mean squared gradient of ``solver="rmsprop"``.

    weight_decay : float, default=0.01
        Decoupled weight decay of ``solver="adamw"``: each step multiplies every
        parameter by ``1 - learning_rate * weight_decay``.

    dropout : float or sequence of float, default=0.0
        Dropout rate of the hidden layers, one for all or one per hidden layer, in
        [0, 1). While training with a stochastic solver, each hidden unit is zeroed
        with that probability and the others scaled by ``1 / (1 - rate)``; predicting
        uses every unit, unscaled. Not available with ``solver="lbfgs"``.

    weight_init : {"glorot", "he", "lecun", "auto"}, default="glorot"
        How the initial weights and biases are drawn, uniformly around 0.
        ``"glorot"`` is scikit-learn's MLP scheme, draw for draw, hence the default:
        half-width :math:`\\sqrt{6 / (fan_{in} + fan_{out})}` (2 instead of 6 for
        logistic units). ``"he"``: :math:`\\sqrt{6 / fan_{in}}`; ``"lecun"``:
        :math:`\\sqrt{3 / fan_{in}}`; ``"auto"``: He for hidden layers of the relu
        family (relu, leaky_relu, elu, gelu, silu, convex_concave_relu), Glorot
        elsewhere.

    leaky_relu_slope : float, default=0.01
        Slope of ``"leaky_relu"`` below zero, in [0, 1).

    callbacks : list of callables, default=None
        Called after every epoch of the stochastic solvers as ``callback(estimator,
        record)``, ``record`` being a copy of that epoch's entry in ``history_``
        (``epoch``, ``loss``, ``validation_score``, ``learning_rate``, ``seconds``).
        A callback that returns True stops training after that epoch, without a
        ``ConvergenceWarning``. The estimator's fitted attributes are those of the
        previous fit until this one ends. To pickle the model, use picklable
        callables (module-level functions or objects), not lambdas.

    progress_bar : bool, default=False
        Draw a progress bar over the epochs of the stochastic solvers, with tqdm
        (``pip install "skneuron[progress]"``), on stderr. Independent of
        ``verbose``.

    dtype : {"auto", "float32", "float64"} or numpy float type, default="auto"
        Floating-point type of the weights and computations. ``"auto"`` follows
        the input, as scikit-learn's MLP does: float32 ``X`` trains in float32,
        any other ``X`` in float64; ``coefs_``, ``intercepts_`` and the outputs of
        ``predict`` and ``predict_proba`` have that type (the outputs are float64
        when float64 ``X`` meets a float32 model). ``"lbfgs"`` works in float64
        whatever the input, as scikit-learn's does in effect (it ends with float64
        weights too), since its line search compares loss values to more digits
        than float32 holds. Give ``"float32"`` to train faster on float64 data, to
        float32 precision. A fitted model keeps its type through ``warm_start`` and
        ``partial_fit``."""

SHARED_ATTRIBUTES = """\
loss_ : float
        The loss at the end of training: for the stochastic solvers, the mean of the
        batch losses of the last epoch, L2 penalty included.

    best_loss_ : float or None
        The smallest epoch loss; None with ``early_stopping`` or ``"lbfgs"``.

    loss_curve_ : list of float
        The loss of each epoch (each iteration for ``"lbfgs"``).

    validation_scores_ : list of float or None
        The validation score of each epoch, with ``early_stopping``.

    best_validation_score_ : float or None
        The best validation score, with ``early_stopping``.

    history_ : list of dict
        One record per epoch: ``epoch``, ``loss``, ``validation_score``,
        ``learning_rate`` and ``seconds``.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrix of each layer; views into the one flat parameter vector.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vector of each layer; views into the same vector.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call to fit.

    n_layers_ : int
        Number of layers, input and output included.

    layer_sizes_ : tuple of int
        Units per layer, from the input (``n_features_in_``) to the output.

    layer_activations_ : tuple of str
        Activation of each layer after the input: the hidden ones, then the
        output activation.

    n_outputs_ : int
        Number of outputs.

    ensemble_scales_ : ndarray of shape (n_ensemble, layer_sizes_[0]) or None
        The members' adapters :math:`r_i` of the first layer's inputs (the
        features, or an input layer's outputs), with ``n_ensemble > 1``.

    out_activation_ : str
        Name of the output activation."""


MONOTONIC_CST = """\
monotonic_cst : array-like of int of shape (n_features,), dict or None, \
            default=None
        Monotonic constraint of each feature, with
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`'s meaning: 1 for
        an increasing relation, -1 for a decreasing one, 0 for none; or a dict
        ``{feature name: constraint}`` for data with feature names, the others
        being 0. Guaranteed, not encouraged: the first-layer weights out of an
        increasing (decreasing) feature are kept >= 0 (<= 0) and every later
        weight >= 0, by projection after each step of the stochastic solvers and
        as L-BFGS-B's bounds, and every activation is non-decreasing, so every
        prediction is monotone in the constrained features whatever the others.
        For regression and binary classification (``predict_proba[:, 1]``) only.
        The hidden activations must be monotone (not ``"gelu"`` or ``"silu"``);
        ``"convex_concave_relu"`` is recommended: with non-negative weights,
        ``"relu"`` alone can only fit functions convex in the constrained
        features. None or all zeros: no constraint, training is unchanged.
        See :ref:`monotonic`."""


N_ENSEMBLE = """\
n_ensemble : int, default=1
        Number of members of a parameter-efficient ensemble trained as one
        network (TabM-mini, Gorishniy et al., ICLR 2025). With ``k > 1``, the
        members share every hidden layer; member ``i`` multiplies the input of
        the first layer by its own adapter :math:`r_i` (initialized to random
        signs) and has its own output head. Every member trains on every row;
        the training loss (``loss_curve_``) is the mean of the members' losses,
        and its L2 penalty the shared weights' plus the mean of the heads' (the
        adapters are not penalized); ``predict`` and ``predict_proba`` return the
        mean of the members' outputs, for a classifier the mean of their
        probabilities, which is again a distribution. The hidden layers run on
        ``k`` rows per sample: an epoch costs up to ``k`` times more. Needs a
        hidden layer; not available with ``monotonic_cst``, nor for
        ``neuron`` and ``hidden_activations``. The output layer's
        ``coefs_[-1]`` and ``intercepts_[-1]`` hold the ``k`` heads side by
        side, shapes ``(fan_in, k * n_outputs_)`` and ``(k * n_outputs_,)``:
        member ``i``'s head is the column block ``i * n_outputs_`` to
        ``(i + 1) * n_outputs_``; the adapters are ``ensemble_scales_``.
        ``layer_sizes_`` and ``n_outputs_`` are those of one member. 1 (the
        default): a single network, trained exactly as without the parameter."""
INPUT_LAYER = """\
input_scale : bool, default=False
        Multiply each feature by a learned scale, initialised to 1, before the
        first layer (RealMLP's front scale, Holzmüller et al. 2024): a learned
        feature importance. Its parameters follow all weights and biases in the
        flat parameter vector, so ``coefs_`` and ``intercepts_`` are unchanged;
        ``alpha`` does not apply to them. Not with ``monotonic_cst``.

    numeric_embedding : {"periodic"} or None, default=None
        ``"periodic"`` embeds each feature of ``embedded_features`` (Gorishniy et
        al., NeurIPS 2022, "PLR"): ``x`` becomes ``relu([sin(2 pi c x), cos(2 pi c
        x)] V + u)``, with 8 trainable frequencies ``c`` drawn from
        ``N(0, frequency_scale ** 2)`` and a linear map ``V``, ``u`` of its own
        to ``embedding_size`` outputs, which replace the feature in the first
        layer's input; the other features pass through unchanged, before them.
        Periodic functions of a feature let the network fit threshold-like and
        high-frequency effects that a relu network of the raw value fits
        slowly. For standardized numeric features; ``alpha`` does not apply to
        the embedding. None: the features go to the first layer as they are.

    embedded_features : array-like of int or bool, or None, default=None
        The features ``numeric_embedding`` embeds: indices, or a boolean mask;
        None for all. Leave out one-hot and other discrete columns.

    embedding_size : int, default=8
        Outputs per embedded feature.

    frequency_scale : float, default=0.3
        Standard deviation of the initial frequencies ``c``, for standardized
        features: small values start from smooth functions of the feature. 0.3
        was chosen on the real-data benchmark, against 0.1 (RealMLP's) and
        0.02, which stopped early before the embedding had learned."""


def _insert(docstring, placeholder, fragment):
    """``docstring`` with ``placeholder`` replaced by ``fragment``, re-indented.

    The fragment's lines after the first are written four spaces deep; they are
    moved to the placeholder's own depth (four spaces up to Python 3.12, none
    from 3.13 on), so the sections stay aligned on every version.
    """
    match = re.search(rf"^( *){re.escape(placeholder)}", docstring, re.MULTILINE)
    if match is None:
        return docstring
    first, *rest = fragment.split("\n")
    indent = match.group(1)
    rest = [indent + line[4:] if line.startswith("    ") else line for line in rest]
    return docstring.replace(placeholder, "\n".join([first, *rest]))


def fill(docstring):
    """Insert the shared parameter and attribute descriptions into a docstring."""
    docstring = _insert(docstring, "{shared_parameters}", SHARED_PARAMETERS)
    docstring = _insert(docstring, "{shared_attributes}", SHARED_ATTRIBUTES)
    docstring = _insert(docstring, "{n_ensemble}", N_ENSEMBLE)
    docstring = _insert(docstring, "{monotonic_cst}", MONOTONIC_CST)
    return _insert(docstring, "{input_layer}", INPUT_LAYER)


TABULAR_PARAMETERS = """\
scaling : {"standard", "robust", "quantile"}, default="standard"
        How numeric columns are scaled: ``"standard"``, standardized (weighted
        by ``sample_weight``); ``"robust"``, centered on the median and divided
        by the interquartile range (:class:`~sklearn.preprocessing.RobustScaler`,
        RealMLP's robust scaling); ``"quantile"``, mapped to a normal
        distribution through the training quantiles
        (:class:`~sklearn.preprocessing.QuantileTransformer`). The last two
        ignore ``sample_weight``, which still weighs the loss. All are
        increasing, so ``monotonic_cst`` holds through them. On the
        development half of the real-data benchmark (22 data sets, 3 seeds),
        ``"quantile"`` lifts the data sets with heavy-tailed counts (hpc-class
        +0.010 accuracy) but loses elsewhere (doctor-visits -0.033 R²): a mean
        gap to the best model of -0.0156 against -0.0135 for ``"standard"``;
        ``"robust"``, -0.0131, within the noise of ``"standard"``.

    clip_outliers : bool, default=True
        Numeric columns are scaled (see ``scaling``), their
        missing values set to the column's center, then, with ``clip_outliers``,
        squashed into (-3, 3) by ``x / sqrt(1 + (x / 3) ** 2)``, so that a far outlier
        cannot dominate a neuron's weighted sum.

    categorical_features : "from_dtype", array-like or None, default="from_dtype"
        Columns to one-hot encode, after most-frequent imputation: a boolean mask,
        indices or names, as :class:`~sklearn.compose.ColumnTransformer` takes
        them. ``"from_dtype"``: the columns of a data frame that are not numeric
        (object, string, category, boolean); none for an array. The other columns
        are numeric.

    max_categories : int, default=32
        Most one-hot columns per categorical feature: rarer levels share one
        "infrequent" column, as do levels unseen in training.

    hidden_layer_sizes, activation, solver, alpha, learning_rate_init
        As in :class:`NeuronClassifier`, with the same defaults.

    learning_rate : {"constant", "invscaling", "adaptive", "cosine", \
            "coslog4"}, default="constant"
        As in :class:`NeuronClassifier`: ``"cosine"`` and ``"coslog4"`` apply
        to every solver. On the development half of the real-data benchmark
        (22 data sets, 3 seeds), ``"cosine"`` under the recipe's early stopping
        (then on accuracy, patience 20) scored a mean gap to the best model of
        -0.0145 against -0.0135 for ``"constant"``, stopping sooner as the rate
        falls; over a fixed budget (``n_iter_no_change=200``, the best epoch
        kept) -0.0129, for twice the fit time: not the default.

    max_iter, tol, validation_fraction, dropout, random_state, verbose
        As in :class:`NeuronClassifier`, with the same defaults.

    batch_size : int or "auto", default=64
        Rows per mini-batch; ``"auto"`` (the default of :class:`NeuronClassifier`)
        is ``min(200, n_samples)``.

    n_iter_no_change : int, default=50
        Epochs without improvement of the validation score (or of the training
        loss, without early stopping) before training stops; 10 in
        :class:`NeuronClassifier`. A short patience makes the epoch kept depend
        on the noise of a small validation set: on the development half of the
        real-data benchmark, 50 instead of 20 (with the validation
        cross-entropy) lifted epa2012-mpg from 0.872 to 0.881 R² and cut its
        spread over seeds from 0.027 to 0.018, for a mean gap to the best model
        of -0.0120 against -0.0124.

    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the training data, stop once the
        score on it stops improving and keep the weights of its best epoch.
        ``"auto"``: on when the held-out part has at least
        ``min_validation_samples`` rows, as a score on fewer is too noisy to pick
        an epoch by.

    n_ensemble : int, default=1
        Members of the parameter-efficient ensemble, as in
        :class:`NeuronClassifier`: ``k > 1`` trains ``k`` members sharing the
        hidden layers, each with its own input adapter and output head, and
        predicts their mean, at up to ``k`` times the cost per epoch.

    min_validation_samples : int, default=50
        Smallest validation set for ``early_stopping="auto"``.

    numeric_embedding : {"periodic"} or None, default="periodic"
        As in :class:`NeuronClassifier` (whose default is None), applied to the
        standardized numeric columns only, never to the one-hot columns of
        categorical ones, nor to the columns ``monotonic_cst`` constrains (a
        periodic embedding is not monotone). On the development half of the
        real-data benchmark it moved the recipe's mean gap to the best model
        from -0.0112 to -0.0054, where boosting led by finding thresholds
        (concrete-strength, mlc-churn, ames-houses, deliveries-time), for 2.3
        times the fit time. None: the fast recipe, at about 1.4 times
        HistGradientBoosting's fit time (1.1 times with ``dtype="float32"``).

    input_scale, embedding_size, frequency_scale
        As in :class:`NeuronClassifier`, with the same defaults.

    dtype : {"auto", "float32", "float64"} or numpy float type, default="auto"
        The network's floating-point type, as in :class:`NeuronClassifier`:
        ``"auto"`` follows the preprocessed data, float64 unless every column
        arrives as float32. ``"float32"`` is the fast recipe: on the development
        half of the real-data benchmark it took 35% less fit time than float64
        (61 s against 94 s) for the same quality (mean gap to the best model
        -0.0055 against -0.0054; every data set within 0.0017), and a data
        frame's predictions are float64 either way. It is not the default
        because float32 rounding makes two fits that should agree, one with
        sample weights and one with repeated rows, differ by more than
        scikit-learn's ``check_estimator`` accepts.

    monotonic_cst : array-like of int of shape (n_features,), dict or None, \
            default=None
        Monotonic constraint of each original column (1 increasing, -1
        decreasing, 0 none; a dict ``{column name: constraint}`` for a data
        frame), guaranteed as in :class:`NeuronRegressor`. A numeric column stays
        one input of the network, scaled (every ``scaling``) and clipped
        smoothly, all increasing, so its constraint carries over; a constraint on a
        categorical column is refused, its one-hot levels having no order.
        Binary classification only, for the classifier.
"""

TABULAR_ATTRIBUTES = """\
model_ : Pipeline
        The fitted preprocessing and network, which ``predict`` runs.

    preprocessor_ : ColumnTransformer
        The fitted preprocessing; ``preprocessor_.get_feature_names_out()`` names
        the network's inputs.

    network_ : NeuronClassifier or NeuronRegressor
        The fitted network: ``loss_curve_``, ``validation_scores_``, ``coefs_``
        and its introspection methods are there.

    n_iter_ : int
        Epochs trained.

    n_features_in_ : int
        Number of columns seen in fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in fit, when ``X`` has string column names.
"""


def fill_tabular(cls):
    """Class decorator: the tabular estimators' shared descriptions, inserted."""
    doc = _insert(cls.__doc__, "{shared_parameters}", TABULAR_PARAMETERS.rstrip())
    cls.__doc__ = _insert(doc, "{shared_attributes}", TABULAR_ATTRIBUTES.rstrip())
    return cls
