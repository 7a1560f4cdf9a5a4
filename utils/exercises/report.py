"""Your progress, shown: one step's labs with their state (the last cell of every notebook), or the
whole course (``python course.py progress``). The record itself is ``utils.progress``.

    python course.py progress            # the seven steps: labs done, attempted, not started
    python course.py progress --step 3   # each lab of step 3
    python course.py progress --where    # where the file is
"""

from __future__ import annotations

import argparse

from utils import progress
from utils.exercises.registry import EXERCISES
from utils.paths import in_colab

STEP_TITLES = {
    1: "Introducing deep learning",
    2: "Getting technical",
    3: "Backpropagation and gradient descent",
    4: "Getting practical",
    5: "Convolutional nets and computer vision",
    6: "Recurrent nets and language",
    7: "Further topics",
}

_MARKS = {"done": "✅", "attempted": "✗ ", "not started": "· "}


def step_table(step: int) -> str:
    """The lines that show one step's labs and warm-ups with their state."""
    labs = progress.load()["labs"]
    exercises = [e for e in EXERCISES.values() if e.step == step]
    counts = {kind: sum(1 for e in exercises if e.kind == kind) for kind in ("lab", "warm-up")}
    done = {kind: sum(1 for e in exercises if e.kind == kind and progress.state(labs.get(e.name)) == "done") for kind in counts}
    parts = [f"{done[k]} of {counts[k]} {k}s done" for k in counts if counts[k]]
    lines = [f"Step {step} · {STEP_TITLES.get(step, '')}: {', '.join(parts)}"]
    width = max((len(e.name) for e in exercises), default=0)
    for exercise in exercises:
        entry = labs.get(exercise.name)
        condition = progress.state(entry)
        extra = []
        if entry and entry.get("hints"):
            extra.append(f"{entry['hints']} hint{'s' if entry['hints'] > 1 else ''}")
        if entry and entry.get("solution_shown"):
            extra.append("solution shown")
        if progress.passed_before(entry):
            extra.append("an earlier answer passed")
        notes = f" ({', '.join(extra)})" if extra else ""
        lines.append(f"  {_MARKS[condition]} {exercise.name:<{width}}  {exercise.kind:7}  {condition:11}  {exercise.title}{notes}")
    return "\n".join(lines)


def show_progress(step: int) -> None:
    """Print this step's labs with their state, and where the record is kept."""
    print(step_table(step))
    if in_colab():
        print(
            "Saved in this Colab session only: it is lost when the runtime is recycled. "
            "Study locally (python course.py lab) to keep a record across sessions."
        )
    else:
        print("Your record is kept on this computer; `python course.py progress` shows all seven steps.")


def course_table() -> str:
    """All seven steps: labs done, attempted and not started (warm-ups counted apart)."""
    labs = progress.load()["labs"]
    exercises = list(EXERCISES.values())
    header = f"{'step':<5}{'':44}{'labs: done':>11}{'attempted':>11}{'not started':>13}{'warm-ups done':>15}"
    lines = [header]
    totals = [0, 0, 0, 0, 0, 0]
    for step, title in STEP_TITLES.items():
        mine = [e for e in exercises if e.step == step]
        real = [e for e in mine if e.kind == "lab"]
        warm = [e for e in mine if e.kind != "lab"]
        states = [progress.state(labs.get(e.name)) for e in real]
        row = [
            states.count("done"),
            states.count("attempted"),
            states.count("not started"),
            sum(progress.state(labs.get(e.name)) == "done" for e in warm),
            len(real),
            len(warm),
        ]
        totals = [a + b for a, b in zip(totals, row)]
        lines.append(f"{step:<5}{title:44}{f'{row[0]}/{row[4]}':>11}{row[1]:>11}{row[2]:>13}{f'{row[3]}/{row[5]}':>15}")
    lines.append(f"{'all':<5}{'':44}{f'{totals[0]}/{totals[4]}':>11}{totals[1]:>11}{totals[2]:>13}{f'{totals[3]}/{totals[5]}':>15}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python course.py progress", description="Your progress through the course's labs.")
    parser.add_argument("--step", type=int, choices=sorted(STEP_TITLES), help="show each lab of this step")
    parser.add_argument("--where", action="store_true", help="print where the progress file is, and stop")
    args = parser.parse_args(argv)
    file = progress.path()
    if args.where:
        print(file)
        return 0
    if args.step:
        print(step_table(args.step))
    else:
        print(course_table())
    print(f"\nRecord: {file}" + ("" if file.exists() else " (nothing checked yet)"))
    return 0
