"""The hygiene check of a stored notebook (``problems``): one clean top-to-bottom run, no stored errors
or stderr noise, no machine paths, small PNG figures, the shared set-up cell and a working Colab badge.
The tests and ``python -m tools.notebooks check`` run it.

Like a linter's rule table: each rule is one small function of the notebook (``NOTEBOOK_RULES``) or of
one cell (``CELL_RULES``) that yields what it finds wrong; ``problems`` runs them all.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from tools.layout import colab_url, field_text, setup_cell, step_of

MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")
MAX_IMAGE_BYTES = 100_000
MAX_NOTEBOOK_BYTES = 2_000_000
#: Absolute paths of someone's machine: home folders, /root, /tmp, /work, Windows user folders.
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:root|home/[\w.-]+|tmp|work|Users/[\w.-]+|private/var)/|[A-Za-z]:\\\\?Users\\\\?")
OBJECT_REPR = re.compile(r"<[^<>\n]+ at 0x[0-9a-fA-F]+>")
#: Maths in markdown, and a doubled backslash before a command inside it (`\\partial`: rendered as a
#: line break followed by the bare word, in JupyterLab, Colab and GitHub alike).
MATHS = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
DOUBLED_BACKSLASH = re.compile(r"\\\\[A-Za-z,{}]")

Notebook = dict
Cell = dict


# --- Rules about the whole notebook: (path, raw bytes, notebook) -> problems ------------------------


def executed_once_in_order(path: Path, raw: bytes, nb: Notebook) -> Iterator[str]:
    code = [c for c in nb.get("cells", []) if c["cell_type"] == "code" and field_text(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        yield f"execution counts are {counts[:8]}..., not 1..{len(code)}: re-run it top to bottom in a fresh kernel"


def small_file(path: Path, raw: bytes, nb: Notebook) -> Iterator[str]:
    if len(raw) > MAX_NOTEBOOK_BYTES:
        yield f"the file is {len(raw) / 1e6:.1f} MB (limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)"


def no_widget_state(path: Path, raw: bytes, nb: Notebook) -> Iterator[str]:
    if "widgets" in nb.get("metadata", {}):
        yield "widget state is stored in the notebook metadata"


def colab_badge(path: Path, raw: bytes, nb: Notebook) -> Iterator[str]:
    cells = nb.get("cells", [])
    if not cells or colab_url(path) not in field_text(cells[0]["source"]):
        yield f"the first cell lacks the Colab badge linking to {colab_url(path)}"


def shared_setup_cell(path: Path, raw: bytes, nb: Notebook) -> Iterator[str]:
    code = [c for c in nb.get("cells", []) if c["cell_type"] == "code" and field_text(c["source"]).strip()]
    if not code or field_text(code[0]["source"]).strip() != setup_cell(step_of(path)):
        yield "the first code cell is not the course set-up cell (tools.layout.setup_cell; python -m tools.notebooks retarget rewrites it)"


# --- Rules about one cell: (cell, its source) -> problems ---------------------------------------------


def no_machine_path_in_source(cell: Cell, source: str) -> Iterator[str]:
    found = MACHINE_PATH.search(source)
    if found:
        yield f"machine-specific path in the source: {found.group(0)}"


def single_backslashes_in_maths(cell: Cell, source: str) -> Iterator[str]:
    if cell["cell_type"] == "markdown":
        for maths in MATHS.findall(source):
            if DOUBLED_BACKSLASH.search(maths):
                yield f"a doubled backslash in the maths {maths[:60]!r} (write one backslash)"


def nbval_markers_with_reasons(cell: Cell, source: str) -> Iterator[str]:
    lines = source.splitlines()
    for marker in MARKERS:
        for i, line in enumerate(lines):
            if marker in line:
                # nbval reads the marker only as a comment of its own; the reason goes on the next line.
                reason = lines[i + 1].strip() if i + 1 < len(lines) else ""
                if line.strip() != f"# {marker}" or not reason.startswith("#") or len(reason) < 12:
                    yield f"write '# {marker}' alone on a line, and the reason in a comment on the next"


def no_stored_error(cell: Cell, source: str) -> Iterator[str]:
    for output in cell.get("outputs", []):
        if output["output_type"] == "error":
            yield f"stored error {output.get('ename')}: {output.get('evalue', '')[:80]}"


def no_stderr(cell: Cell, source: str) -> Iterator[str]:
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output.get("name") == "stderr" and "NBVAL_IGNORE_OUTPUT" not in source:
            yield f"stderr output {field_text(output['text']).strip()[:80]!r}"


def _output_texts(cell: Cell) -> Iterator[str]:
    for output in cell.get("outputs", []):
        yield field_text(output.get("text"))
        yield from (field_text(v) for k, v in output.get("data", {}).items() if k.startswith("text"))


def no_machine_path_in_outputs(cell: Cell, source: str) -> Iterator[str]:
    for text in _output_texts(cell):
        found = MACHINE_PATH.search(text)
        if found:
            yield f"machine-specific path in an output: {found.group(0)}"


def no_object_repr(cell: Cell, source: str) -> Iterator[str]:
    for text in _output_texts(cell):
        found = OBJECT_REPR.search(text)
        if found and "NBVAL_IGNORE_OUTPUT" not in source:
            yield f"an object's repr in an output ({found.group(0)}); end plotting cells with plt.show()"


def small_png_figures(cell: Cell, source: str) -> Iterator[str]:
    for output in cell.get("outputs", []):
        for mime, value in output.get("data", {}).items():
            if mime == "image/svg+xml":
                yield "SVG output (it embeds a date); use PNG"
            elif mime.startswith("image/") and len(base64.b64decode(field_text(value))) > MAX_IMAGE_BYTES:
                yield f"a {mime} over {MAX_IMAGE_BYTES // 1000} KB"


NOTEBOOK_RULES: tuple[Callable[[Path, bytes, Notebook], Iterator[str]], ...] = (
    executed_once_in_order,
    small_file,
    no_widget_state,
    colab_badge,
    shared_setup_cell,
)
CELL_RULES: tuple[Callable[[Cell, str], Iterator[str]], ...] = (
    no_machine_path_in_source,
    single_backslashes_in_maths,
    nbval_markers_with_reasons,
    no_stored_error,
    no_stderr,
    no_machine_path_in_outputs,
    no_object_repr,
    small_png_figures,
)


def problems(path: Path) -> list[str]:
    """Everything wrong with a stored notebook, as readable lines (empty when it is clean)."""
    raw = path.read_bytes()
    nb = json.loads(raw)
    found = [problem for rule in NOTEBOOK_RULES for problem in rule(path, raw, nb)]
    for number, cell in enumerate(nb.get("cells", [])):
        source = field_text(cell["source"])
        found += [f"cell {number}: {problem}" for rule in CELL_RULES for problem in rule(cell, source)]
    return found
