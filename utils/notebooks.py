"""Maintainer tools for the notebooks (not needed to study the course).

    python -m utils.notebooks execute [NOTEBOOK ...]   # run in a fresh kernel (quick profile), store outputs
    python -m utils.notebooks check [NOTEBOOK ...]     # the hygiene checks the tests run
    python -m utils.notebooks solutions --output-dir DIR [NOTEBOOK ...]   # (instructors) copies with every lab solved

With no NOTEBOOK, every notebook in ``notebooks/`` is used. ``execute`` is how stored outputs are
made: one clean top-to-bottom run, execution counts 1..N, no widget state or timing metadata.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import sys
import tempfile
import time

try:
    import resource  # Unix only: the peak memory of the kernels run so far
except ImportError:  # pragma: no cover - Windows
    resource = None
from pathlib import Path

from utils.paths import REPOSITORY, REPOSITORY_URL, ROOT

NOTEBOOKS = ROOT / "notebooks"
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

#: The first code cell of every notebook, word for word but for its step number (``setup_cell``).
#: In Colab it clones the course; a failed clone says what was tried, git's reason and what to do.
_SETUP_TEMPLATE = '''# Set-up, the first cell of every notebook (only the step number differs): find the course code
# (in Colab, download it first), then seed everything and print the profile and versions.
import os, pathlib, subprocess, sys

# The course's address; for a fork, run %env DL7_REPO_URL=https://github.com/you/your-fork first.
COURSE_REPO = os.environ.get("DL7_REPO_URL", "{url}")
if "google.colab" in sys.modules and not pathlib.Path("seven-steps").is_dir():
    clone = subprocess.run(["git", "clone", "--quiet", "--depth=1", COURSE_REPO, "seven-steps"], capture_output=True, text=True)
    if clone.returncode != 0:
        raise RuntimeError(f"Could not download the course: 'git clone {{COURSE_REPO}}' said: {{clone.stderr.strip()}}\\n"
                           "Check the address (a fork: set DL7_REPO_URL, as above), the network, "
                           "or upload the course folder here as 'seven-steps'.")
here = pathlib.Path.cwd()
places = [pathlib.Path(os.environ.get("DL7_ROOT", here)), here, *here.parents, here / "seven-steps"]
root = next((p for p in places if (p / "utils" / "environment.py").is_file()), None)
if root is None:
    raise FileNotFoundError("Course code not found: open this notebook from the course folder, or set DL7_ROOT to it.")
if str(root) not in sys.path:
    sys.path.insert(0, str(root))

import utils
course = utils.setup(seed=0, step={step})'''


def setup_cell(step: int) -> str:
    """The set-up cell of step ``step``'s notebook: the repository address comes from ``utils.REPOSITORY_URL``."""
    return _SETUP_TEMPLATE.format(url=REPOSITORY_URL, step=step)


def step_of(path: Path) -> int:
    """The step number of a notebook, from its file name (``03_backprop...ipynb`` -> 3)."""
    return int(Path(path).name[:2])


#: A lab's stub cell holds nbgrader's solution markers; the next code cell calls check("name", ...).
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_CALL = re.compile(r"""^check\(\s*["'](\w+)["']""", re.MULTILINE)


def lab_cells(cells: list) -> list[tuple[str, int, int]]:
    """(lab name, stub cell index, check cell index) for every lab of a notebook's cells."""
    found = []
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for position, index in enumerate(code):
        if BEGIN_SOLUTION in _text(cells[index]["source"]):
            following = code[position + 1] if position + 1 < len(code) else None
            match = CHECK_CALL.search(_text(cells[following]["source"])) if following is not None else None
            if match is None:
                raise ValueError(f"cell {index} is a lab's stub, but the next code cell does not call check(\"name\", ...)")
            found.append((match.group(1), index, following))
    return found


def write_solved(path: Path, output: Path) -> int:
    """Write a copy of a notebook with every lab's stub replaced by its tested solution (outputs
    cleared), for instructors; returns the number of labs. Never used for the stored notebooks."""
    from utils.exercises import EXERCISES

    nb = json.loads(path.read_text(encoding="utf-8"))
    labs = lab_cells(nb["cells"])
    for name, stub, _ in labs:
        # The markers stay around the solution, so nbgrader (or this tool) still finds the lab.
        nb["cells"][stub]["source"] = f"{BEGIN_SOLUTION}\n{EXERCISES[name].paste_source()}{END_SOLUTION}"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    output.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(labs)


def colab_url(notebook: Path) -> str:
    """The "Open in Colab" address of a notebook of this repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/notebooks/{notebook.name}"


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    return [Path(n).resolve() for n in names] if names else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def problems(path: Path) -> list[str]:
    """Everything wrong with a stored notebook, as readable lines (empty when it is clean)."""
    found = []
    raw = path.read_bytes()
    nb = json.loads(raw)
    cells = nb.get("cells", [])
    code = [c for c in cells if c["cell_type"] == "code" and _text(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        found.append(f"execution counts are {counts[:8]}..., not 1..{len(code)}: re-run it top to bottom in a fresh kernel")
    if len(raw) > MAX_NOTEBOOK_BYTES:
        found.append(f"the file is {len(raw) / 1e6:.1f} MB (limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
    if "widgets" in nb.get("metadata", {}):
        found.append("widget state is stored in the notebook metadata")
    if not cells or colab_url(path) not in _text(cells[0]["source"]):
        found.append(f"the first cell lacks the Colab badge linking to {colab_url(path)}")
    if not code or _text(code[0]["source"]).strip() != setup_cell(step_of(path)):
        found.append("the first code cell is not the course set-up cell (utils.notebooks.setup_cell; "
                     "python -m utils.notebooks retarget rewrites it)")
    for number, cell in enumerate(cells):
        where = f"cell {number}"
        source = _text(cell["source"])
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
                found.append(f"{where}: stderr output {_text(output['text']).strip()[:80]!r}")
            texts = [_text(output.get("text"))] + [_text(v) for k, v in output.get("data", {}).items() if k.startswith("text")]
            for text in texts:
                if MACHINE_PATH.search(text):
                    found.append(f"{where}: machine-specific path in an output: {MACHINE_PATH.search(text).group(0)}")
                if OBJECT_REPR.search(text) and "NBVAL_IGNORE_OUTPUT" not in source:
                    found.append(f"{where}: an object's repr in an output ({OBJECT_REPR.search(text).group(0)}); end plotting cells with plt.show()")
            for mime, value in output.get("data", {}).items():
                if mime == "image/svg+xml":
                    found.append(f"{where}: SVG output (it embeds a date); use PNG")
                elif mime.startswith("image/") and len(base64.b64decode(_text(value))) > MAX_IMAGE_BYTES:
                    found.append(f"{where}: a {mime} over {MAX_IMAGE_BYTES // 1000} KB")
    return found


def execute(path: Path, timeout: int = 1800, output: Path | None = None) -> float:
    """Run a notebook top to bottom in a fresh kernel in the quick profile and store its outputs (in
    place, or in ``output``; the kernel still starts in the notebook's own folder). Returns seconds."""
    import nbformat
    from nbclient import NotebookClient

    os.environ["DL7_PROFILE"] = "quick"
    os.environ["CUDA_VISIBLE_DEVICES"] = ""  # the stored outputs are a CPU's, wherever they are made
    # A fresh progress record, so the stored outputs show every lab as a newcomer sees it (and the
    # maintainer's own record is left alone).
    progress_dir = tempfile.mkdtemp(prefix="dl7-progress-")
    os.environ["DL7_PROGRESS"] = os.path.join(progress_dir, "progress.json")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        shutil.rmtree(progress_dir, ignore_errors=True)
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state would only be stale JSON for a reader
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, output or path)
    return seconds


COLAB_BADGE_BASE = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/main/notebooks/")
CLONE_ADDRESS = re.compile(r"git clone https://github\.com/[\w.-]+/[\w.-]+\.git")


def retarget(readme: Path = ROOT / "README.md", paths: list[Path] | None = None) -> list[str]:
    """Point the README's and the notebooks' Colab badges, the README's clone command and every
    set-up cell at ``utils.REPOSITORY`` (after a fork: edit that one line, then run this). Outputs
    are left as they are. Returns the files changed."""
    import nbformat

    badge = f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/notebooks/"
    changed = []
    text = readme.read_text(encoding="utf-8")
    new = CLONE_ADDRESS.sub(f"git clone {REPOSITORY_URL}.git", COLAB_BADGE_BASE.sub(badge, text))
    if new != text:
        readme.write_text(new, encoding="utf-8")
        changed.append(readme.name)
    for path in paths or notebook_paths():
        nb = nbformat.read(path, as_version=4)
        before = [cell.source for cell in nb.cells]
        nb.cells[0].source = COLAB_BADGE_BASE.sub(badge, nb.cells[0].source)
        first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
        first_code.source = setup_cell(step_of(path))
        if [cell.source for cell in nb.cells] != before:
            nbformat.write(nb, path)
            changed.append(path.name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["execute", "check", "solutions", "retarget"])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--output-dir", type=Path, help="execute: write the executed copies here, leaving the originals untouched; "
                                                        "solutions: where the solved copies go (required)")
    args = parser.parse_intermixed_args(argv)  # options may come before or after the notebooks
    paths = notebook_paths(args.notebooks)
    if args.command == "solutions" and not args.output_dir:
        parser.error("solutions needs --output-dir: the solved copies never replace the course's notebooks")
    if args.output_dir:
        args.output_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "retarget":
        changed = retarget()
        print(f"Pointed at {REPOSITORY}: {', '.join(changed) if changed else 'nothing to change'}")
        return 0
    if args.command == "solutions":
        for path in paths:
            print(f"{path.name}: {write_solved(path, args.output_dir / path.name)} labs solved -> {args.output_dir / path.name}")
        return 0
    bad = 0
    for path in paths:
        checked = path
        if args.command == "execute":
            checked = args.output_dir / path.name if args.output_dir else path
            seconds = execute(path, output=checked)
            peak = f", largest kernel so far {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB" if resource else ""
            print(f"{path.name}: ran in {seconds:.0f} s{peak}", flush=True)
        found = problems(checked)
        bad += bool(found)
        for line in found:
            print(f"{path.name}: {line}")
    if args.command == "check":
        print(f"{len(paths)} notebooks checked, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
