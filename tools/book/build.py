"""Build the course as a static website from the stored notebooks (nothing is executed).

    python course.py book [--out FOLDER]     (or: python -m tools.book [--out FOLDER])

The pages are gathered into a temporary folder first, so that the repository is only read:

- ``index.md``: the README (its Credits section becomes a page of its own), with badges made plain
  links (no image is loaded from another site) and links to files that are not pages of the book
  pointed at the repository on GitHub;
- ``notebooks/NN_*.ipynb``: copies of the notebooks, each with a "Run this chapter" note after its
  title, each live widget's output replaced by a note and the static figure the notebook draws for
  it (a widget cannot run without a kernel), and a console's coloured output (Keras' model summary)
  shown as plain text without its terminal colours;
- ``data/README.md`` and ``credits.md``.

Sphinx then renders them with MyST-NB (``nb_execution_mode = "off"``) and sphinx-book-theme, as set
in ``tools/book/conf.py``, into ``_build/book/`` (git-ignored). Open ``_build/book/index.html``, or
serve it with ``python -m http.server -d _build/book``.
"""

from __future__ import annotations

import argparse
import copy
import json
import posixpath
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tools.layout import colab_url, notebook_paths
from utils import REPOSITORY_URL, ROOT

HERE = Path(__file__).resolve().parent
OUTPUT = ROOT / "_build" / "book"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: A terminal's colour code (Keras' summary and rich colour their plain text too).
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
#: Repository files that are pages of the book, and the page each becomes (paths from the root).
PAGES = {
    "README.md": "index.md",
    "data/README.md": "data/README.md",
    **{f"notebooks/{p.name}": f"notebooks/{p.name}" for p in notebook_paths()},
}
#: A Markdown link or image: ``[text](target)`` / ``![alt](target)``; the target has no spaces.
LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
#: A badge: a link whose text is a remote image, ``[![alt](https://...)](target)``.
BADGE = re.compile(r"\[!\[([^\]]*)\]\(https?://[^)\s]+\)\]\(([^)\s]+)\)")


def plain_badges(markdown: str) -> str:
    """Badges become text links and remote images become links to them: the book loads nothing
    from another site (and a reader offline sees words, not broken images)."""
    markdown = BADGE.sub(lambda m: f"[{m.group(1)}]({m.group(2)})", markdown)
    return LINK.sub(lambda m: f"[{m.group(2)}]({m.group(3)})" if m.group(1) and "://" in m.group(3) else m.group(0), markdown)


def retarget_links(markdown: str, page: str) -> str:
    """Relative links of the repository page ``page`` (a path from the root): a link to a file that
    is a page of the book points at that page; a link to any other file points at it on GitHub."""
    folder = posixpath.dirname(page)
    here = posixpath.dirname(PAGES.get(page, page))

    def fix(match: re.Match) -> str:
        bang, text, target = match.groups()
        if re.match(r"[a-z][a-z0-9+.-]*:|#", target):  # http:, mailto:, an anchor on the same page
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(folder, path))
        if resolved in PAGES:
            new = posixpath.relpath(PAGES[resolved], here or ".")
        else:
            kind = "tree" if (ROOT / resolved).is_dir() else "blob"
            new = f"{REPOSITORY_URL}/{kind}/main/{resolved}"
        return f"{bang}[{text}]({new}{'#' + anchor if anchor else ''})"

    return LINK.sub(fix, markdown)


def split_credits(readme: str) -> tuple[str, str]:
    """The README without its "## Credits" section, and that section."""
    start = readme.index("\n## Credits")
    end = readme.find("\n## ", start + 1)
    end = len(readme) if end < 0 else end
    return readme[:start] + readme[end:], readme[start:end].strip()


def run_note(path: Path) -> str:
    """The "Run this chapter" note shown under a notebook's title."""
    return (
        f"```{{admonition}} Run this chapter\n:class: tip\n"
        f"**In JupyterLab**, on your computer: get the course (`git clone {REPOSITORY_URL}.git`), then in its "
        f"folder run `python course.py lab` (the first run installs what it needs) and open `notebooks/{path.name}`. "
        f"**In Colab**, nothing to install: [open this notebook in Colab]({colab_url(path)}).\n```"
    )


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def static_figure_for(cells: list, index: int) -> tuple[dict, dict] | None:
    """For the widget cell ``cells[index]`` that calls ``NAME_explorer(...)``: the first figure output of
    the nearest earlier cell that calls ``plot_NAME(...)``, and that figure's entry in its metadata."""
    found = re.search(r"(\w+)_explorer\(", _source(cells[index]))
    if not found:
        return None
    for cell in reversed(cells[:index]):
        if cell["cell_type"] == "code" and f"plot_{found.group(1)}(" in _source(cell):
            figures = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            if figures:
                described = cell.get("metadata", {}).get("dl7", {}).get("figures", [])
                return figures[0], (described[0] if described else {})
    return None


def _is_console_html(html) -> bool:
    """Whether an HTML output is a console's coloured text (Keras' model summary, drawn by rich): the
    book shows its plain text instead, the same table in the theme's own colours, which have enough
    contrast in the light and the dark theme (rich's bright greens and blues have not)."""
    text = "".join(html) if isinstance(html, list) else html
    return text.lstrip().startswith("<pre") and "white-space:pre" in text.replace(" ", "")


def prepare_notebook(path: Path) -> dict:
    """A copy of the notebook at ``path`` as the book shows it (see the module docstring)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            cell["source"] = retarget_links(plain_badges(_source(cell)), f"notebooks/{path.name}")
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data and "text/plain" in data and _is_console_html(data["text/html"]):
                del data["text/html"]
            for key in ("text", "text/plain"):  # terminal colours: the theme's own have enough contrast
                holder = output if key == "text" else data
                if key in holder:
                    holder[key] = ANSI_COLOUR.sub("", "".join(holder[key]) if isinstance(holder[key], list) else holder[key])
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code" or not any(WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
            continue
        static = static_figure_for(cells, index)
        if static:
            note = (
                "**A live widget is here when you run the notebook** (in JupyterLab or Colab): sliders that "
                "redraw the figure. It needs a running kernel, so the book shows here the figure an earlier cell draws "
                "with the same function:"
            )
            figure, described = static
            cell["outputs"] = [
                {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": note}},
                {"output_type": "display_data", "metadata": {}, "data": copy.deepcopy(figure["data"])},
            ]
            cell.setdefault("metadata", {}).setdefault("dl7", {})["figures"] = [described] if described else []
        else:
            note = (
                "**A live widget is here when you run the notebook** (in JupyterLab or Colab). It needs a running "
                "kernel, so the book cannot show it."
            )
            cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"text/markdown": note}}]
    cells.insert(1, {"cell_type": "markdown", "id": "book-run-note", "metadata": {}, "source": run_note(path)})
    return nb


def gather_pages(folder: Path) -> list[str]:
    """Write the book's pages into ``folder``; returns their paths (from ``folder``)."""
    readme, credits = split_credits((ROOT / "README.md").read_text(encoding="utf-8"))
    readme = retarget_links(plain_badges(readme), "README.md")
    chapters = "\n".join(f"notebooks/{p.stem}" for p in notebook_paths())
    readme += (
        "\n\n```{toctree}\n:hidden:\n:caption: The seven steps\n\n" + chapters + "\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: About the course\n\ndata/README\ncredits\n```\n"
    )
    (folder / "index.md").write_text(readme, encoding="utf-8")
    (folder / "data").mkdir()
    data = retarget_links(plain_badges((ROOT / "data" / "README.md").read_text(encoding="utf-8")), "data/README.md")
    (folder / "data" / "README.md").write_text(data, encoding="utf-8")
    toolchain = (HERE / "credits_book.md").read_text(encoding="utf-8")
    (folder / "credits.md").write_text(
        "# Credits\n\n" + retarget_links(credits.split("\n", 1)[1].strip(), "README.md") + "\n\n" + toolchain, encoding="utf-8"
    )
    (folder / "notebooks").mkdir()
    for path in notebook_paths():
        (folder / "notebooks" / path.name).write_text(json.dumps(prepare_notebook(path), ensure_ascii=False), encoding="utf-8")
    return ["index.md", "data/README.md", "credits.md", *(f"notebooks/{p.name}" for p in notebook_paths())]


def build(output: Path = OUTPUT, quiet: bool = True) -> float:
    """Build the book into ``output`` (emptied first); returns the seconds it took. Raises
    RuntimeError, with Sphinx's messages, if the build fails."""
    from sphinx.cmd.build import build_main

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dl7-book-") as work:
        source = Path(work) / "source"
        source.mkdir()
        gather_pages(source)
        if output.exists():
            shutil.rmtree(output)
        args = [
            "-b",
            "html",
            "-c",
            str(HERE),
            "-d",
            str(Path(work) / "doctrees"),
            "-E",
            "-w",
            str(Path(work) / "warnings.txt"),
            str(source),
            str(output),
        ]
        status = build_main((["-q"] if quiet else []) + args)
        warnings = (Path(work) / "warnings.txt").read_text(encoding="utf-8")
    if status != 0:
        raise RuntimeError(f"Sphinx could not build the book (exit status {status}):\n{warnings}")
    if warnings.strip():
        print(f"Sphinx's warnings:\n{warnings}", file=sys.stderr)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python course.py book", description="Build the course as a static website.")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"the folder to build into (default: {OUTPUT.relative_to(ROOT)})")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    options = parser.parse_args(argv)
    try:
        seconds = build(options.out.resolve(), quiet=not options.verbose)
    except ImportError as exc:
        print(f"The book needs Sphinx, MyST-NB and sphinx-book-theme (requirements.txt, Python 3.11 or later): {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    site = options.out.resolve()
    pages = len([p for p in site.glob("**/*.html") if p.relative_to(site).parts[0] != "_static"])
    index = options.out.resolve() / "index.html"
    print(
        f"Built the book in {seconds:.0f} s: {pages} pages in {options.out}.\n"
        f"Open {index} in a browser, or serve it: python -m http.server -d {options.out} (then http://localhost:8000)."
    )
    return 0
