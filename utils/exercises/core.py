"""The machinery behind the self-checking exercises.

An exercise knows its reference solution (tested code, usually the ``utils`` function later cells
use), a few inputs to try, and the typical wrong answers with what to say about each. Checking an
answer never raises: it returns a :class:`Verdict` that says "correct", "not attempted yet", or
what is wrong (shape, a value at a sample input, a known mistake) with a hint.
"""

from __future__ import annotations

import dataclasses
import inspect
import traceback
import warnings
from typing import Any, Callable, Sequence

import numpy as np

CORRECT, NOT_ATTEMPTED, WRONG = "correct", "not attempted", "wrong"
_ICONS = {CORRECT: "✅ Correct!", NOT_ATTEMPTED: "⏳ Not attempted yet.", WRONG: "❌ Not yet right."}


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``status`` is "correct", "not attempted" or "wrong"."""

    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} {self.message}".rstrip()


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``compute`` gives what it would return for the same inputs."""

    compute: Callable[..., Any]
    message: str


def describe(value: Any) -> str:
    """A short description of an input or output: small arrays in full, large ones by shape."""
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, (tuple, list)):
        sizes = [np.size(v) for v in value if not callable(v)]
        if len(sizes) == len(value) and sum(sizes) > 6 and all(isinstance(v, np.ndarray) for v in value):
            return f"{len(value)} arrays of shapes {', '.join(str(v.shape) for v in value)}"
        return "(" + ", ".join(describe(v) for v in value) + ")"
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.6g}" if array.dtype.kind in "fiu" else repr(value)
    if array.size <= 6:
        return np.array2string(array, precision=4, separator=", ", suppress_small=True).replace("\n", "")
    return f"an array of shape {array.shape}"


def _line_in_answer(exc: BaseException, answer: Callable) -> str:
    code = getattr(answer, "__code__", None)
    if code is None:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == code.co_filename]
    return f" (line {frames[-1].lineno} of the cell that defines it)" if frames else ""


def _as_numbers(value: Any, expected: Any):
    """Convert ``value`` to the structure of ``expected`` (an array or a tuple of arrays), or None."""
    if isinstance(expected, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return None
        parts = [_as_numbers(v, e) for v, e in zip(value, expected)]
        return None if any(p is None for p in parts) else tuple(parts)
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _shapes(value) -> Any:
    return tuple(_shapes(v) for v in value) if isinstance(value, tuple) else np.shape(value)


def _close(a, b, rtol: float, atol: float) -> bool:
    if isinstance(a, tuple):
        return all(_close(x, y, rtol, atol) for x, y in zip(a, b))
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _finite(value) -> bool:
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    return bool(np.all(np.isfinite(value)))


def _difference(got, expected) -> str:
    """Where two results (arrays, or tuples of arrays, of equal shapes) first differ, in words."""
    if isinstance(expected, tuple):
        for position, (g, e) in enumerate(zip(got, expected)):
            if g.shape != e.shape or not np.allclose(g, e, rtol=1e-6, atol=1e-9):
                return f"item {position} of your tuple is off: {_difference(g, e)}"
        return "the results differ"
    if expected.size <= 6:
        return f"you return {describe(got)}, expected {describe(expected)}"
    index = np.unravel_index(np.argmax(~np.isclose(got, expected, rtol=1e-6, atol=1e-9)), expected.shape)
    return f"the first difference is at index {tuple(int(i) for i in index)}: yours {got[index]:.6g}, expected {expected[index]:.6g}"


class Exercise:
    """Base class: a name, a title, a hint and a reference solution; subclasses judge answers."""

    def __init__(self, name: str, title: str, hint: str, solution: Callable):
        self.name, self.title, self.hint, self.solution = name, title, hint, solution

    def evaluate(self, answer: Any) -> Verdict:  # pragma: no cover - overridden
        raise NotImplementedError

    def not_attempted(self) -> Verdict:
        return Verdict(NOT_ATTEMPTED, f"Replace the `raise NotImplementedError` line with your code, then run this cell again.\nHint: {self.hint}")

    def wrong(self, what: str, hint: str | None = None) -> Verdict:
        return Verdict(WRONG, f"{what}\nHint: {hint or self.hint}")


class FunctionExercise(Exercise):
    """The learner writes a function; it is called on each case and compared with the solution.

    ``cases``: tuples of arguments. ``mistakes``: typical wrong answers, each recognised when the
    learner's output equals what the mistake computes. ``shape_hint``: said when a shape is wrong.
    """

    def __init__(self, name, title, hint, solution, cases: Sequence[tuple], mistakes: Sequence[Mistake] = (),
                 shape_hint: str | None = None, rtol: float = 1e-6, atol: float = 1e-9,
                 adapter: Callable[[Callable], Callable] | None = None, none_message: str | None = None):
        super().__init__(name, title, hint, solution)
        self.cases, self.mistakes, self.shape_hint = list(cases), list(mistakes), shape_hint
        self.rtol, self.atol = rtol, atol
        # adapter(function) -> a function of the case arguments whose result is compared; for exercises
        # judged by a side effect (say, updating variables) rather than by a return value.
        self.adapter = adapter or (lambda function: function)
        self.none_message = none_message or "Your function returned None. Did you forget the `return` statement?"

    @staticmethod
    def _copy(args: tuple) -> tuple:
        return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)

    def evaluate(self, answer: Any) -> Verdict:
        if not callable(answer):
            return self.wrong(
                f"`check` expects your function itself, for example check(\"{self.name}\", my_function), "
                f"not {type(answer).__name__} {describe(answer)}."
            )
        for args in self.cases:
            inputs = ", ".join(describe(a) for a in args)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    value = self.adapter(answer)(*self._copy(args))
                except NotImplementedError:
                    return self.not_attempted()
                except Exception as exc:  # noqa: BLE001 - any error in learner code becomes a verdict
                    # A ValueError from NumPy is nearly always a shape mismatch, so give the shape hint.
                    hint = self.shape_hint if isinstance(exc, ValueError) else None
                    return self.wrong(f"Your function raised {type(exc).__name__}: {exc}{_line_in_answer(exc, answer)}\nwhen called with {inputs}.", hint)
                reference = self.adapter(self.solution)(*self._copy(args))
                expected = _as_numbers(reference, reference)
                if value is None:
                    return self.wrong(self.none_message)
                got = _as_numbers(value, expected)
                if got is None:
                    kind = f"a tuple of {len(expected)} values" if isinstance(expected, tuple) else "a number or a NumPy array"
                    return self.wrong(f"Your function should return {kind}, but returned {type(value).__name__} {describe(value)}.")
                if _shapes(got) != _shapes(expected):
                    known = self._known_mistake(args, got, expected)
                    message = f"For input {inputs} the result should have shape {_shapes(expected)}, but yours has shape {_shapes(got)}."
                    return self.wrong(message + (f"\n{known}" if known else ""), self.shape_hint)
                if not _finite(got) and _finite(expected):
                    return self.wrong(f"For input {inputs} your result contains nan or inf: {describe(value)}.")
                if _close(got, expected, self.rtol, self.atol):
                    continue
                difference = f"For input {inputs} {_difference(got, expected)}."
                known = self._known_mistake(args, got, expected)
                return self.wrong(difference + (f"\n{known}" if known else ""))
        return Verdict(CORRECT, f"{self.title}: your function agrees with the reference on {len(self.cases)} test inputs.")

    def _known_mistake(self, args, got, expected) -> str | None:
        """The message of the typical mistake that computes exactly what the learner returned, if any."""
        for mistake in self.mistakes:
            with np.errstate(all="ignore"):
                typical = _as_numbers(self.adapter(mistake.compute)(*self._copy(args)), expected)
            if typical is not None and _shapes(typical) == _shapes(got) and _close(got, typical, self.rtol, self.atol):
                return mistake.message
        return None


class ValueExercise(Exercise):
    """The learner provides values (for example weights), or a function of no arguments that builds
    one (for example a model); ``judge`` returns None or what is wrong.

    An answer of None (the stub), or a function raising NotImplementedError, is "not attempted";
    ``judge(answer)`` returns None when correct, or a message (or a ``(message, hint)`` pair) otherwise.
    """

    def __init__(self, name, title, hint, solution, judge: Callable[[Any], Any]):
        super().__init__(name, title, hint, solution)
        self.judge = judge

    def not_attempted(self) -> Verdict:
        return Verdict(NOT_ATTEMPTED, f"Replace each None with your values, then run this cell again.\nHint: {self.hint}")

    def evaluate(self, answer: Any) -> Verdict:
        if inspect.isroutine(answer):  # a function that builds the value, such as a model
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    answer = answer()
            except NotImplementedError:
                return Verdict(NOT_ATTEMPTED, f"Replace the `raise NotImplementedError` line with your code, then run this cell again.\nHint: {self.hint}")
            except Exception as exc:  # noqa: BLE001 - learner code
                return self.wrong(f"Your function raised {type(exc).__name__}: {exc}{_line_in_answer(exc, answer)}.")
        if answer is None or (isinstance(answer, tuple) and all(a is None for a in answer)):
            return self.not_attempted()
        try:
            with np.errstate(all="ignore"):
                problem = self.judge(answer)
        except Exception as exc:  # noqa: BLE001 - a malformed answer becomes a verdict
            return self.wrong(f"Your values could not be used: {type(exc).__name__}: {exc}.")
        if problem is None:
            return Verdict(CORRECT, f"{self.title}: your values work.")
        return self.wrong(*problem) if isinstance(problem, tuple) else self.wrong(problem)


def solution_source(exercise: Exercise) -> str:
    """The source code of an exercise's reference solution."""
    return inspect.getsource(exercise.solution)
