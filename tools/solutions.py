"""The labs inside a notebook: a stub cell between nbgrader's solution markers, then a cell calling
``check("name", ...)``; and the instructors' copies with every lab solved (``python course.py
execute`` never uses those). Maintainer tools."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools.layout import field_text

#: A lab's stub cell holds nbgrader's solution markers; the next code cell calls check("name", ...).
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_CALL = re.compile(r"""^check\(\s*["'](\w+)["']""", re.MULTILINE)


def lab_cells(cells: list) -> list[tuple[str, int, int]]:
    """(lab name, stub cell index, check cell index) for every lab of a notebook's cells."""
    found = []
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for position, index in enumerate(code):
        if BEGIN_SOLUTION in field_text(cells[index]["source"]):
            following = code[position + 1] if position + 1 < len(code) else None
            match = CHECK_CALL.search(field_text(cells[following]["source"])) if following is not None else None
            if match is None or following is None:
                raise ValueError(f'cell {index} is a lab\'s stub, but the next code cell does not call check("name", ...)')
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
