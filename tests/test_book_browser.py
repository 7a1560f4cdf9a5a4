"""The book as a reader meets it, in a real (headless) Chromium driven by Playwright.

The book is built once (``built_book`` in conftest.py) and served on a loopback port. On every page,
in the light and in the dark theme: nothing is requested from another site (every such request is
blocked and reported), MathJax typesets every formula without an error and leaves no maths untypeset,
and axe-core (bundled by the axe-playwright-python package; nothing is downloaded) reports no serious
or critical accessibility violation. The audit's figures (pages, violations by impact and rule) go to
``artifacts/book/accessibility.md`` and are printed at the end of the test session.

Chromium is the system's, as in test_browser.py: without it the tests are skipped, except in CI.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections import Counter

import pytest
from test_browser import CHROMIUM_FLAGS, chromium_or_skip

from utils import ROOT

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "artifacts" / "book"
THEMES = ("light", "dark")
#: axe-core's impact levels, worst first; the book may have no violation of the first two.
IMPACTS = ("critical", "serious", "moderate", "minor")
FORBIDDEN = ("critical", "serious")


def book_pages():
    from test_book import PAGES

    return PAGES


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports what matters itself
        pass


@pytest.fixture(scope="module")
def served_book(built_book):
    """The built book on a random loopback port, for as long as this module's tests run."""
    folder, _ = built_book
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, base, name, theme="light"):
    """A page of the book in the given colour scheme, with MathJax done; returns (page, the remote
    addresses it tried to load, which were all blocked)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    remote = []

    def route(request_route):
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(f"{base}/{name}", wait_until="load")
    if page.evaluate("() => document.querySelector('script[src*=\"mathjax\"]') !== null"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=60_000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    # The theme fades its colours in (0.15 s transitions as the dark theme applies): audit the settled page.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')", timeout=30_000)
    return page, remote


BROKEN_MATHS = """() => [...document.querySelectorAll("mjx-merror, mjx-mtext[style*='color: red']")]
    .map(e => (e.getAttribute('data-mjx-error') || e.closest('mjx-container')?.querySelector('mjx-assistive-mml')?.textContent
               || 'an unknown command').slice(0, 120))"""
# Text of the page's prose (code, outputs and typeset maths removed) that still looks like maths.
UNTYPESET_MATHS = r"""() => { const article = document.querySelector('article'); if (!article) return [];
    const copy = article.cloneNode(true);
    copy.querySelectorAll('pre, code, mjx-container, .cell_output, .cell_input, .highlight').forEach(c => c.remove());
    const text = copy.textContent;
    return [...text.matchAll(/\$[^$\s][^$]*\$|\\\(|\\\[/g)].map(m => text.slice(Math.max(0, m.index - 40), m.index + 60)); }"""


def maths_problems(page) -> list[str]:
    """Formulas MathJax could not render, and maths left untypeset, on a page."""
    broken = [f"could not render: {b}" for b in page.evaluate(BROKEN_MATHS)]
    return broken + [f"untypeset: {t}" for t in page.evaluate(UNTYPESET_MATHS)]


def audit(page) -> list[dict]:
    """axe-core's violations on the page: (rule, impact, how many elements, an example)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "rule": v["id"],
            "impact": v.get("impact") or "minor",
            "nodes": len(v["nodes"]),
            "help": v["help"],
            "example": v["nodes"][0]["target"] if v["nodes"] else "",
        }
        for v in results.response["violations"]
    ]


@pytest.fixture(scope="module")
def audit_log():
    """Every page's violations, gathered by the tests below and summarised at the end."""
    found: dict[tuple[str, str], list[dict]] = {}
    yield found
    if not found:
        return
    by_impact = Counter()
    by_rule = Counter()
    for violations in found.values():
        for v in violations:
            by_impact[v["impact"]] += v["nodes"]
            by_rule[(v["rule"], v["impact"])] += v["nodes"]
    lines = [
        f"# The book's accessibility audit (axe-core, {len(found)} page views: "
        f"{len({p for p, _ in found})} pages x {len({t for _, t in found})} themes)",
        "",
        "| impact | elements in violation |",
        "|---|---|",
        *(f"| {i} | {by_impact[i]} |" for i in IMPACTS),
        "",
        "| rule | impact | elements |",
        "|---|---|---|",
        *(f"| {rule} | {impact} | {n} |" for (rule, impact), n in by_rule.most_common()),
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "accessibility.md").write_text("\n".join(lines) + "\n")  # conftest.py prints it at the end


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", book_pages())
def test_book_page_in_chromium(browser, served_book, audit_log, name, theme):
    page, remote = open_page(browser, served_book, name, theme)
    try:
        assert remote == [], f"{name} tried to load from other sites: {remote[:5]}"
        shown_theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert shown_theme == theme, f"{name}: the {theme} theme was asked for, the page shows {shown_theme!r}"
        broken_images = page.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert broken_images == [], f"{name}: images that did not load: {broken_images[:5]}"
        if theme == "light":  # the maths does not depend on the theme
            assert maths_problems(page) == [], f"{name}: {maths_problems(page)}"
        violations = audit(page)
        audit_log[(name, theme)] = violations
        serious = [v for v in violations if v["impact"] in FORBIDDEN]
        assert serious == [], f"{name} ({theme} theme): serious or critical accessibility violations: {serious}"
    finally:
        page.context.close()


def test_the_search_finds_a_word_of_the_course(browser, served_book):
    page, _ = open_page(browser, served_book, "search.html?q=backpropagation")
    try:
        page.wait_for_selector("#search-results li", timeout=60_000)
        found = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'))")
        assert any("03_backprop_and_gradient_descent" in href for href in found), found
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "source, words",
    [
        (r"fine: \(\frac{a}{b}\)", None),
        (r"an unknown command: \(\nosuchcommand x\)", "could not render"),
        (r"a TeX error: \(\left( x\)", "could not render"),
        (r"unbalanced: $\frac{a}{b}$ left as text", "untypeset"),
    ],
)
def test_the_maths_check_catches_broken_maths(browser, served_book, source, words):
    """The maths check can fail: a paragraph with each kind of broken formula, typeset by the book's
    own MathJax on a real page, is caught."""
    page, _ = open_page(browser, served_book, "notebooks/02_getting_technical.html")
    try:
        page.evaluate(
            """(source) => { const p = document.createElement('p'); p.className = 'math'; p.textContent = source;
                         document.querySelector('article').appendChild(p); return MathJax.typesetPromise([p]); }""",
            source,
        )
        problems = maths_problems(page)
        if words is None:
            assert problems == []
        else:
            assert any(words in p for p in problems), problems
    finally:
        page.context.close()
