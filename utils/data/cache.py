"""The data cache: its folder, and the one path by which any file of the registry gets there, verified.

``ensure_file(dataset, file)`` returns the path of a copy whose checksum matches the registry. A
cached copy that does not match is reported and never used. Otherwise the file's sources are tried
in order (the first that works wins; the reasons of those that failed go into the error):

- a download: ``pooch.retrieve`` with ``pooch.HTTPDownloader`` (progress bar, timeout), into a
  scratch folder inside the cache. pooch checks a file SHA-256 while it downloads; other checksums
  are checked here afterwards. Only then is the file moved into place, so an interrupted download
  never leaves a half-written file;
- one member of a downloaded archive, read in memory (nothing from an archive is extracted, so no
  path inside it can reach the disk), checked, and written atomically;
- a derivation from another registry file (``DerivedFrom``): that file is ensured first (which may
  download it), the new bytes are cut from it, checked, and written atomically. Offline, a file cut
  from a cached file is still made. A cache that cannot be written still works for it: the file is
  kept in a temporary folder until Python exits.

With the offline setting on, nothing is downloaded: a missing file gives one error naming the
dataset, the file, its addresses and the command that fetches it. ``file_status`` is what
``verify`` reports for one file.

Imports: ``errors``, ``readers``, ``registry``; ``utils.settings``, ``utils.paths``, ``utils.profiles``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from utils import settings
from utils.data.errors import CorruptDataError, DataError, DatasetUnavailableError
from utils.data.readers import read_member
from utils.data.registry import REGISTRY, DataFile, Dataset, DerivedFrom, Source, dataset_named
from utils.paths import ROOT
from utils.profiles import active_profile

#: Download timeouts in seconds: (to connect, between two packets).
TIMEOUT = (10, 60)

#: The command that fetches data from wherever the user stands: ``course.py`` finds (or makes) the
#: course's environment itself, whereas ``python -m utils.data`` works only inside it.
FETCH_COMMAND = "python course.py data fetch"

# Where files cut from a cached file go when the cache cannot be written (made on first need).
_session_folder: tempfile.TemporaryDirectory | None = None


def cache_dir() -> Path:
    """The cache folder: the data-folder setting (``settings.DATA_DIR``) if set, where a relative path
    counts from the repository root (so it means the same in a shell and in a notebook kernel), else
    ``<repository>/data``."""
    configured = settings.DATA_DIR.value()
    return (ROOT / Path(configured).expanduser()).resolve() if configured else ROOT / "data"


def fetch_command(names=None, profile=None) -> str:
    """The command to run from the repository root to fetch ``names`` (default: every dataset) for
    ``profile`` (default: the active one), e.g. ``python course.py data fetch mnist``, or with the
    profile setting in front for the full profile."""
    profile = profile or active_profile()
    names = list(REGISTRY) if names is None else list(dict.fromkeys(names))
    what = "all" if set(names) == set(REGISTRY) else " ".join(names)
    return f"{f'{settings.PROFILE.name}=full ' if profile.name == 'full' else ''}{FETCH_COMMAND} {what}"


def file_status(dataset_name: str, file_name: str) -> str:
    """``"ok"``, ``"CORRUPT"`` or ``"missing"``: the cached copy of a registry file against its checksum."""
    data_file = dataset_named(dataset_name).file(file_name)
    path = cache_dir() / dataset_name / file_name
    if not path.is_file():
        return "missing"
    return "ok" if data_file.checksum.mismatch(path) is None else "CORRUPT"


def ensure_file(dataset_name: str, file_name: str) -> Path:
    """The path of a verified copy of one registry file, obtained from its sources if needed.

    A cached file whose checksum does not match is reported and obtained again; it is never used.
    Raises ``DatasetUnavailableError`` when no source works, ``DataError`` when the cache cannot be
    written, ``CorruptDataError`` when a file it is cut from cannot be read."""
    dataset = dataset_named(dataset_name)
    data_file = dataset.file(file_name)
    target = cache_dir() / dataset.name / data_file.name
    corrupt = None
    if target.is_file():
        corrupt = data_file.checksum.mismatch(target)
        if corrupt is None:
            return target
        print(f"{dataset.title}: the cached '{data_file.name}' {corrupt}; it will not be used. Fetching it again.")
    return _obtain(dataset, data_file, target, corrupt)


def _obtain(dataset: Dataset, data_file: DataFile, target: Path, corrupt: str | None = None) -> Path:
    """Try each source of ``data_file`` in order; the path of the verified result, or the error
    (``corrupt``: what is wrong with the copy already in the cache, if there is one)."""
    offline = settings.OFFLINE.is_on()
    reasons = []
    if offline and any(isinstance(source, Source) for source in data_file.sources):
        reasons.append(f"{settings.OFFLINE.name} is set, so nothing is downloaded")
    for source in data_file.sources:
        if isinstance(source, DerivedFrom):
            try:
                return _derive(dataset, data_file, source, target)
            except DatasetUnavailableError as exc:
                why = "; ".join(exc.reasons) or "it is unavailable"
                reasons.append(f"it is cut from {source.dataset}/{source.file}, which is not cached and cannot be obtained: {why}")
        elif not offline:
            reason = _download(dataset, data_file, source, target)
            if reason is None:
                return target
            reasons.append(reason)
    raise _unavailable(dataset, data_file, target, reasons, corrupt)


def _download(dataset: Dataset, data_file: DataFile, source: Source, target: Path) -> str | None:
    """Download ``data_file`` from ``source`` into ``target``, verified and atomically. Returns
    ``None`` on success, else why this source failed; raises ``DataError`` if the cache is not writable."""
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # we print our own one-line messages
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"Cannot create the data cache folder {target.parent}: {exc}. Point {settings.DATA_DIR.name} at a folder you can write to."
        ) from None
    print(f"Downloading {dataset.title}: {data_file.name} from {source.url}")
    downloader = pooch.HTTPDownloader(progressbar=True, timeout=TIMEOUT)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as scratch:
            # pooch downloads to a temporary file, checks the known hash (when there is one) and only
            # then renames it to ``download`` in the scratch folder.
            known_hash = data_file.checksum.pooch_hash if source.member is None else None
            downloaded = Path(pooch.retrieve(source.url, known_hash=known_hash, fname="download", path=scratch, downloader=downloader))
            if source.member is None:
                if known_hash is None and (problem := data_file.checksum.mismatch(downloaded)):
                    raise CorruptDataError(f"the downloaded file {problem}")
                os.replace(downloaded, target)
            else:
                content = read_member(downloaded, source.member)
                if problem := data_file.checksum.mismatch(content):
                    raise CorruptDataError(f"the member {source.member} {problem}")
                write_atomically(target, content)
        return None
    except requests.exceptions.RequestException as exc:
        return f"{source.url}: {type(exc).__name__} (no network, or the address does not answer)"
    except ValueError as exc:  # pooch's checksum mismatch
        return f"{source.url}: downloaded bytes have the wrong checksum ({exc})"
    except CorruptDataError as exc:
        return f"{source.url}: {exc}"
    except PermissionError as exc:
        raise DataError(
            f"Cannot write into the data cache {target.parent} ({exc.strerror}). "
            f"Point {settings.DATA_DIR.name} at a folder you can write to."
        ) from None
    except OSError as exc:
        raise DataError(f"Cannot write into the data cache {target.parent}: {exc}") from None


def _derive(dataset: Dataset, data_file: DataFile, source: DerivedFrom, target: Path) -> Path:
    """Cut ``data_file`` from the registry file ``source`` names (ensured first), check it, store it."""
    parent = ensure_file(source.dataset, source.file)
    content = source.derive(parent)
    if problem := data_file.checksum.mismatch(content):
        raise CorruptDataError(
            f"{dataset.title}: the {data_file.name} cut from {source.file} {problem}: the registry and that file disagree."
        )
    try:
        write_atomically(target, content)
        return target
    except OSError as exc:
        global _session_folder
        if _session_folder is None:
            _session_folder = tempfile.TemporaryDirectory(prefix="dl7-data-")
        kept = Path(_session_folder.name) / dataset.name / data_file.name
        write_atomically(kept, content)
        print(
            f"Note: the data cache {target.parent} cannot be written ({exc.strerror or exc}), "
            f"so {data_file.name} is kept in {kept.parent} until Python exits."
        )
        return kept


def _unavailable(
    dataset: Dataset, data_file: DataFile, target: Path, reasons: list[str], corrupt: str | None = None
) -> DatasetUnavailableError:
    addresses = "\n".join(f"  - {source.describe()}" for source in data_file.sources)
    why = "\n".join(f"  - {reason}" for reason in reasons)
    where = (
        f"is in the data cache ({target.parent}) but corrupt (it {corrupt}), so it is not used, and a good copy"
        if corrupt
        else f"is not in the data cache ({target.parent}) and"
    )
    return DatasetUnavailableError(
        f"{dataset.title}: the file '{data_file.name}' {where} could not be downloaded.\n{why}\nIt is published at:\n{addresses}\n"
        f"When you are online, fetch it from the repository root with:\n    {fetch_command([dataset.name])}\n"
        f"or copy the file there yourself (expected {data_file.checksum}).",
        tuple(reasons),
    )


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename, so that
    ``target`` is never seen half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
