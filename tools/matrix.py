"""Run every notebook top to bottom in the current environment and judge it as the matrix does.

    python -m tools.matrix run ENV [NOTEBOOK ...] [--seed S] [--no-range-check]
        (nox runs this inside ENV's virtual environment; ENV "pinned" is requirements.txt's .venv)

The environment's key packages must be the versions ``utils/tested_environments.py`` (or, for ``pinned``,
``requirements.txt``) names, else the run would prove nothing about them. Each notebook runs in a
fresh kernel in the quick profile, two at a time (one per core), on copies: the stored notebooks are
never touched and no output is compared. A notebook fails on a cell error, on any stderr output, or
when a headline figure it records (``utils.expected.judge``) is outside its expected range or was
not recorded at all. The figures go to ``artifacts/ranges/ENV/seed-S.jsonl`` (``python course.py
ranges`` builds the table of ranges from them); the report, with each notebook's time and headline
figures, to ``artifacts/matrix/ENV.md``. The exit status is 1 if anything failed.
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
from utils.tested_environments import ENVIRONMENTS, KEY_PACKAGES, Environment

ARTIFACTS = ROOT / "artifacts" / "matrix"
#: Where each run's recorded headline figures go, one folder per environment, one file per seed.
RECORDS = ROOT / "artifacts" / "ranges"
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


def pinned_environment() -> Environment:
    """requirements.txt's environment as an :class:`Environment` (its key packages; any Python)."""
    from utils.environment import tested_versions

    pins = tested_versions()
    return Environment(
        name="pinned",
        python="",
        packages={name: pins[name] for name in KEY_PACKAGES if name in pins},
        source="the pinned versions of requirements.txt (the stored outputs come from them)",
    )


def environment_named(name: str) -> Environment:
    return pinned_environment() if name == "pinned" else ENVIRONMENTS[name]


def version_mismatches(environment) -> list[str]:
    """What differs between this interpreter and packages and what ``environment`` names."""
    found = installed_versions(environment.packages)
    wrong = [f"{name} {found[name]} (expected {wanted})" for name, wanted in environment.packages.items() if found.get(name) != wanted]
    python = ".".join(platform.python_version_tuple()[:2])
    if environment.python and python != environment.python:
        wrong.insert(0, f"Python {python} (expected {environment.python})")
    return wrong


def _execute(path_text: str, scratch_text: str, seed: int | None = None) -> dict:
    """Execute one notebook into ``scratch``: its time, cell error, stderr outputs, the figures it
    recorded (``utils.expected.judge`` and ``record``) and its headline lines made from them."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    from tools.benchmark import headlines
    from tools.execute import execute
    from utils.expected import read_records

    path, output = Path(path_text), Path(scratch_text) / Path(path_text).name
    record = output.with_suffix(".jsonl")
    result: dict = {"notebook": path.name, "error": None, "stderr": [], "headlines": [], "records": [], "seconds": None, "stalled": 0}
    # Where the kernel records the figures, and its seed (None: the notebook's own).
    kernel_settings = {"RECORD": str(record), "SEED": None if seed is None else str(seed)}
    start = time.perf_counter()
    try:
        for attempt in range(2):
            try:
                record.unlink(missing_ok=True)  # a stalled attempt's figures do not count
                execute(path, timeout=CELL_TIMEOUT, output=output, **kernel_settings)
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
    result["records"] = read_records(record)
    result["headlines"] = headlines(path.stem, result["records"])
    return result


def range_problems(notebook_stem: str, records: list[dict], ranges: dict) -> list[str]:
    """What is wrong with the figures one notebook recorded: each figure of its step that is missing
    (ranged or exact), and each ranged one that has no measured range or lies outside it (empty when
    all is well)."""
    from utils.expected import EXACT, FIGURES, verdict

    step = f"step{notebook_stem[:2]}."
    recorded = {r["key"]: r for r in records}
    problems = [f"{key} was not recorded" for key in (*FIGURES, *EXACT) if key.startswith(step) and key not in recorded]
    for key, entry in recorded.items():
        if key in EXACT:
            continue  # checked exactly where the notebook prints it
        inside, line = verdict(key, entry["value"], entry["profile"], ranges)
        if inside is None:
            problems.append(f"{key}: no expected range for the {entry['profile']} profile")
        elif not inside:
            problems.append(line.splitlines()[0])
    return problems


def run(name: str, notebooks: list[str] | None = None, jobs: int = 2, seed: int | None = None, check_ranges: bool = True) -> int:
    """Run the notebooks in environment ``name``; write and print the report; 0 if all went well.

    ``seed`` overrides the notebooks' own (``DL7_SEED``); ``check_ranges=False`` records the figures
    without judging them (``python course.py ranges`` measures the ranges that way)."""
    from tools.layout import notebook_paths
    from utils.expected import load_ranges

    environment = environment_named(name)
    mismatches = version_mismatches(environment)
    versions = ", ".join(f"{k} {v}" for k, v in installed_versions().items())
    print(f"{name}: Python {platform.python_version()}, {versions}", flush=True)
    if mismatches:
        print(f"{name}: this is not the environment utils/tested_environments.py describes: {'; '.join(mismatches)}")
        return 1
    # A notebook may be named as a path or by its file name (python course.py matrix oldest -- 05_cnns...).
    paths = notebook_paths([n if Path(n).exists() else str(ROOT / "notebooks" / Path(n).name) for n in notebooks or []] or None)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"dl7-matrix-{name}-") as scratch, ProcessPoolExecutor(jobs) as pool:
        # The longest notebooks first, so that two workers finish at about the same time.
        order = sorted(paths, key=lambda p: -p.stat().st_size)
        results = {r["notebook"]: r for r in pool.map(_execute, [str(p) for p in order], [scratch] * len(order), [seed] * len(order))}
    wall = time.perf_counter() - start
    ranges = load_ranges()
    for path in paths:
        r = results[path.name]
        r["range_problems"] = range_problems(path.stem, r["records"], ranges) if check_ranges and not r["error"] else []
    recorded_seeds = {r["seed"] for path in paths for r in results[path.name]["records"]}
    seed_name = str(seed) if seed is not None else (str(recorded_seeds.pop()) if len(recorded_seeds) == 1 else "own")
    records = RECORDS / name / f"seed-{seed_name}.jsonl"
    records.parent.mkdir(parents=True, exist_ok=True)
    records.write_text(
        "".join(json.dumps({**r, "environment": name}) + "\n" for path in paths for r in results[path.name]["records"]), encoding="utf-8"
    )
    failed = [r for r in results.values() if r["error"] or r["stderr"] or r["range_problems"]]
    seed_text = "the notebooks' own seeds" if seed is None else f"seed {seed} (DL7_SEED)"
    lines = [
        f"# Compatibility matrix: `{name}`",
        "",
        f"{environment.source}.",
        "",
        f"Python {platform.python_version()}, {versions}. Wall time {wall:.0f} s for {len(paths)} notebooks, {jobs} at a time, "
        f"{seed_text}; expected ranges {'checked' if check_ranges else 'not checked (measuring them)'}.",
        "",
        "| notebook | time | result | headline figures |",
        "|---|---:|---|---|",
    ]
    for path in paths:
        r = results[path.name]
        verdict = f"**error** {r['error']}" if r["error"] else (f"**stderr** {'; '.join(r['stderr'])}" if r["stderr"] else "ok")
        if r["range_problems"]:
            verdict = ("" if verdict == "ok" else verdict + "; ") + f"**out of range** {'; '.join(r['range_problems'])}"
        elif check_ranges and not r["error"]:
            count = len(r["records"])
            verdict += f", {count} figure{'' if count == 1 else 's'} in range"
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
    run_parser.add_argument("environment", choices=["pinned", *ENVIRONMENTS])
    run_parser.add_argument("notebooks", nargs="*")
    run_parser.add_argument("--jobs", type=int, default=2)
    run_parser.add_argument("--seed", type=int, default=None, help="run with this seed instead of the notebooks' own (DL7_SEED)")
    run_parser.add_argument(
        "--no-range-check",
        dest="check_ranges",
        action="store_false",
        help="record the headline figures without judging them (to measure the ranges)",
    )
    args = parser.parse_args(argv)
    return run(args.environment, args.notebooks or None, args.jobs, args.seed, args.check_ranges)


if __name__ == "__main__":
    sys.exit(main())
