"""Code that a notebook teaches and later steps reuse has one source: the notebook.

A code cell whose first line is ``# @save`` (the convention of d2l.ai's book, by Aston Zhang, Zack
C. Lipton, Mu Li and Alexander J. Smola: https://d2l.ai) is copied, without that line, into the
module of ``utils`` that :data:`EXPORTS` names for its notebook, under a header that says it is
generated. The tests fail when a module differs from what its cells would generate, so an edit made
in the module instead of the notebook is caught::

    python course.py export            # rewrite the generated modules from the notebooks
    python course.py export --check    # only say which ones are out of date (exit status 1)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from utils.paths import ROOT

MARK = "# @save"


@dataclasses.dataclass(frozen=True)
class Export:
    """Where a notebook's saved cells go: the module, its docstring and the imports they need."""

    module: str  # relative to the repository root
    docstring: str
    imports: str


EXPORTS = {
    "notebooks/04_getting_practical.ipynb": Export(
        module="utils/from_step04.py",
        docstring="Step 4's TensorFlow and Keras code, as the notebook shows it: the two costs, the training loop\n"
        "with tf.GradientTape, and the same network in Keras. ``utils.tf_network`` and the exercises use them.",
        imports="import keras\nimport numpy as np\nimport tensorflow as tf\n\nfrom utils.network import minibatches\n",
    ),
    "notebooks/06_rnns_and_language.ipynb": Export(
        module="utils/from_step06.py",
        docstring="Step 6's Keras character language model, as the notebook shows it: the windows of text, the model\n"
        "(an embedding, one recurrent layer, scores for the next character) and its compiled reader for generation.\n"
        "Step 7 trains the same model.",
        imports="import keras\nimport tensorflow as tf\n",
    ),
}


def saved_cells(notebook: Path) -> list[str]:
    """The sources of the notebook's code cells that start with ``# @save``, without that line."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return [source.split("\n", 1)[1].strip("\n") for source in sources if source.startswith(MARK)]


def generated(notebook: str, export: Export, root: Path = ROOT) -> str:
    """The text of the module that the notebook's saved cells make."""
    cells = saved_cells(root / notebook)
    if not cells:
        raise ValueError(f"{notebook} has no cell starting with {MARK!r}, but EXPORTS names it.")
    header = (
        f'"""{export.docstring}\n\nGENERATED from {notebook} (its cells that start with "{MARK}") by\n'
        f'``python course.py export``: edit the notebook, not this file; the tests fail when they differ.\n"""\n\n'
    )
    return header + export.imports + "\n\n" + "\n\n\n".join(cells) + "\n"


def stale(root: Path = ROOT) -> list[str]:
    """The generated modules whose text is not what their notebook makes (or that are missing)."""
    out_of_date = []
    for notebook, export in EXPORTS.items():
        module = root / export.module
        if not module.is_file() or module.read_text(encoding="utf-8") != generated(notebook, export, root):
            out_of_date.append(export.module)
    return out_of_date


def write(root: Path = ROOT) -> list[str]:
    """Rewrite every generated module that is out of date; returns the ones written."""
    written = stale(root)
    for notebook, export in EXPORTS.items():
        if export.module in written:
            (root / export.module).write_text(generated(notebook, export, root), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.export", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report the modules that are out of date")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for module in out_of_date:
            print(f"{module} is out of date: run python course.py export (and edit the notebook, not the module)")
        return 1 if out_of_date else 0
    written = write()
    print(f"written: {', '.join(written)}" if written else "every generated module is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
