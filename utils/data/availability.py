"""What a profile needs from the cache, what it lacks, what fetching that costs, and the check a
notebook's set-up makes before any training.

Files are named ``dataset/file`` (``"mnist/t10k-labels-idx1-ubyte.gz"``). Every file is treated the
same way, whatever its sources: a file counts as present when it is cached, or when it is cut from
a file that is present (so the quick profile's CIFAR-10 subset is present when the archive is); a
first fetch of a file downloads what its first source downloads (for the subset: the archive), and
keeps that and the file itself. Only presence is checked here; checksums are checked on reading.

Imports: ``errors``, ``registry``, ``cache``; ``utils.settings``, ``utils.profiles``.
"""

from __future__ import annotations

from utils import settings
from utils.data.cache import cache_dir, fetch_command
from utils.data.errors import DatasetUnavailableError
from utils.data.registry import DataFile, DerivedFrom, Source, dataset_named, registry_files
from utils.profiles import active_profile


def registry_file(name: str) -> DataFile:
    """The registry entry of ``dataset/file``."""
    dataset_name, file_name = name.split("/")
    return dataset_named(dataset_name).file(file_name)


def needed_files(profile=None, datasets=None) -> list[str]:
    """The files (``dataset/file``) that ``datasets`` (default: all) need in ``profile`` (default: the
    active one), in registry order. An unknown dataset name fails with the list of known ones."""
    profile = profile or active_profile()
    return [f"{dataset.name}/{data_file.name}" for dataset, data_file in registry_files(datasets) if data_file.needed_by(profile.name)]


def is_present(name: str) -> bool:
    """Whether ``dataset/file`` is cached, or can be cut from a file that is present."""
    if (cache_dir() / name).is_file():
        return True
    return any(isinstance(source, DerivedFrom) and is_present(f"{source.dataset}/{source.file}") for source in registry_file(name).sources)


def missing_files(profile=None, datasets=None) -> list[str]:
    """The files of ``needed_files(profile, datasets)`` that are not present (see ``is_present``)."""
    return [name for name in needed_files(profile, datasets) if not is_present(name)]


def downloaded_files(name: str) -> list[str]:
    """The files a first fetch of ``dataset/file`` downloads: the file itself, or what the file its
    first source cuts it from downloads."""
    first = registry_file(name).sources[0]
    return downloaded_files(f"{first.dataset}/{first.file}") if isinstance(first, DerivedFrom) else [name]


def kept_files(name: str) -> list[str]:
    """The files that stay in the cache once ``dataset/file`` is fetched: itself and what it is cut from."""
    first = registry_file(name).sources[0]
    return [name, *(kept_files(f"{first.dataset}/{first.file}") if isinstance(first, DerivedFrom) else [])]


def download_bytes(names: list[str]) -> int:
    """How many bytes a first fetch of the files ``names`` downloads (a file shared by two counts once)."""
    return sum(registry_file(name).size for name in dict.fromkeys(d for n in names for d in downloaded_files(n)))


def kept_bytes(names: list[str]) -> int:
    """How many bytes the files ``names`` occupy in the cache once fetched, with what they are cut from."""
    return sum(registry_file(name).size for name in dict.fromkeys(k for n in names for k in kept_files(n)))


def megabytes(size: int) -> str:
    """A size for people: ``170.5 MB``, or ``28.9 kB`` below a tenth of a megabyte."""
    return f"{size / 1e6:,.1f} MB" if size >= 100_000 or size == 0 else f"{size / 1e3:,.1f} kB"


def check_available(profile=None, datasets=None) -> None:
    """Fail at once, before any training, if ``datasets`` (default: every dataset; a notebook passes
    the ones it reads, ``STEP_DATASETS``) need files in ``profile`` that are missing and cannot be
    downloaded (the offline setting is on, or their hosts cannot be resolved). The message lists every
    missing file and the command that fetches them. Otherwise say what will be downloaded on first use."""
    import socket
    from urllib.parse import urlparse

    profile = profile or active_profile()
    missing = missing_files(profile, datasets)
    if not missing:
        return
    downloads = [registry_file(name) for name in dict.fromkeys(d for n in missing for d in downloaded_files(n))]
    hosts = {urlparse(source.url).hostname or source.url for data_file in downloads for source in data_file.sources if isinstance(source, Source)}
    if settings.OFFLINE.is_on():
        reason = f"{settings.OFFLINE.name} is set"
    else:
        reason = None
        for host in sorted(hosts):
            try:
                socket.getaddrinfo(host, 443)
                break  # one reachable host is enough to try downloading
            except OSError:
                continue
        else:
            reason = "no network: none of their hosts can be found"
    fetch = fetch_command(dict.fromkeys(name.split("/")[0] for name in missing), profile)
    size = download_bytes(missing)
    if reason:
        listing = "\n".join(f"  - {name}" for name in missing)
        raise DatasetUnavailableError(
            f"The {profile.name} profile needs {len(missing)} file(s) that the data cache ({cache_dir()}) lacks, "
            f"and nothing can be downloaded ({reason}):\n{listing}\n"
            f"Fetch them when you are online ({megabytes(size)} to download), from the course folder, with:\n    {fetch}"
            + (f"\nor run the quick profile (unset {settings.PROFILE.name})." if profile.name != "quick" else "")
        )
    print(f"Note: {', '.join(missing)} will be downloaded on first use ({megabytes(size)}; or now: {fetch}).")
