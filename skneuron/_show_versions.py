"""``show_versions()``: what a bug report needs, as scikit-learn's own."""

import importlib.util
import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from threadpoolctl import threadpool_info

from . import _kernels
from ._version import __version__

DEPENDENCIES = [
    "numpy",
    "scipy",
    "scikit-learn",
    "threadpoolctl",
    "joblib",
    "pandas",
    "matplotlib",
    "skl2onnx",
    "onnxruntime",
    "pip",
]


def _get_sys_info():
    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
    }


def _get_deps_info():
    info = {"skneuron": __version__}
    for name in DEPENDENCIES:
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = None
    return info


def _get_kernels_info():
    """The kernel variant this process uses, and those it could have used.

    Returns
    -------
    info : dict
        ``variant``: the variant in use; ``file``: its compiled module;
        ``built``: the variants this installation has; ``needs``: the CPU
        features the variant in use requires (numpy's names); ``requested``:
        the value of ``SKNEURON_KERNELS``, or None.
    """
    built = [
        variant
        for variant in _kernels.VARIANTS
        if importlib.util.find_spec(f"{__package__}._kernels_{variant}") is not None
    ]
    return {
        "variant": _kernels.VARIANT,
        "file": _kernels.compiled.__file__,
        "built": ", ".join(built),
        "needs": ", ".join(_kernels.VARIANTS[_kernels.VARIANT])
        or f"nothing beyond {platform.machine()}",
        "requested": os.environ.get("SKNEURON_KERNELS") or None,
    }


def show_versions():
    """Print the versions of skneuron, Python and its dependencies, and its kernels.

    Includes which compiled variant of the kernels this process uses: ``avx2``
    on x86-64 CPUs with AVX2 and FMA, ``baseline`` on other CPUs, ``native``
    for a build made with ``-Dnative=true``. Paste the output into bug reports.

    Examples
    --------
    >>> import skneuron
    >>> skneuron.show_versions()  # doctest: +ELLIPSIS
    System:
    ...
    Compiled kernels:
        variant: ...
    """
    sections = {
        "System": _get_sys_info(),
        "Python dependencies": _get_deps_info(),
        "Compiled kernels": _get_kernels_info(),
    }
    for title, info in sections.items():
        print(f"{title}:")
        width = max(map(len, info))
        for key, value in info.items():
            print(f"    {key:>{width}}: {value}")
        print()
    for i, library in enumerate(threadpool_info()):
        print("threadpoolctl info:" if i == 0 else "")
        for key, value in library.items():
            print(f"    {key:>15}: {value}")
