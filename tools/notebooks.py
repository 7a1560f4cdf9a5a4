"""Maintainer tools for the notebooks (not needed to study the course).

    python -m tools.notebooks execute [NOTEBOOK ...]   # run in a fresh kernel (quick profile), store outputs
    python -m tools.notebooks check [NOTEBOOK ...]     # the hygiene checks the tests run
    python -m tools.notebooks solutions --output-dir DIR [NOTEBOOK ...]   # (instructors) copies with every lab solved
    python -m tools.notebooks retarget                # after a fork: badges and set-up cells point at utils.REPOSITORY

With no NOTEBOOK, every notebook in ``notebooks/`` is used. ``execute`` is how stored outputs are
made: one clean top-to-bottom run, execution counts 1..N, no widget state or timing metadata.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from tools.execute import execute
from tools.hygiene import problems
from tools.layout import notebook_paths, retarget
from tools.solutions import write_solved
from utils.paths import REPOSITORY

try:  # Unix only: the peak memory of the kernels run so far
    resource: Any = importlib.import_module("resource")
except ImportError:  # pragma: no cover - Windows
    resource = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["execute", "check", "solutions", "retarget"])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument(
        "--output-dir",
        type=Path,
        help="execute: write the executed copies here, leaving the originals untouched; solutions: where the solved copies go (required)",
    )
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
