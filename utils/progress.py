"""Your progress through the labs: every check's verdict, kept in a small JSON file of your own
(``utils.exercises.report`` shows it: ``python course.py progress``).

The file lives in your per-user data folder (``platformdirs.user_data_path``; on Linux
``~/.local/share/seven-steps-deep-learning/progress.json``), or wherever ``DL7_PROGRESS`` points;
never inside the course folder, so updating the course keeps it. Each record holds a lab's latest
verdict, when it was first solved, how many checks and hints it took, whether the solution was
shown, and the source of the answer that passed (so that a later step can use your own function,
as step 3 uses your step-2 numerical gradient). In Colab it lives in the session and is lost when
the runtime is recycled.

Writes are atomic (a temporary file moved into place) and serialised by a lock file, so two
notebooks checking at once lose nothing. A corrupt or unwritable file gives one warning; the
check still answers.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import tempfile
import time
from pathlib import Path

from utils import settings

APP_NAME = "seven-steps-deep-learning"
FORMAT = 1


_warned: set[str] = set()


def _warn_once(kind: str, message: str) -> None:
    """Print one warning per kind of problem and process: the check itself goes on."""
    if kind not in _warned:
        _warned.add(kind)
        print(f"⚠ {message}", flush=True)


def path() -> Path:
    """The progress file: ``DL7_PROGRESS``, else ``progress.json`` in the per-user data folder."""
    chosen = settings.PROGRESS.value()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "progress.json"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _empty() -> dict:
    return {"format": FORMAT, "labs": {}}


def _read(file: Path, repair: bool) -> dict:
    """The record in ``file``; an empty one when there is none. A corrupt file is moved aside (when
    ``repair``) and reported once."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    except OSError as exc:
        _warn_once("read", f"Your progress file could not be read ({exc.strerror or exc}); checks still work, progress is not shown.")
        return _empty()
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("labs"), dict):
            raise ValueError("not a progress record")
    except ValueError:
        aside = file.with_name(file.name + ".corrupt")
        moved = ""
        if repair:
            with contextlib.suppress(OSError):
                os.replace(file, aside)
                moved = f" It was moved to {aside.name} beside it, and a new record started."
        _warn_once("corrupt", f"Your progress file {file.name} was damaged (not a valid record).{moved}")
        return _empty()
    return data


@contextlib.contextmanager
def _locked(file: Path, timeout: float = 10.0):
    """Hold an exclusive lock on ``file``'s lock file (``progress.json.lock``) for the block."""
    lock_path = file.with_name(file.name + ".lock")
    handle = open(lock_path, "a+b")  # noqa: SIM115 - closed below
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if os.name == "nt":  # pragma: no cover - Windows
                    import msvcrt

                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
                else:
                    import fcntl

                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another process holds {lock_path.name}") from None
                time.sleep(0.02)
        yield
    finally:
        handle.close()  # closing releases the lock


def _write(file: Path, data: dict) -> None:
    """Replace ``file`` with ``data`` atomically: a reader sees the old record or the new one."""
    descriptor, temporary = tempfile.mkstemp(dir=file.parent, prefix=file.name + ".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def update(name: str, change) -> None:
    """Apply ``change(entry)`` to lab ``name``'s entry under the lock and save. Never raises: a
    file that cannot be written is reported once."""
    file = path()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with _locked(file):
            data = _read(file, repair=True)
            entry = data["labs"].setdefault(name, {})
            change(entry)
            _write(file, data)
    except (OSError, TimeoutError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        _warn_once(
            "write",
            f"Your progress could not be saved ({reason}). The checks still work; to keep a record, "
            f"set {settings.PROGRESS} to a file in a folder you can write to.",
        )


def record_check(exercise, status: str, source: str | None = None) -> None:
    """Record one check of ``exercise``: its verdict, the time, and the passing answer's source."""

    def change(entry):
        now = _now()
        entry.update(step=exercise.step, kind=exercise.kind, title=exercise.title, status=status, last_checked=now)
        entry["checks"] = entry.get("checks", 0) + 1
        if status in ("correct", "wrong"):
            entry["verdict"] = status  # the latest real verdict (a stub run again is not one)
        if status == "correct":
            entry.setdefault("solved", now)
            if source:
                entry["source"] = source
        elif status == "wrong":
            entry["wrong_checks"] = entry.get("wrong_checks", 0) + 1

    update(exercise.name, change)


def record_help(exercise, hints: int | None = None, solution_shown: bool = False) -> None:
    """Record that a hint (the highest level seen so far) or the solution was shown."""

    def change(entry):
        entry.update(step=exercise.step, kind=exercise.kind, title=exercise.title)
        if hints is not None:
            entry["hints"] = max(entry.get("hints", 0), hints)
        if solution_shown:
            entry["solution_shown"] = True

    update(exercise.name, change)


def load() -> dict:
    """The whole record (``{"format": 1, "labs": {name: entry}}``); never raises."""
    return _read(path(), repair=False)


def state(entry: dict | None) -> str:
    """ "done" (the latest answer checked passed), "attempted" (the latest answer checked is wrong, whether
    or not an earlier one passed: :func:`passed_before` tells) or "not started" (no answer checked yet)."""
    if not entry:
        return "not started"
    latest = entry.get("verdict") or ("correct" if entry.get("solved") else "wrong" if entry.get("wrong_checks") else None)
    return {"correct": "done", "wrong": "attempted"}.get(latest or "", "not started")


def passed_before(entry: dict | None) -> bool:
    """Whether an earlier answer passed a lab whose latest answer is wrong."""
    return bool(entry and entry.get("solved")) and state(entry) == "attempted"


def saved_source(name: str) -> str | None:
    """The source of the answer that last passed lab ``name``, if the record has one."""
    entry = load()["labs"].get(name) or {}
    return entry.get("source") if entry.get("solved") else None
