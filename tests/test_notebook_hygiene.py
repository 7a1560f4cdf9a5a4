"""Stored notebooks are clean: one top-to-bottom run, no errors or stderr noise, no machine paths,
small PNG figures, the shared set-up cell, a working Colab badge, and the same shape everywhere."""

import json
import re
import shutil

import pytest

from tools.hygiene import problems
from tools.layout import colab_url, notebook_paths, setup_cell
from utils import REPOSITORY_URL, ROOT

NOTEBOOKS = notebook_paths()
EXPECTED = [
    "01_introducing_deep_learning.ipynb",
    "02_getting_technical.ipynb",
    "03_backprop_and_gradient_descent.ipynb",
    "04_getting_practical.ipynb",
    "05_cnns_and_computer_vision.ipynb",
    "06_rnns_and_language.ipynb",
    "07_further_topics.ipynb",
]


def test_the_course_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert names[: len(EXPECTED)] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    assert problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_course_shape(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "## Read and watch" in markdown and "## Key takeaways" in markdown and "## Your progress" in markdown
    assert "**You write:**" in markdown, "the title cell says which labs the learner writes"
    assert code.count('check("') >= 3, "at least three self-checking labs"
    assert code.count("raise NotImplementedError") + code.count("= None  # your turn") >= 3
    assert "### BEGIN SOLUTION" in code and "### END SOLUTION" in code


def test_code_saved_from_a_notebook_is_what_its_cells_say():
    """utils/from_step04.py is generated from notebook 04's "# @save" cells (python course.py export)."""
    from tools import export

    assert export.stale() == [], "a generated module differs from its notebook: edit the notebook, then run python course.py export"


def test_an_edit_of_a_generated_module_is_caught(tmp_path):
    from tools import export

    for notebook, target in export.EXPORTS.items():
        (tmp_path / notebook).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / notebook, tmp_path / notebook)
        (tmp_path / target.module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / target.module).write_text(export.generated(notebook, target), encoding="utf-8")
    assert export.stale(tmp_path) == []
    module = tmp_path / export.EXPORTS["notebooks/04_getting_practical.ipynb"].module
    module.write_text(module.read_text(encoding="utf-8").replace("0.5 * tf.reduce_sum", "0.25 * tf.reduce_sum"), encoding="utf-8")
    assert export.stale(tmp_path) == ["utils/from_step04.py"]
    assert export.write(tmp_path) == ["utils/from_step04.py"] and export.stale(tmp_path) == []
    assert "0.5 * tf.reduce_sum" in module.read_text(encoding="utf-8")


def test_setup_cell_uses_the_one_repository_address():
    for step in range(1, 8):
        assert f'COURSE_REPO = os.environ.get("DL7_REPO_URL", "{REPOSITORY_URL}")' in setup_cell(step)
        assert setup_cell(step).endswith(f"course = utils.setup(seed=0, step={step})")
    assert colab_url(ROOT / "notebooks" / "x.ipynb").startswith("https://colab.research.google.com/github/")


def test_problems_catches_a_dirty_notebook(tmp_path):
    """The hygiene check itself can fail: a notebook with each kind of defect is flagged for each."""
    dirty = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# no badge"},
            {"cell_type": "markdown", "metadata": {}, "source": "the gradient $\\\\partial L / \\\\partial h$, and $a \\\\ b$ fine"},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 2,
                "source": "print('/home/alice/data')",
                "outputs": [{"output_type": "stream", "name": "stderr", "text": "W0000 warning\n"}],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": "# NBVAL_IGNORE_OUTPUT\n1/0",
                "outputs": [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": []}],
            },
        ],
        "metadata": {"widgets": {}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "09_dirty.ipynb"
    path.write_text(json.dumps(dirty))
    found = "\n".join(problems(path))
    for words in [
        "execution counts",
        "widget state",
        "Colab badge",
        "set-up cell",
        "machine-specific path",
        "stderr output",
        "stored error ZeroDivisionError",
        "the reason in a comment on the next",
        "a doubled backslash in the maths",
    ]:
        assert words in found, words


def test_readme_badges_and_links_point_at_the_notebooks():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "notebooks/" in line]
    assert len(rows) == len(NOTEBOOKS)
    for row, path in zip(rows, NOTEBOOKS):
        links = re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", row)
        badges = re.findall(r"\((https://colab\.research\.google\.com/github/[^)]+)\)", row)
        assert links == [f"notebooks/{path.name}"], row
        assert badges == [colab_url(path)], row
    assert all((ROOT / link).is_file() for link in re.findall(r"\]\((notebooks/[^)]+)\)", readme))


def test_execute_into_another_folder_leaves_the_stored_notebook_alone(tmp_path):
    from tools import notebooks

    original = ROOT / "notebooks" / "02_getting_technical.ipynb"
    before = original.read_bytes()
    runs = tmp_path / "runs"  # not there yet: the command makes it
    assert notebooks.main(["execute", str(original), "--output-dir", str(runs)]) == 0
    assert original.read_bytes() == before
    assert problems(runs / original.name) == []


class _SlowChannel:
    """A kernel channel whose message is there only from the ``ready_after``-th look (None: never)."""

    def __init__(self, ready_after):
        self.ready_after, self.timeouts = ready_after, []

    async def get_msg(self, timeout=None):
        import queue

        self.timeouts.append(timeout)
        if self.ready_after is not None and len(self.timeouts) >= self.ready_after:
            return {"msg_type": "execute_reply"}
        raise queue.Empty


def test_a_missed_wake_up_costs_one_slice_not_the_timeout(monkeypatch):
    """tools.execute asks the kernel's channels again every slice, so a message that arrived without
    waking the client is read at the next look; no wait is longer than a slice, and a channel with
    no message still times out when the caller's timeout has passed."""
    import asyncio
    import queue
    import time

    from tools import execute

    monkeypatch.setattr(execute, "POLL_SLICE_SECONDS", 0.01)
    channel = _SlowChannel(ready_after=4)
    execute._wait_in_slices(channel)
    assert asyncio.run(channel.get_msg(timeout=60)) == {"msg_type": "execute_reply"}
    assert len(channel.timeouts) == 4 and max(channel.timeouts) == 0.01
    waits_forever = _SlowChannel(ready_after=3)  # nbclient's IOPub poll: no timeout at all
    execute._wait_in_slices(waits_forever)
    assert asyncio.run(waits_forever.get_msg()) == {"msg_type": "execute_reply"}
    assert waits_forever.timeouts == [0.01] * 3
    silent = _SlowChannel(ready_after=None)
    execute._wait_in_slices(silent)
    start = time.monotonic()
    with pytest.raises(queue.Empty):
        asyncio.run(silent.get_msg(timeout=0.05))
    assert 0.05 <= time.monotonic() - start < 5
    assert all(wait <= 0.01 for wait in silent.timeouts) and len(silent.timeouts) >= 2


def _measured_seconds() -> dict[str, int]:
    """The wall time of each notebook in the README's table from `python course.py benchmark course`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {name: int(seconds) for name, seconds in re.findall(r"^\| (0\d_\w+)\.ipynb \| (\d+) s \|", readme, re.M)}


def _as_said(seconds: int) -> str:
    return f"{seconds} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def test_run_times_come_from_the_measured_table():
    """The course map and every notebook's header say the run time the benchmark measured."""
    measured = _measured_seconds()
    assert sorted(measured) == [p.stem for p in NOTEBOOKS]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        said = _as_said(measured[path.stem])
        row = next(line for line in readme.splitlines() if f"(notebooks/{path.name})" in line and line.startswith("| "))
        assert f"| {said} |" in row, f"the course map gives another run time for {path.name} than the measured {said}"
        header = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        assert f"**Run time:** {said} in the quick profile" in "".join(header["source"]), path.name


def test_retarget_points_badges_and_set_up_cells_at_a_fork(tmp_path, monkeypatch):
    import nbformat

    from tools import layout

    readme, notebook = tmp_path / "README.md", tmp_path / "03_backprop_and_gradient_descent.ipynb"
    shutil.copy(ROOT / "README.md", readme)
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    assert layout.retarget(readme, [notebook]) == []  # already pointing at utils.REPOSITORY
    monkeypatch.setattr(layout, "REPOSITORY", "someone/fork")
    monkeypatch.setattr(layout, "REPOSITORY_URL", "https://github.com/someone/fork")
    assert layout.retarget(readme, [notebook]) == ["README.md", notebook.name]
    text = readme.read_text(encoding="utf-8")
    assert "git clone https://github.com/someone/fork.git" in text and "colab.research.google.com/github/dl7-course" not in text
    assert text.count("colab.research.google.com/github/someone/fork/blob/main/notebooks/") == 7
    nb = nbformat.read(notebook, as_version=4)
    assert "colab.research.google.com/github/someone/fork/blob/main/notebooks/03_" in nb.cells[0].source
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == layout.setup_cell(3) and '"https://github.com/someone/fork"' in first_code.source
