"""The command line ``python -m utils.data fetch|verify|list`` (``python course.py data ...`` runs it):

- ``fetch NAME...`` (or ``all``): every file the active profile needs of those datasets, verified;
- ``verify``: every cached file of the registry against its checksum (ok, CORRUPT or missing);
- ``list``: what each profile downloads and keeps, with sizes, and what is cached.

Exit status: 0 when all is well, 1 when ``verify`` finds a corrupt file, 2 on an error (its message
goes to standard error). Imports: ``errors``, ``registry``, ``cache``, ``availability``; ``utils.profiles``.
"""

from __future__ import annotations

import argparse
import sys

from utils.data.availability import (
    check_available,
    download_bytes,
    is_present,
    kept_bytes,
    megabytes,
    missing_files,
    needed_files,
    registry_file,
)
from utils.data.cache import cache_dir, ensure_file, file_status
from utils.data.errors import DataError
from utils.data.registry import REGISTRY, STEP_DATASETS, DerivedFrom, registry_files
from utils.profiles import active_profile


def fetch(name: str, profile=None) -> None:
    """Obtain and verify every file that ``profile`` (default: the active one) needs of the dataset
    ``name``; print ``ok  dataset/file`` for each. For CIFAR-10 the quick profile needs only the
    subset (the archive is downloaded to cut it from when neither is cached); the full profile, the archive."""
    for needed in needed_files(profile or active_profile(), [name]):
        ensure_file(*needed.split("/"))
        print(f"ok       {needed}")


def listing() -> str:
    """What ``python course.py data list`` prints: every file a profile needs, its download size,
    what it keeps on disk, whether it is present and which steps read it; then each profile's totals
    and, for each file cut from another, which one and that it stays."""
    from utils.profiles import PROFILES

    root = cache_dir()
    learners = [profile for profile in PROFILES.values() if profile.name != "smoke"]  # smoke reads quick's files
    needed = {profile.name: needed_files(profile) for profile in learners}
    lines = [f"Data cache: {root}", "", f"{'file':44} {'download':>10} {'on disk':>10}  {'cached':6}  {'steps':12} profiles"]
    every_file = list(dict.fromkeys(name for names in needed.values() for name in names))
    for name in every_file:
        steps = ",".join(str(step) for step, names in STEP_DATASETS.items() if name.split("/")[0] in names)
        profiles = ", ".join(p for p, names in needed.items() if name in names)
        cached = "yes" if is_present(name) else "no"
        download, on_disk = megabytes(download_bytes([name])), megabytes(kept_bytes([name]))
        lines.append(f"{name:44} {download:>10} {on_disk:>10}  {cached:6}  {steps:12} {profiles}")
    lines.append("")
    for profile in learners:
        names = needed[profile.name]
        still = download_bytes(missing_files(profile))
        lines.append(f"{profile.name} profile: a first run downloads {megabytes(download_bytes(names))} and keeps "
                     f"{megabytes(kept_bytes(names))}; this cache still lacks {megabytes(still)} of it.")
    for name in every_file:
        first = registry_file(name).sources[0]
        if isinstance(first, DerivedFrom):
            lines.append(f"{name} ({first.how}) is cut from {first.dataset}/{first.file}, which is downloaded for it once "
                         "and stays in the cache (delete it afterwards if you need the space).")
    return "\n".join(lines)


def verify() -> int:
    """Check every cached file of the registry against its checksum; print one line each
    (``ok``, ``CORRUPT`` or ``missing``). Returns the number of corrupt files."""
    print(f"Data cache: {cache_dir()}")
    bad = 0
    for dataset, data_file in registry_files():
        status = file_status(dataset.name, data_file.name)
        bad += status == "CORRUPT"
        print(f"{status:8} {dataset.name}/{data_file.name}")
    return bad


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m utils.data", description="Fetch and verify the course datasets.")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_parser = commands.add_parser("fetch", help="download and verify a dataset into the cache")
    fetch_parser.add_argument("names", nargs="+", choices=[*REGISTRY, "all"], metavar="name",
                              help=f"one or more of {', '.join(REGISTRY)}, or all")
    commands.add_parser("verify", help="check every cached file's checksum")
    commands.add_parser("list", help="what each profile downloads and keeps, with sizes, and what is cached")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            print(listing())
            return 0
        if args.command == "fetch":
            names = list(REGISTRY) if "all" in args.names else list(dict.fromkeys(args.names))
            check_available(datasets=names)  # offline: one message listing every missing file
            for name in names:
                fetch(name)
            return 0
        bad = verify()
        print("All present files are intact." if not bad else f"{bad} file(s) are corrupt: fetch them again.")
        return 1 if bad else 0
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
