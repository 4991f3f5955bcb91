"""Sphinx configuration for skneuron.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` after
``pip install ".[docs]"``. The build runs every script of ``examples/`` and needs
no network access, nor does reading the result (MathJax is copied into it);
``python docs/check_rendered.py docs/_build/html`` checks that in a browser.
"""

import os
import re
import sys

# skneuron is imported as installed (its kernels are compiled at install time);
# the local extensions come from _ext/.
sys.path.insert(0, os.path.abspath("_ext"))

import skneuron  # noqa: E402

project = "skneuron"
author = "skneuron developers"
copyright = "skneuron developers"
version = skneuron.__version__
release = skneuron.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    # MathJax 3 itself, copied into _static/mathjax: formulas render with no
    # network when the pages are read (Sphinx's default loads it from a CDN).
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    # Local: the scikit-learn parameter table, and offline links to scikit-learn.
    "parameter_table",
    "sklearn_links",
]

exclude_patterns = ["_build"]
# Python objects in ``backticks`` are cross-referenced when they can be.
default_role = "py:obj"

# -- autodoc and numpydoc ----------------------------------------------------------

autodoc_default_options = {"member-order": "bysource"}
# The signature shows the defaults; the docstring's Parameters section describes them.
autodoc_typehints = "none"

# api.rst lists the documented methods itself. Otherwise numpydoc adds a table
# of every class member whose toctree points at pages nobody generates, and
# Sphinx warns about each one.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False

# -- sphinx-gallery ----------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every script, the quick start included, so that CI proves each one runs
    # and its printed output appears on its gallery page. An example that raises
    # fails the build.
    "filename_pattern": r"\.py$",
    "only_warn_on_example_error": False,
    # "Examples using NeuronClassifier" on the API page (``.. minigallery::``).
    "doc_module": ("skneuron",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skneuron": None},
    # The run time of each example goes to docs/sg_execution_times.rst (ignored
    # by docs/.gitignore) and to the build's HTML.
    "write_computation_times": True,
}

# -- matplotlib's plot directive (the activation plots of the user guide) ---------

plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True}

# -- HTML ------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skneuron {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"getting_started": [], "api": []}
html_show_sourcelink = False
# The parameter tables of user_guide/from_sklearn stack their cells on a phone.
html_static_path = ["_static"]
html_css_files = ["parameter_table.css"]


# -- Offline pages ---------------------------------------------------------------


def _drop_gallery_cdn(app, docname, source):
    """Remove the CDN scripts from sphinx-gallery's computation-time pages.

    sphinx-gallery loads jQuery and DataTables from CDNs there, only to make the
    table sortable; offline they fail and raise errors in the console. The table
    itself stays, already sorted slowest first. Should a new sphinx-gallery write
    the block otherwise, ``check_rendered.py`` reports the remote scripts.
    """
    if docname.endswith("sg_execution_times"):
        source[0] = re.sub(
            r"\n  \.\. raw:: html\n.*?(?=\n  \.\. list-table::)",
            "",
            source[0],
            flags=re.DOTALL,
        )


def setup(app):
    app.connect("source-read", _drop_gallery_cdn)
