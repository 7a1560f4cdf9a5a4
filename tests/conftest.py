"""Shared test set-up.

Tests never touch a learner's progress record: DL7_PROGRESS points at a temporary file for this
process and the kernels it starts.

Tests never download: DL7_OFFLINE=1 is set for this process and the notebook kernels nbval
starts, so a missing dataset fails at once with the clear message. The data come from the cache
named by DL7_DATA_DIR (CI points it at ../shared/data) or from data/ (`python course.py data fetch all`).
"""

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import matplotlib
import pytest

from utils import settings  # a leaf module: importing it starts nothing

os.environ.setdefault(settings.OFFLINE.name, "1")
# A progress record of the tests' own (inherited by the notebook kernels nbval starts), so that no
# test reads or changes a learner's record, and the notebooks' progress cells print a fresh state.
os.environ[settings.PROGRESS.name] = os.path.join(tempfile.mkdtemp(prefix="dl7-test-progress-"), "progress.json")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The stored outputs are a CPU's: on a machine with a GPU, TensorFlow (here and in every kernel the
# tests start) is kept on the CPU, so that nbval reproduces them there too.
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# The notebooks' own seeds, and no figures file: the stored outputs were made so.
os.environ.pop(settings.SEED.name, None)
os.environ.pop(settings.RECORD.name, None)
matplotlib.use("Agg")  # this process only; notebook kernels keep their inline backend


@pytest.fixture(autouse=True)
def own_progress_record(tmp_path_factory, monkeypatch):
    """Each test checks, hints and shows solutions into a progress record of its own, starting from no
    hints seen: nothing it does shows in the notebooks' progress cells, which nbval compares (their
    kernels use the session's record above)."""
    from utils import exercises

    monkeypatch.setenv(settings.PROGRESS.name, str(tmp_path_factory.mktemp("progress") / "progress.json"))
    monkeypatch.setattr(exercises, "_hints_seen", {})
    monkeypatch.setattr(exercises, "_last_checked", {})


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """An empty data cache in use for one test, with downloads allowed (the tests serve them on loopback)."""
    from utils import settings

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv(settings.DATA_DIR.name, str(cache))
    monkeypatch.delenv(settings.OFFLINE.name, raising=False)
    return cache


def stop_process_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started (JupyterLab
    and its kernels): politely first, then by force."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=timeout)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def register_dataset(monkeypatch, name: str, files: tuple):
    """Add a dataset of ``files`` (``utils.data.DataFile``) to the registry for one test."""
    from utils import data

    dataset = data.Dataset(name=name, title=f"Test set {name}", citation="-", homepage="-", files=files)
    monkeypatch.setitem(data.REGISTRY, name, dataset)
    return dataset


def files_under(folder: Path) -> list[str]:
    """The names of every file in a folder tree (a cache that must stay empty is checked with it)."""
    return sorted(p.name for p in Path(folder).rglob("*") if p.is_file())


def unfinished_files(folder: Path) -> list[str]:
    """Files in a folder tree that are temporary or partial downloads (a hidden name, .part, .tmp)."""
    return [name for name in files_under(folder) if name.startswith(".") or name.endswith((".part", ".tmp"))]


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The book (``python course.py book``) built once per test session into a temporary folder:
    (the folder, the seconds the build took). Skipped where Sphinx is not installed (Python 3.10)."""
    import time

    pytest.importorskip("sphinx", reason="the book needs Sphinx (requirements.txt installs it on Python 3.11 or later)")
    from tools.book.build import build

    folder = tmp_path_factory.mktemp("book") / "site"
    started = time.perf_counter()
    build(folder)
    return folder, time.perf_counter() - started


_SESSION_STARTED = __import__("time").time()


def pytest_terminal_summary(terminalreporter):
    """The book's accessibility audit, when this session ran it (test_book_browser.py writes it; with
    pytest-xdist a worker does, so the figures are printed here, where every log shows them)."""
    from utils import ROOT

    report = ROOT / "artifacts" / "book" / "accessibility.md"
    if report.is_file() and report.stat().st_mtime >= _SESSION_STARTED:
        terminalreporter.section("the book's accessibility audit (axe-core)")
        terminalreporter.write(report.read_text())


#: The slowest test files, slowest first (from the ``--durations`` lines of a CI run: the browser test takes about
#: 10 minutes of one worker, each notebook under nbval or the labs harness 1-4 minutes). They are handed out first,
#: so that with ``--dist loadfile`` the two workers end together, instead of one of them running the browser test
#: alone at the end while the other waits.
SLOWEST_FIRST = (
    "tests/test_browser.py",
    "notebooks/07_further_topics.ipynb",
    "notebooks/05_cnns_and_computer_vision.ipynb",
    "tests/test_labs_step07.py",
    "tests/test_labs_step03.py",
    "notebooks/06_rnns_and_language.ipynb",
    "tests/test_labs_step06.py",
    "tests/test_labs_step05.py",
    "notebooks/04_getting_practical.ipynb",
    "notebooks/03_backprop_and_gradient_descent.ipynb",
    "tests/test_labs_step04.py",
)


def pytest_collection_modifyitems(items):
    """The slowest files first (:data:`SLOWEST_FIRST`); every other file, and the tests within each file, keep
    their order."""
    rank = {path: position for position, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
