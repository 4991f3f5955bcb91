"""Link references to scikit-learn to its online documentation, offline.

intersphinx would download scikit-learn's inventory at every build; this resolves
the references that intersphinx would, from the URL pattern of scikit-learn's API
pages, without network access. What it cannot resolve still warns.
"""

from docutils import nodes

SKLEARN_URL = "https://scikit-learn.org/stable/"

# Labels of scikit-learn's user guide that its own docstrings refer to (the
# ``score`` methods the estimators inherit), by page and anchor.
SKLEARN_LABELS = {
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "r2_score": "modules/model_evaluation.html#r2-score",
}


def _sklearn_url(domain, reftype, target):
    if domain == "std" and reftype == "ref":
        page = SKLEARN_LABELS.get(target)
        return None if page is None else SKLEARN_URL + page
    if domain != "py" or not target.startswith("sklearn."):
        return None
    parts = target.split(".")
    # sklearn.<module>.<Object>: one generated page per public class or function;
    # methods and attributes are anchors of their class's page.
    if reftype in ("meth", "attr") and len(parts) > 3:
        page = ".".join(parts[:-1])
        return f"{SKLEARN_URL}modules/generated/{page}.html#{target}"
    if reftype in ("class", "func", "obj", "exc") and len(parts) == 3:
        return f"{SKLEARN_URL}modules/generated/{target}.html"
    if reftype == "mod":
        return f"{SKLEARN_URL}api/{target}.html"
    return None


def resolve(app, env, node, contnode):
    """``missing-reference`` handler: an external link, or None to keep looking."""
    url = _sklearn_url(node.get("refdomain"), node.get("reftype"), node["reftarget"])
    if url is None:
        return None
    return nodes.reference(
        "", "", contnode, internal=False, refuri=url, reftitle="(in scikit-learn)"
    )


def setup(app):
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
