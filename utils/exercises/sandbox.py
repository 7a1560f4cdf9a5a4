"""Running a learner's answer so that nothing it does escapes the check: a time limit it cannot catch,
exits and interrupts turned into results, its printing captured and capped, the random generators put
back as they were, and its inputs compared afterwards to see whether it changed them in place.

:func:`run` is what the checkers call; :func:`time_limit` is the time limit on its own.
"""

from __future__ import annotations

import contextlib
import copy as copy_module
import ctypes
import dataclasses
import io
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: How often the time limit strikes again once it has run out, in seconds.
REPEAT = 0.01
#: What a check shows of an answer's printing: at most this many lines and characters.
SHOWN_LINES, SHOWN_CHARACTERS = 12, 1500
#: Frames of these files are the checker's own: the time limit never strikes inside them.
_OWN_FILES = {__file__, contextlib.__file__, str(Path(__file__).with_name("core.py"))}


class OutOfTime(BaseException):
    """Raised inside learner code that runs past its time limit (a BaseException, so that a learner's
    ``except Exception`` cannot swallow it; and raised again at every line once the time is up, so that
    ``except BaseException: pass`` cannot either)."""


def _strike(frame: Any, event: str, arg: Any) -> Any:
    """A trace function for the answer's frames once its time is up: every line raises OutOfTime.
    Raised inside an ``except`` or ``finally`` block, the exception leaves that block, so a loop that
    catches everything is left within a line or two."""
    if frame.f_code.co_filename in _OWN_FILES:
        return None
    if event == "line":
        raise OutOfTime()
    return _strike


def _trace_answer_frames(frame: Any) -> None:
    """Make every running frame of the answer (below the checker's own) raise at its next line. When the
    timer strikes inside the trace function itself, start at the answer's frame it was called for."""
    if frame is not None and frame.f_code is _strike.__code__:
        frame = frame.f_back  # the answer's frame that the trace function was called for
    while frame is not None and frame.f_code.co_filename not in _OWN_FILES:
        frame.f_trace = _strike
        frame.f_trace_lines = True
        frame = frame.f_back


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`OutOfTime` after ``seconds``, whatever the code in it catches.

    In the main thread of a Unix process (a Jupyter kernel, pytest) a timer signal interrupts even a
    ``time.sleep`` and strikes again every 10 ms; the answer's frames then raise at every line, so
    that code which catches every exception and goes on is still stopped (within twice the limit).
    Elsewhere an asynchronous exception is sent to the thread every 50 ms, which interrupts any Python
    loop at its next step.
    """
    if not seconds:
        yield
        return
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        previous_trace, active, strikes, owed = sys.gettrace(), [True], [0], [False]
        give_up = time.monotonic() + 1.5 * seconds

        def _alarm(signum: int, frame: Any) -> None:
            if not active[0]:  # delivered late, as the block ended
                return
            # Python drops a trace function that raises, so each strike re-installs it: the answer then
            # raises at its next line, which leaves at least one except block each time. Only every
            # tenth strike raises here too (to interrupt a sleep or a long NumPy call): a raise that
            # lands inside a try would otherwise undo the progress. The next strike is armed only now,
            # at the end of this one, so that strikes never pile up inside each other on a busy machine.
            sys.settrace(_strike)
            _trace_answer_frames(frame)
            strikes[0] += 1
            signal.setitimer(signal.ITIMER_REAL, REPEAT)
            # A raise here while the trace function itself runs would make Python drop the trace: wait for
            # the answer's own code. Past twice the limit, raise at every strike that lands there.
            if frame is not None and frame.f_code.co_filename in _OWN_FILES:
                owed[0] = True
                return
            if owed[0] or strikes[0] % 10 == 1 or time.monotonic() > give_up:
                owed[0] = False
                raise OutOfTime()

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            while True:  # a signal still pending strikes here at most once more: then start again
                try:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    sys.settrace(previous_trace)
                    active[0] = False
                    break
                except OutOfTime:
                    continue
            signal.signal(signal.SIGALRM, previous)
        return
    target = ctypes.c_ulong(threading.get_ident())
    lock, state = threading.Lock(), {"done": False, "fired": False}

    def _interrupt() -> None:
        with lock:  # never after the block has ended
            if state["done"]:
                return
            state["fired"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(OutOfTime))
        again = threading.Timer(REPEAT, _interrupt)
        again.daemon = True
        again.start()

    timer = threading.Timer(seconds, _interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()
        if state["fired"]:  # fired as the block ended: withdraw the exception if it is still pending
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)


class _CappedText(io.TextIOBase):
    """A text stream that keeps the first lines written to it and counts the rest."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.characters = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.characters < SHOWN_CHARACTERS:
            self.kept.append(text[: SHOWN_CHARACTERS - self.characters])
        self.characters += len(text)
        return len(text)

    def shown(self) -> str:
        """What a check shows: the first lines, then how much was left out."""
        text = "".join(self.kept)
        lines = text.splitlines()
        head = "\n".join(lines[:SHOWN_LINES])
        left = self.characters - len(head)
        if left > 1:
            head += f"\n… and {left:,} more characters ({self.characters:,} in all) not shown."
        return head


@contextlib.contextmanager
def _random_generators_kept() -> Iterator[None]:
    """Put NumPy's, Python's and (if loaded) TensorFlow's global random state back as they were."""
    numpy_state, python_state = np.random.get_state(), random.getstate()
    tf_context = None
    if "tensorflow" in sys.modules:
        try:
            from tensorflow.python.eager import context  # the global seed and its op-seed counter

            tf_context = context.context()
            tf_state = (tf_context._seed, getattr(tf_context, "_rng", None))
        except Exception:  # noqa: BLE001 - another TensorFlow: its generator is then not restored
            tf_context = None
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
        if tf_context is not None:
            tf_context._seed, tf_context._rng = tf_state


def fresh_copies(value: Any) -> Any:
    """Copies of the arrays in ``value`` (in lists, tuples and dicts too), so that an answer that changes
    its inputs changes nothing else; a random generator is copied with its state."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator):
        return copy_module.deepcopy(value)
    if isinstance(value, list):
        return [fresh_copies(x) for x in value]
    if isinstance(value, tuple):
        return tuple(fresh_copies(x) for x in value)
    if isinstance(value, dict):
        return {k: fresh_copies(v) for k, v in value.items()}
    return value


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after, equal_nan=True)
    if isinstance(before, (list, tuple)):
        return isinstance(after, type(before)) and len(before) == len(after) and all(map(_unchanged, before, after))
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(_unchanged(before[k], after[k]) for k in before)
    return True  # numbers, strings, functions, generators, TensorFlow objects: not compared


@dataclasses.dataclass
class Run:
    """What happened when an answer ran: its value, or what it raised (SystemExit and KeyboardInterrupt
    too), whether it ran out of time, what it printed, and the arguments it changed in place."""

    value: Any = None
    error: BaseException | None = None
    out_of_time: bool = False
    printed: str = ""
    changed: list[str] = dataclasses.field(default_factory=list)


def run(function: Callable, args: tuple, seconds: float | None, names: list[str] | None = None) -> Run:
    """Call ``function(*args)`` on fresh copies of ``args`` under :func:`time_limit`, with its printing
    captured and the random generators restored afterwards; never raises."""
    given = fresh_copies(args)
    pristine = fresh_copies(args)
    output = _CappedText()
    result = Run()
    with _random_generators_kept(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            with time_limit(seconds):
                result.value = function(*given)
        except OutOfTime:
            result.out_of_time = True
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt become verdicts too
            result.error = exc
    result.printed = output.shown() if output.characters else ""
    names = names or []
    for index, (before, after) in enumerate(zip(pristine, given)):
        if not _unchanged(before, after):
            result.changed.append(names[index] if index < len(names) else f"number {index + 1}")
    return result
