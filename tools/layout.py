"""The layout of the course's notebooks: where they are, their step numbers and Colab addresses, the
set-up cell that opens every one of them (and ``retarget``, which rewrites badges and set-up cells
after a fork), and how to read a stored notebook's fields as text. Maintainer tools; nothing here is
imported by a notebook. (The command line that uses them is ``tools/notebooks.py``.)"""

from __future__ import annotations

import re
from pathlib import Path

from utils import settings
from utils.paths import REPOSITORY, REPOSITORY_URL, ROOT

NOTEBOOKS = ROOT / "notebooks"

#: The first code cell of every notebook, word for word but for its step number (``setup_cell``).
#: In Colab it clones the course; a failed clone says what was tried, git's reason and what to do.
_SETUP_TEMPLATE = """# Set-up, the first cell of every notebook (only the step number differs): find the course code
# (in Colab, download it first), then seed everything and print the profile and versions.
import os, pathlib, subprocess, sys

# The course's address; for a fork, run %env {repo_variable}=https://github.com/you/your-fork first.
COURSE_REPO = os.environ.get("{repo_variable}", "{url}")
if "google.colab" in sys.modules and not pathlib.Path("seven-steps").is_dir():
    clone = subprocess.run(["git", "clone", "--quiet", "--depth=1", COURSE_REPO, "seven-steps"], capture_output=True, text=True)
    if clone.returncode != 0:
        raise RuntimeError(f"Could not download the course: 'git clone {{COURSE_REPO}}' said: {{clone.stderr.strip()}}\\n"
                           "Check the address (a fork: set {repo_variable}, as above), the network, "
                           "or upload the course folder here as 'seven-steps'.")
here = pathlib.Path.cwd()
places = [pathlib.Path(os.environ.get("{root_variable}", here)), here, *here.parents, here / "seven-steps"]
root = next((p for p in places if (p / "utils" / "environment.py").is_file()), None)
if root is None:
    raise FileNotFoundError("Course code not found: open this notebook from the course folder, or set {root_variable} to it.")
if str(root) not in sys.path:
    sys.path.insert(0, str(root))

import utils
course = utils.setup(seed=0, step={step})"""


def setup_cell(step: int) -> str:
    """The set-up cell of step ``step``'s notebook: the repository address comes from ``utils.REPOSITORY_URL``."""
    return _SETUP_TEMPLATE.format(url=REPOSITORY_URL, step=step, repo_variable=settings.REPO_URL, root_variable=settings.ROOT_DIR)


def step_of(path: Path) -> int:
    """The step number of a notebook, from its file name (``03_backprop...ipynb`` -> 3)."""
    return int(Path(path).name[:2])


def colab_url(notebook: Path) -> str:
    """The "Open in Colab" address of a notebook of this repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/notebooks/{notebook.name}"


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    return [Path(n).resolve() for n in names] if names else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


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


def field_text(value: str | list[str] | None) -> str:
    """A notebook field as one string (nbformat stores sources and outputs as a string or a list of lines)."""
    return "".join(value) if isinstance(value, list) else (value or "")


def stored_printout(path: Path) -> str:
    """Everything a stored notebook printed (its stream outputs), as one string."""
    import json

    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return "".join(field_text(o.get("text")) for c in cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
