"""Measure the expected range of every headline figure, and write the table the notebooks read.

    python -m tools.ranges measure [NOTEBOOK ...] [--seeds 0 1 2] [--matrix-seeds 0] [--environments pinned colab newest oldest]
    python -m tools.ranges write
    python -m tools.ranges widen      # after a floor or bound in utils.expected.FIGURES changed

``measure`` runs every notebook once per seed (``--seeds``) in the pinned environment, here in this
interpreter, and once per ``--matrix-seeds`` in each other environment, through ``python course.py matrix``, recording the figures that
``utils.expected.judge`` is given into ``artifacts/ranges/ENV/seed-S.jsonl``. ``write`` reads every
recorded figure there and writes ``utils/expected_ranges.json`` and the README's table of ranges.
``python course.py ranges`` does both.

The rule, for each figure (``utils.expected.Figure.widened``): the lowest and highest value seen,
widened on each side by half their spread and at least by the figure's floor, but never past what the
figure can be (an accuracy above 100%, an error below 0): a few runs under-state how far a figure can
move on another machine, and a range as tight as the runs seen would call normal results abnormal.

Where a range comes from: the values seen are measured (``measure``; never typed in); the floor and the
bounds are edited in one place, ``utils.expected.FIGURES``; the JSON and the README's table are
generated (``write``, or ``widen`` after a floor changed) and a test fails when they were edited by hand.

After a change to some notebooks, measure only those (name them after ``measure``): ``write`` then
replaces the ranges of the figures recorded and keeps the stored entry of every figure that no record
covers, and says which it kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from utils import ROOT
from utils.expected import FIGURES, RANGES_FILE
from utils.tested_environments import ENVIRONMENTS

RECORDS = ROOT / "artifacts" / "ranges"
README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- expected ranges: start (python course.py ranges writes this table) -->", "<!-- expected ranges: end -->"
DEFAULT_SEEDS = (0, 1, 2)
DEFAULT_MATRIX_SEEDS = (0,)
ALL_ENVIRONMENTS = ("pinned", *ENVIRONMENTS)


def measure(seeds=DEFAULT_SEEDS, environments=ALL_ENVIRONMENTS, notebooks=(), matrix_seeds=DEFAULT_MATRIX_SEEDS) -> int:
    """Run the notebooks (all, or those named) for every seed in the pinned environment and every matrix
    seed in the others, recording their figures (not judging them)."""
    failures = 0
    for environment in environments:
        for seed in seeds if environment == "pinned" else matrix_seeds:
            options = [*notebooks, "--seed", str(seed), "--no-range-check"]
            if environment == "pinned":
                command = [sys.executable, "-m", "tools.matrix", "run", "pinned", *options]
            else:
                command = [sys.executable, str(ROOT / "course.py"), "matrix", environment, "--", *options]
            print(f"== {environment}, seed {seed}: {' '.join(command[1:])}", flush=True)
            failures += subprocess.run(command, cwd=ROOT).returncode != 0
    return 1 if failures else 0


def collect(folder: Path = RECORDS) -> list[dict]:
    """Every figure recorded under ``folder`` (one JSON object per line, with its environment)."""
    found = []
    for path in sorted(Path(folder).glob("*/seed-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line))
    return found


def table(records: list[dict]) -> dict:
    """The ranges, by profile and figure, from the recorded figures (see the module's rule)."""
    profiles: dict[str, dict] = {}
    for record in records:
        if record["key"] in FIGURES:
            profiles.setdefault(record["profile"], {}).setdefault(record["key"], []).append(record)
    result: dict = {
        "rule": "lowest and highest value seen, each widened by half their spread, and at least by the figure's floor "
        "(never past 0, or 100% for a share)",
        "profiles": {},
    }
    for profile, by_key in sorted(profiles.items()):
        entries = {}
        for key in FIGURES:  # the course's order
            if key not in by_key:
                continue
            values = [r["value"] for r in by_key[key]]
            seen_low, seen_high = min(values), max(values)
            low, high = FIGURES[key].widened(seen_low, seen_high)
            entries[key] = {
                "low": low,
                "high": high,
                "seen_low": seen_low,
                "seen_high": seen_high,
                "runs": len(values),
                "environments": sorted({r["environment"] for r in by_key[key]}),
                "seeds": sorted({r["seed"] for r in by_key[key] if r.get("seed") is not None}),
            }
        result["profiles"][profile] = entries
    return result


def markdown(ranges: dict, profile: str = "quick") -> str:
    """The README's table: each figure, the values seen and the expected range."""
    lines = ["| headline figure (quick profile) | seen | runs | expected range |", "|---|---|---:|---|"]
    for key, entry in ranges.get("profiles", {}).get(profile, {}).items():
        figure = FIGURES[key]
        lines.append(
            f"| {figure.label} | {figure.format(entry['seen_low'])} to {figure.format(entry['seen_high'])} | {entry['runs']} "
            f"| {figure.format(entry['low'])} to {figure.format(entry['high'])} |"
        )
    entries = list(ranges.get("profiles", {}).get(profile, {}).values())
    if entries:
        environments = sorted({e for entry in entries for e in entry["environments"]})
        seeds = sorted({s for entry in entries for s in entry["seeds"]})
        lines += [
            "",
            f"Measured over seeds {', '.join(map(str, seeds))} in the environments {', '.join(environments)} "
            f"(`python course.py ranges`); {ranges['rule']}.",
        ]
    return "\n".join(lines)


def rewiden(ranges: dict) -> dict:
    """The table with every range widened again from its values seen, by the figures' current floors and
    bounds (``utils.expected.FIGURES``): after a floor is changed, no re-measurement is needed."""
    for entries in ranges.get("profiles", {}).values():
        for key, entry in entries.items():
            entry["low"], entry["high"] = FIGURES[key].widened(entry["seen_low"], entry["seen_high"])
    return ranges


def keep_unmeasured(ranges: dict, stored: dict) -> list[str]:
    """Put into ``ranges`` the stored entry of each figure that it lacks (in the course's order); the
    figures kept."""
    kept = []
    for profile, old in stored.get("profiles", {}).items():
        new = ranges["profiles"].setdefault(profile, {})
        for key in [k for k in FIGURES if k in old and k not in new]:
            new[key] = old[key]
            kept.append(f"{key} ({profile})")
        ranges["profiles"][profile] = {k: new[k] for k in FIGURES if k in new}
    return kept


def write(records: list[dict] | None = None, ranges: dict | None = None) -> dict:
    """Write ``utils/expected_ranges.json`` and the README's table from the recorded figures (or from
    ``ranges``, a table already made). A figure that no record covers keeps its stored range."""
    if ranges is None:
        records = collect() if records is None else records
        if not records:
            raise SystemExit(f"No recorded figures under {RECORDS.relative_to(ROOT)}: run `python -m tools.ranges measure` first.")
        ranges = table(records)
        if RANGES_FILE.exists():
            kept = keep_unmeasured(ranges, json.loads(RANGES_FILE.read_text(encoding="utf-8")))
            if kept:
                print(f"kept the stored ranges of the figures not measured this time: {', '.join(kept)}")
    missing = [key for key in FIGURES if key not in ranges["profiles"].get("quick", {})]
    if missing:
        print(f"warning: no figure recorded for {', '.join(missing)}; they will say 'no expected range'")
    temporary = RANGES_FILE.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(ranges, indent=1) + "\n", encoding="utf-8")
    temporary.replace(RANGES_FILE)
    text = README.read_text(encoding="utf-8")
    if TABLE_START in text and TABLE_END in text:
        before, rest = text.split(TABLE_START, 1)
        after = rest.split(TABLE_END, 1)[1]
        README.write_text(f"{before}{TABLE_START}\n{markdown(ranges)}\n{TABLE_END}{after}", encoding="utf-8")
    else:
        print(f"warning: README.md has no {TABLE_START!r} marker; its table was not written")
    print(markdown(ranges))
    print(f"\nwritten: {RANGES_FILE.relative_to(ROOT)}")
    return ranges


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ranges", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measure_parser = commands.add_parser("measure", help="run the notebooks over seeds and environments, recording their figures")
    measure_parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS), help="the seeds of the pinned environment")
    measure_parser.add_argument("--matrix-seeds", type=int, nargs="+", default=list(DEFAULT_MATRIX_SEEDS), help="the seeds of the others")
    measure_parser.add_argument("--environments", nargs="+", default=list(ALL_ENVIRONMENTS), choices=list(ALL_ENVIRONMENTS))
    measure_parser.add_argument("notebooks", nargs="*", help="only these notebooks (file names); all by default")
    commands.add_parser("write", help="write utils/expected_ranges.json and the README's table from what was recorded")
    commands.add_parser("widen", help="after a floor or bound in utils.expected.FIGURES changed: widen the stored values seen again")
    args = parser.parse_args(argv)
    if args.command == "measure":
        return measure(args.seeds, args.environments, args.notebooks, args.matrix_seeds)
    if args.command == "widen":
        write(ranges=rewiden(json.loads(RANGES_FILE.read_text(encoding="utf-8"))))
        return 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
