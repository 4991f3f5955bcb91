"""Open every page of the built docs in headless Chromium and check what a reader sees.

Usage::

    python docs/check_rendered.py BUILD_DIR [--jobs N] [--chromium PATH]

Chromium opens each HTML page of ``BUILD_DIR`` from disk with the network cut
(every host name fails to resolve, as for a reader offline), runs its scripts
and prints the resulting DOM. A page fails if

- its visible text still holds a TeX delimiter (``\\(``, ``\\)``, ``\\[``,
  ``\\]``): math that MathJax did not render;
- a script, stylesheet, image or font it uses is missing from the build, or is
  remote (the built site must work offline); the stylesheets' own ``url()``
  references (fonts, icons) are checked too;
- the browser console reports an uncaught error or a failed load.

Each problem is printed; the exit status is 1 if any page fails.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No network, whatever the machine has: what loads, loads from disk.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # Let scripts (MathJax typesetting) finish before the DOM is printed.
    "--virtual-time-budget=10000",
    # Console messages go to stderr, as "...:CONSOLE...] "message", source: ...".
    "--enable-logging=stderr",
    "--v=0",
]
TIMEOUT = 90  # seconds for one page; a page normally takes one or two

# Where text is code, not prose: a backslash-parenthesis there is no math.
CODE_TAGS = {"script", "style", "pre", "code", "textarea", "kbd", "samp"}
TEX_DELIMITER = re.compile(r"\\[()\[\]]")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
# Console lines that mean something did not work; the theme's informational
# messages ("[PST]: Changed to auto mode...") do not match.
CONSOLE_LINE = re.compile(r":CONSOLE[^\]]*\] (.*)")
CONSOLE_ERROR = re.compile(r"Uncaught|Error|Failed to load|net::ERR_|Not allowed|CORS")


class PageParser(HTMLParser):
    """Collect the visible text, the assets used and the number of rendered formulas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.assets, self.css_texts = [], [], []
        self.formulas = 0
        self._code_depth = 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in CODE_TAGS:
            self._code_depth += 1
        self._in_style = tag == "style"
        if tag == "mjx-container":
            self.formulas += 1
        if tag in ("script", "img", "source", "audio", "video") and attrs.get("src"):
            self.assets.append(attrs["src"])
        rel = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "modulepreload"}:
            self.assets.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag in CODE_TAGS and self._code_depth:
            self._code_depth -= 1
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            # MathJax writes its @font-face rules into a <style> element.
            self.css_texts.append(data)
        elif not self._code_depth:
            self.text.append(data)


def _local_path(url):
    """The file a ``file:`` URL names, or None for a URL that needs no file."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    return None


@cache
def _css_problems(css_file):
    """Problems with the ``url()`` references of one local stylesheet."""
    css_url = css_file.as_uri()
    text = css_file.read_text(encoding="utf-8", errors="replace")
    return tuple(_asset_problems(css_url, CSS_URL.findall(text), f"in {css_file}"))


def _asset_problems(base_url, refs, where=""):
    """Problems with the assets ``refs``, relative to ``base_url``."""
    problems = []
    for ref in refs:
        url = urljoin(base_url, ref.strip())
        scheme = urlsplit(url).scheme
        if scheme in ("http", "https"):
            problems.append(f"remote asset {url} {where}(needs the network)")
            continue
        path = _local_path(url)
        if path is None:  # data:, blob:, about:, javascript:
            continue
        if not path.is_file():
            problems.append(f"missing asset {ref} {where}".rstrip())
        elif path.suffix == ".css":
            problems.extend(_css_problems(path))
    return problems


def check_page(page, chromium):
    """Load ``page`` in Chromium; return (problems, number of rendered formulas)."""
    url = page.resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="check-rendered-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        try:
            run = subprocess.run(
                [*cmd, "--dump-dom", url],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return [f"Chromium did not finish within {TIMEOUT} s"], 0
    if run.returncode != 0 or "<html" not in run.stdout:
        tail = run.stderr.strip().splitlines()[-3:]
        return [f"Chromium failed ({run.returncode}): {' | '.join(tail)}"], 0

    parser = PageParser()
    parser.feed(run.stdout)
    problems = []
    tex = TEX_DELIMITER.findall("".join(parser.text))
    if tex:
        problems.append(f"{len(tex)} unrendered TeX delimiters, e.g. {tex[0]}")
    problems += _asset_problems(url, parser.assets)
    inline_css = [ref for css in parser.css_texts for ref in CSS_URL.findall(css)]
    problems += _asset_problems(url, inline_css, "in an inline style ")
    for line in run.stderr.splitlines():
        match = CONSOLE_LINE.search(line)
        if match and CONSOLE_ERROR.search(match.group(1)):
            problems.append(f"console: {match.group(1)}")
    return list(dict.fromkeys(problems)), parser.formulas


def find_chromium(name=None):
    """The path of the browser to run, or exit saying why there is none."""
    candidates = [name] if name else ["chromium", "chromium-browser"]
    for candidate in candidates:
        path = shutil.which(candidate)
        if path:
            return path
    sys.exit(
        f"check_rendered: cannot start a browser: no {' or '.join(candidates)} on "
        "PATH (Debian: apt-get install chromium; or pass --chromium PATH)"
    )


def check_browser_starts(chromium):
    """Exit, saying why, unless ``chromium`` renders an empty page.

    Without this, a browser that cannot start (a snap-only ``chromium`` wrapper, a
    missing library, a sandbox refused) would fail every page with the same
    message, or, worse, be mistaken for problems of the pages.
    """
    with tempfile.TemporaryDirectory(prefix="check-rendered-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        try:
            run = subprocess.run(
                [*cmd, "--dump-dom", "about:blank"],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT,
            )
        except OSError as error:
            sys.exit(f"check_rendered: cannot start a browser: {chromium}: {error}")
        except subprocess.TimeoutExpired:
            sys.exit(
                f"check_rendered: cannot start a browser: {chromium} did not render "
                f"an empty page within {TIMEOUT} s"
            )
    if run.returncode != 0 or "<html" not in run.stdout:
        said = " | ".join(run.stderr.strip().splitlines()[-3:]) or "nothing"
        sys.exit(
            f"check_rendered: cannot start a browser: {chromium} exited with "
            f"status {run.returncode} on an empty page and said: {said}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path, help="the HTML output of Sphinx")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chromium", help="the browser to run (default: chromium)")
    args = parser.parse_args(argv)

    chromium = find_chromium(args.chromium)
    check_browser_starts(chromium)
    # Pages only: not the theme's template fragments under _static/, nor sources.
    pages = sorted(
        p
        for p in args.build_dir.rglob("*.html")
        if not p.relative_to(args.build_dir).parts[0].startswith("_")
    )
    if not pages:
        sys.exit(f"check_rendered: no HTML pages in {args.build_dir}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda p: check_page(p, chromium), pages))
    failed = 0
    for page, (problems, _) in zip(pages, results):
        if problems:
            failed += 1
            print(f"{page.relative_to(args.build_dir)}:")
            print("".join(f"    {problem}\n" for problem in problems), end="")
    formulas = sum(n for _, n in results)
    print(
        f"check_rendered: {len(pages)} pages, {formulas} formulas rendered, "
        f"{failed} pages with problems ({time.perf_counter() - start:.0f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
