"""Sphinx configuration for skneuron.

Build with ``sphinx-build -b html docs docs/_build/html`` after
``pip install ".[docs]"``.
"""

import os
import sys

# Import skneuron from this checkout, so the docs build without installing it.
sys.path.insert(0, os.path.abspath(".."))

import skneuron  # noqa: E402

project = "skneuron"
author = "skneuron developers"
copyright = "skneuron developers"
version = skneuron.__version__
release = skneuron.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build"]

# api.rst lists the documented methods itself. Otherwise numpydoc adds a table
# of every class member whose toctree points at pages nobody generates, and
# Sphinx warns about each one.
numpydoc_show_class_members = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run plot_*.py (the default) and also the quick start, so its printed
    # table appears on its gallery page.
    "filename_pattern": r"/(plot_|quickstart)",
}

html_theme = "pydata_sphinx_theme"
html_title = f"skneuron {version}"
