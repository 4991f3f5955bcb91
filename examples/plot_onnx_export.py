"""
Deploying without Python: export to ONNX
========================================

`ONNX <https://onnx.ai>`_ is a file format for trained models that runtimes in
C++, C#, Java, JavaScript and on phones can run without Python.
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_ converts scikit-learn models to it,
and ``import skneuron.onnx`` teaches it skneuron's estimators. Here a pipeline
of a scaler and a :class:`skneuron.NeuronClassifier` is exported, run with
`onnxruntime <https://onnxruntime.ai>`_, and its predictions compared with
skneuron's, in single and in double precision.
"""

# %%
# Train a pipeline
# ----------------
# The breast cancer data: 569 tumours, 30 measurements each, malignant or benign.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
import skl2onnx
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skneuron.onnx  # noqa: F401  (registers skneuron's converters with skl2onnx)
from skneuron import NeuronClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


def train(dtype):
    net = NeuronClassifier((32, 16), activation="gelu", random_state=0, dtype=dtype)
    pipe = make_pipeline(StandardScaler(), net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return pipe.fit(X_train.astype(dtype), y_train)


pipe = train("float32")
print(f"test accuracy: {pipe.score(X_test.astype(np.float32), y_test):.3f}")

# %%
# Export and run
# --------------
# :func:`skl2onnx.to_onnx` reads the input's type and width from a sample row.
# ``zipmap=False`` returns the probabilities as one array rather than one
# dictionary per sample. The model is a string of bytes, to write to a ``.onnx``
# file; onnxruntime loads it from memory as well.
X32 = X_test.astype(np.float32)
onx = skl2onnx.to_onnx(pipe, X32[:1], options={"zipmap": False})
print(f"ONNX model: {len(onx.SerializeToString()) / 1024:.1f} KiB")

session = ort.InferenceSession(
    onx.SerializeToString(), providers=["CPUExecutionProvider"]
)
print("inputs:", [(i.name, i.type, i.shape) for i in session.get_inputs()])
print("outputs:", [(o.name, o.type) for o in session.get_outputs()])
labels, proba = session.run(None, {"X": X32})
print("same labels as predict:", bool((labels == pipe.predict(X32)).all()))

# %%
# Single and double precision
# ---------------------------
# The graph computes in the precision of its input: a float32 sample row gives a
# float graph, a float64 one a double graph. Each agrees with skneuron to the
# rounding of its precision.
pipe64 = train("float64")
onx64 = skl2onnx.to_onnx(pipe64, X_test[:1], options={"zipmap": False})
session64 = ort.InferenceSession(
    onx64.SerializeToString(), providers=["CPUExecutionProvider"]
)
proba64 = session64.run(None, {"X": X_test})[1]

differences = {
    "float32": np.abs(proba - pipe.predict_proba(X32))[:, 1],
    "float64": np.abs(proba64 - pipe64.predict_proba(X_test))[:, 1],
}
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
for name, difference in differences.items():
    print(f"{name}: largest difference {difference.max():.1e}")
    # Equal results are drawn at 1e-18, so that the log scale shows them.
    ax.plot(np.maximum(difference, 1e-18), ".", alpha=0.6, label=name)
ax.set(
    yscale="log",
    xlabel="test sample",
    ylabel="|onnxruntime - skneuron|",
    title="Probability of the benign class",
)
ax.legend()
plt.show()
