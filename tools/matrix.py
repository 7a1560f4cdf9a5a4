"""Run every notebook top to bottom in the current environment and judge it as the matrix does.

    python -m tools.matrix run ENV [NOTEBOOK ...]    (nox runs this inside ENV's virtual environment)

The environment's key packages must be the versions ``utils/environments.py`` names (else the run
would prove nothing about them). Each notebook runs in a fresh kernel in the quick profile, two at a
time (one per core), on copies: the stored notebooks are never touched and no output is compared.
A notebook fails on a cell error or on any stderr output. The report, with each notebook's time and
headline figures, goes to ``artifacts/matrix/ENV.md``; the exit status is 1 if anything failed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from utils import ROOT
from utils.environments import ENVIRONMENTS, KEY_PACKAGES

ARTIFACTS = ROOT / "artifacts" / "matrix"
#: Seconds a single cell may take (the longest takes about 3 minutes on a loaded 2-core machine).
CELL_TIMEOUT = 900


def installed_versions(names=KEY_PACKAGES) -> dict[str, str]:
    """The installed version of each package named (``"missing"`` when it is not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def version_mismatches(environment) -> list[str]:
    """What differs between this interpreter and packages and what ``environment`` names."""
    found = installed_versions(environment.packages)
    wrong = [f"{name} {found[name]} (expected {wanted})" for name, wanted in environment.packages.items() if found.get(name) != wanted]
    python = ".".join(platform.python_version_tuple()[:2])
    if python != environment.python:
        wrong.insert(0, f"Python {python} (expected {environment.python})")
    return wrong


def _execute(path_text: str, scratch_text: str) -> dict:
    """Execute one notebook into ``scratch``: its time, cell error, stderr outputs and headline figures."""
    from nbclient.exceptions import CellExecutionError

    from utils.notebooks import execute

    from nbclient.exceptions import CellTimeoutError

    path, output = Path(path_text), Path(scratch_text) / Path(path_text).name
    result = {"notebook": path.name, "error": None, "stderr": [], "headlines": [], "seconds": None, "stalled": 0}
    start = time.perf_counter()
    try:
        for attempt in range(2):
            try:
                execute(path, timeout=CELL_TIMEOUT, output=output)
                break
            except CellTimeoutError:
                # Seen now and then, in every environment: the kernel sits idle and the client waits
                # for a reply that never comes. One fresh kernel, then it counts as a failure.
                result["stalled"] += 1
                if attempt:
                    raise
    except CellExecutionError as exc:
        # nbclient's message ends with the exception line; the first lines show the failing cell.
        lines = str(exc).strip().splitlines()
        result["error"] = (lines[-1] if lines else "a cell failed")[:500]
    except Exception as exc:  # noqa: BLE001 - a kernel that died, a timeout: report it, go on with the others
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
    result["seconds"] = round(time.perf_counter() - start)
    if output.is_file():
        cells = json.loads(output.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    result["stderr"].append(f"cell {index}: {''.join(out['text']).strip()[:300]}")
                if out.get("output_type") == "error" and result["error"] is None:
                    result["error"] = f"cell {index}: {out.get('ename')}: {out.get('evalue', '')[:300]}"
        from utils.benchmark import headlines, printed_text

        result["headlines"] = headlines(path.stem, printed_text(output))
    return result


def run(name: str, notebooks: list[str] | None = None, jobs: int = 2) -> int:
    """Run the notebooks in environment ``name``; write and print the report; 0 if all went well."""
    from utils.notebooks import notebook_paths

    environment = ENVIRONMENTS[name]
    mismatches = version_mismatches(environment)
    versions = ", ".join(f"{k} {v}" for k, v in installed_versions().items())
    print(f"{name}: Python {platform.python_version()}, {versions}", flush=True)
    if mismatches:
        print(f"{name}: this is not the environment utils/environments.py describes: {'; '.join(mismatches)}")
        return 1
    # A notebook may be named as a path or by its file name (python course.py matrix oldest -- 05_cnns...).
    paths = notebook_paths([n if Path(n).exists() else str(ROOT / "notebooks" / Path(n).name) for n in notebooks or []] or None)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"dl7-matrix-{name}-") as scratch, ProcessPoolExecutor(jobs) as pool:
        # The longest notebooks first, so that two workers finish at about the same time.
        order = sorted(paths, key=lambda p: -p.stat().st_size)
        results = {r["notebook"]: r for r in pool.map(_execute, [str(p) for p in order], [scratch] * len(order))}
    wall = time.perf_counter() - start
    failed = [r for r in results.values() if r["error"] or r["stderr"]]
    lines = [f"# Compatibility matrix: `{name}`", "", f"{environment.source}.", "",
             f"Python {platform.python_version()}, {versions}. Wall time {wall:.0f} s for {len(paths)} notebooks, {jobs} at a time.", "",
             "| notebook | time | result | headline figures |", "|---|---:|---|---|"]
    for path in paths:
        r = results[path.name]
        verdict = f"**error** {r['error']}" if r["error"] else (f"**stderr** {'; '.join(r['stderr'])}" if r["stderr"] else "ok")
        if r["stalled"]:
            verdict += f" (a cell stalled for {CELL_TIMEOUT} s with the kernel idle; run again in a fresh kernel)"
        lines.append(f"| {path.stem} | {r['seconds']} s | {verdict} | {'<br>'.join(r['headlines'])} |")
    report = "\n".join(lines) + "\n"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.md").write_text(report, encoding="utf-8")
    print(report)
    print(f"{name}: {len(paths) - len(failed)} of {len(paths)} notebooks ran cleanly in {wall:.0f} s")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.matrix", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the notebooks here and judge them as the environment ENV")
    run_parser.add_argument("environment", choices=list(ENVIRONMENTS))
    run_parser.add_argument("notebooks", nargs="*")
    run_parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    return run(args.environment, args.notebooks or None, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
