"""The hygiene check of a stored notebook (``problems``): one clean top-to-bottom run, no stored errors
or stderr noise, no machine paths, small PNG figures, the shared set-up cell and a working Colab badge.
The tests and ``python -m tools.notebooks check`` run it."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from tools.notebook_files import colab_url, setup_cell, step_of
from tools.solutions import text_of

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


def problems(path: Path) -> list[str]:
    """Everything wrong with a stored notebook, as readable lines (empty when it is clean)."""
    found = []
    raw = path.read_bytes()
    nb = json.loads(raw)
    cells = nb.get("cells", [])
    code = [c for c in cells if c["cell_type"] == "code" and text_of(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        found.append(f"execution counts are {counts[:8]}..., not 1..{len(code)}: re-run it top to bottom in a fresh kernel")
    if len(raw) > MAX_NOTEBOOK_BYTES:
        found.append(f"the file is {len(raw) / 1e6:.1f} MB (limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
    if "widgets" in nb.get("metadata", {}):
        found.append("widget state is stored in the notebook metadata")
    if not cells or colab_url(path) not in text_of(cells[0]["source"]):
        found.append(f"the first cell lacks the Colab badge linking to {colab_url(path)}")
    if not code or text_of(code[0]["source"]).strip() != setup_cell(step_of(path)):
        found.append(
            "the first code cell is not the course set-up cell (tools.notebook_files.setup_cell; "
            "python -m tools.notebooks retarget rewrites it)"
        )
    for number, cell in enumerate(cells):
        where = f"cell {number}"
        source = text_of(cell["source"])
        if MACHINE_PATH.search(source):
            found.append(f"{where}: machine-specific path in the source: {MACHINE_PATH.search(source).group(0)}")
        if cell["cell_type"] == "markdown":
            for maths in MATHS.findall(source):
                if DOUBLED_BACKSLASH.search(maths):
                    found.append(f"{where}: a doubled backslash in the maths {maths[:60]!r} (write one backslash)")
        lines = source.splitlines()
        for marker in MARKERS:
            for i, line in enumerate(lines):
                if marker in line:
                    # nbval reads the marker only as a comment of its own; the reason goes on the next line.
                    reason = lines[i + 1].strip() if i + 1 < len(lines) else ""
                    if line.strip() != f"# {marker}" or not reason.startswith("#") or len(reason) < 12:
                        found.append(f"{where}: write '# {marker}' alone on a line, and the reason in a comment on the next")
        for output in cell.get("outputs", []):
            kind = output["output_type"]
            if kind == "error":
                found.append(f"{where}: stored error {output.get('ename')}: {output.get('evalue', '')[:80]}")
            if kind == "stream" and output.get("name") == "stderr" and "NBVAL_IGNORE_OUTPUT" not in source:
                found.append(f"{where}: stderr output {text_of(output['text']).strip()[:80]!r}")
            texts = [text_of(output.get("text"))] + [text_of(v) for k, v in output.get("data", {}).items() if k.startswith("text")]
            for text in texts:
                if MACHINE_PATH.search(text):
                    found.append(f"{where}: machine-specific path in an output: {MACHINE_PATH.search(text).group(0)}")
                if OBJECT_REPR.search(text) and "NBVAL_IGNORE_OUTPUT" not in source:
                    found.append(
                        f"{where}: an object's repr in an output ({OBJECT_REPR.search(text).group(0)}); end plotting cells with plt.show()"
                    )
            for mime, value in output.get("data", {}).items():
                if mime == "image/svg+xml":
                    found.append(f"{where}: SVG output (it embeds a date); use PNG")
                elif mime.startswith("image/") and len(base64.b64decode(text_of(value))) > MAX_IMAGE_BYTES:
                    found.append(f"{where}: a {mime} over {MAX_IMAGE_BYTES // 1000} KB")
    return found
