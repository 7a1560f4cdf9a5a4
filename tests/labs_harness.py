"""Run a notebook the way learners use its labs: for every lab, the untouched stub, each typical
mistake and the reference solution are pasted into the stub cell in turn, and the check cell run
after each; then the notebook goes on with the solution in place, to the end.

One kernel per notebook: the cells before a lab run once, so trying every mistake costs only the
checks. The kernel runs the ``smoke`` profile (utils/profiles.py): every section a lab feeds is trained
as in the quick profile, so its printed results can be compared with the stored ones; the Keras
experiments no lab feeds (whose figures nbval and the compatibility matrix prove in the quick profile)
run for an epoch or two. The progress record is a temporary file, seeded as if the labs of the earlier steps had
been solved (so that a step which uses your own earlier function, as step 3 uses your step-2
numerical gradient, is tried that way).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError

from tools.execute import kernel_environment, notebook_client
from tools.solutions import BEGIN_SOLUTION, END_SOLUTION
from tools.solutions import lab_cells as notebook_lab_cells
from utils import ROOT
from utils.exercises import EXERCISES
from utils.exercises.core import Exercise

NOTEBOOKS = ROOT / "notebooks"
BEGIN, END = BEGIN_SOLUTION, END_SOLUTION


def notebook_for_step(step: int) -> Path:
    (path,) = NOTEBOOKS.glob(f"{step:02d}_*.ipynb")
    return path


def printed_by(outputs) -> str:
    """Everything a cell printed or displayed as text."""
    parts = []
    for output in outputs:
        if "text" in output:
            parts.append(output["text"] if isinstance(output["text"], str) else "".join(output["text"]))
        elif output.get("output_type") == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
        else:
            data = output.get("data", {})
            if "text/plain" in data and "image/png" not in data:
                parts.append(data["text/plain"] if isinstance(data["text/plain"], str) else "".join(data["text/plain"]))
    return "".join(parts)


def answer_lines(exercise: Exercise) -> list[str]:
    """The lines of a lab's reference solution that give the answer away (code, not the signature,
    the docstring or comments): none of them may appear in the notebook or in a stored output."""
    source = exercise.paste_source()
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and ast.get_docstring(node) is not None:
            first = node.body[0]
            docstrings.update(range(first.lineno, first.end_lineno + 1))
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            docstrings.add(node.lineno)  # the signature is the stub's too
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("  #")[0].strip()
        if number in docstrings or not code or code.startswith(("#", "@", "return None", "raise ", "pass")) or len(code) < 16:
            continue
        lines.append(code)
    return lines


@dataclasses.dataclass
class LabCell:
    """A lab's stub cell and check cell in a notebook."""

    name: str
    stub_index: int
    check_index: int


def lab_cells(nb) -> list[LabCell]:
    """Every stub cell (it holds ``### BEGIN SOLUTION``) and the check cell that follows it."""
    return [LabCell(*found) for found in notebook_lab_cells(nb.cells)]


@dataclasses.dataclass
class LabRun:
    """What one run with pasted answers printed."""

    notebook: Path
    #: lab name -> {"untouched": text, "solution": text, "mistakes": [(message, text), ...]}
    labs: dict[str, dict]
    #: (cell index, source, printed text) of every other cell, as run with the solutions in place
    cells: list[tuple[int, str, str]]

    def output_of(self, marker: str) -> str:
        """The printed text of the (first) cell whose source contains ``marker``."""
        for _, source, text in self.cells:
            if marker in source:
                return text
        raise AssertionError(f"no cell of {self.notebook.name} contains {marker!r}")

    def problems(self) -> list[str]:
        """Every lab whose stub, mistakes or solution did not get the verdict it should."""
        found = []
        for name, seen in self.labs.items():
            exercise = EXERCISES[name]
            untouched = seen["untouched"]
            if "Not attempted yet" not in untouched:
                found.append(f"{name}: the untouched stub is not 'not attempted': {untouched[:300]!r}")
            leaks = [line for line in answer_lines(exercise) if line in untouched]
            if leaks:
                found.append(f"{name}: the 'not attempted' message gives the answer away: {leaks[0]!r}")
            for message, text in seen["mistakes"]:
                if "Not yet right" not in text or message not in text:
                    found.append(f"{name}: the mistake {message[:60]!r}... pasted in got {text[:400]!r}")
            if "✅ Correct!" not in seen["solution"]:
                found.append(f"{name}: the reference solution pasted in got {seen['solution'][:400]!r}")
        for _, _, text in self.cells:
            if "→ Using the course's" in text:
                found.append(f"with every solution pasted, a cell still used the course's reference: {text.strip()[:200]!r}")
        return found


def seed_progress(file: Path, before_step: int) -> None:
    """A progress record in which every lab of the steps before ``before_step`` has been solved."""
    labs = {
        name: {
            "step": e.step,
            "kind": e.kind,
            "title": e.title,
            "status": "correct",
            "checks": 1,
            "solved": "2026-01-01T00:00:00+00:00",
            "source": e.paste_source(),
        }
        for name, e in EXERCISES.items()
        if e.step < before_step
    }
    file.write_text(json.dumps({"format": 1, "labs": labs}))


#: A cell that shows a live explorer widget returns within seconds. Now and then the client did not
#: see its reply (seen in a CI run: the kernel had run the cell and sat idle while the client
#: waited; tools.execute now asks again every second), so such a cell gets at most this long, and
#: a run that times out is tried once more.
WIDGET_CELL_TIMEOUT = 120
WIDGET_CELL = re.compile(r"^\w+_explorer\(", re.MULTILINE)


def run_labs(step: int, progress_file: Path, timeout: int = 1200) -> LabRun:
    """Execute notebook ``step`` with every lab tried as described above; a run in which a cell timed
    out is run once more from the start in a fresh kernel (a second time-out fails)."""
    try:
        return _run_labs_once(step, progress_file, timeout)
    except CellTimeoutError:
        return _run_labs_once(step, progress_file, timeout)


def _run_labs_once(step: int, progress_file: Path, timeout: int) -> LabRun:
    path = notebook_for_step(step)
    nb = nbformat.read(path, as_version=4)
    labs = {cell.stub_index: cell for cell in lab_cells(nb)}
    checks = {cell.check_index for cell in labs.values()}
    seed_progress(progress_file, step)
    client = notebook_client(nb, path.parent, timeout_func=lambda cell: WIDGET_CELL_TIMEOUT if WIDGET_CELL.search(cell.source) else timeout)
    seen_labs, seen_cells = {}, []

    timings = []

    def run(source: str, index: int) -> str:
        cell = nbformat.v4.new_code_cell(source)
        started = time.perf_counter()
        client.execute_cell(cell, index)
        timings.append((index, time.perf_counter() - started, source.strip().splitlines()[0][:70] if source.strip() else ""))
        return printed_by(cell.outputs)

    try:
        with client.setup_kernel(env=kernel_environment(progress_file, PROFILE="smoke")):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index in checks:
                    continue
                if index in labs:
                    lab = labs[index]
                    exercise = EXERCISES[lab.name]
                    check_source = nb.cells[lab.check_index].source
                    record = {"mistakes": []}
                    run(cell.source, index)
                    record["untouched"] = run(check_source, lab.check_index)
                    for mistake in exercise.mistakes:
                        run(exercise.paste_source(mistake.compute), index)
                        record["mistakes"].append((mistake.message, run(check_source, lab.check_index)))
                    run(exercise.paste_source(), index)
                    record["solution"] = run(check_source, lab.check_index)
                    seen_labs[lab.name] = record
                    continue
                seen_cells.append((index, cell.source, run(cell.source, index)))
    finally:
        # Where the time went, for a slow CI run: every execution, slowest first (artifacts/labs/).
        log = ROOT / "artifacts" / "labs" / f"step{step:02d}-timings.txt"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(
            "".join(f"{seconds:8.1f} s  cell {index:3}  {first}\n" for index, seconds, first in sorted(timings, key=lambda t: -t[1]))
        )
    return LabRun(path, seen_labs, seen_cells)
