"""The machinery behind the labs: checkers that prove an answer right or say where it goes wrong.

A lab (:class:`FunctionExercise` or :class:`ValueExercise`) knows

- the name of the function (or variables) the learner writes in the notebook's stub cell (``stub``);
- a tested reference solution: the course's own function from its topic module of ``utils`` (one
  copy of each algorithm), written with the notebook's own names so that it can be pasted into the
  stub cell as it is (``solution``; :meth:`Exercise.paste_source` gives that text);
- an independent reference to judge against (``reference``: TensorFlow's gradients, central
  differences, a Keras layer...; the solution itself when nothing better exists);
- several cases to try, the awkward ones included (batch of 1, non-square shapes, stride > 1), each
  with a label that the verdict names;
- the typical mistakes, each declared as a small edit of the solution's source (:func:`edit`: old
  text, new text, what to say), from which the wrong function is built (and pasted, by the tests);
- two hints: the idea, then the structure (shapes, the order of operations).

Checking never raises: it returns a :class:`Verdict` that says "correct", "not attempted", or what
is wrong: the first entry that differs (``dW[2, 0] is 0.031, expected 0.062``), a wrong shape or
dtype, an exception with its line, a function that runs too long, and the known mistake the answer
matches. Nothing in a verdict gives the answer away; help comes from ``hint()`` and
``show_solution()`` (``utils.exercises``), only when asked for.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import linecache
import math
import re
import sys
import textwrap
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from utils.exercises import sandbox
from utils.exercises.sandbox import OutOfTime, fresh_copies, time_limit

CORRECT, NOT_ATTEMPTED, WRONG = "correct", "not attempted", "wrong"
#: What a verdict starts with. "Not attempted" is what every stored notebook shows, so its symbol is one that
#: common monospace fonts have (DejaVu Sans Mono: the book checks), not an emoji.
_ICONS = {CORRECT: "✅ Correct!", NOT_ATTEMPTED: "○ Not attempted yet.", WRONG: "❌ Not yet right."}


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``status`` is "correct", "not attempted" or "wrong"."""

    status: str
    message: str
    #: What the answer printed while it was checked (the first lines; check() shows them first).
    printed: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def with_printed(self, printed: str) -> Verdict:
        return dataclasses.replace(self, printed=printed) if printed else self

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} {self.message}".rstrip()


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and what to say about it.

    Declared as an edit of the lab's solution (:func:`edit`): ``edits`` are ``(old, new)`` pairs of
    source text, each ``old`` found exactly once in the solution's source. The lab builds the wrong
    function from the edited source when it needs it (``compute``), and a test pastes that same text
    into the notebook. For a value lab, ``compute`` is a function of no arguments that returns the
    wrong values.
    """

    compute: Callable[..., Any] | None = None
    message: str = ""
    edits: tuple[tuple[str, str], ...] = ()


def edit(old: str, new: str, message: str, *more: tuple[str, str]) -> Mistake:
    """A typical mistake as a small edit of the solution: replace ``old`` by ``new`` (and each further
    ``(old, new)`` pair of ``more``) in the solution's source; ``message`` says what the mistake is::

        edit("delta.mean(axis=0)", "delta.mean(axis=1)", "The bias gradient averages over the neurons ...")
    """
    return Mistake(message=message, edits=((old, new), *more))


class MistakeDoesNotApply(ValueError):
    """A declared edit whose old text is not in the solution's source exactly once (a bug of the course)."""


def edited_source(source: str, edits: Sequence[tuple[str, str]], where: str) -> str:
    """``source`` with every ``(old, new)`` edit applied; each ``old`` must occur exactly once."""
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise MistakeDoesNotApply(f"{where}: the edit of {old!r} applies to text found {count} times in the solution, not once")
        source = source.replace(old, new)
    return source


def build_from_source(source: str, namespace: dict, filename: str) -> Callable:
    """Define the function or class of ``source`` in a copy of ``namespace`` and return it, with its
    text kept (``__source__``) so that it can be pasted into a notebook and shown in tracebacks."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    scope = dict(namespace)
    exec(compile(source, filename, "exec", dont_inherit=True), scope)  # noqa: S102 - the course's own code
    defined = [node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    built = scope[defined[-1]]
    built.__source__ = source
    return built


@dataclasses.dataclass(frozen=True)
class Case:
    """One input to try: the arguments, and a few words that say what is special about it."""

    args: tuple
    label: str = ""


def describe(value: Any) -> str:
    """A short description of an input or output: small arrays in full, large ones by shape."""
    if value is None:
        return "None"
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        sizes = [np.size(v) for v in value if not callable(v)]
        if len(sizes) == len(value) and sum(sizes) > 6 and all(isinstance(v, np.ndarray) for v in value):
            return f"{len(value)} arrays of shapes {', '.join(str(v.shape) for v in value)}"
        return "(" + ", ".join(describe(v) for v in value) + ")"
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything at all may be described
        return type(value).__name__
    if array.dtype == object:
        return type(value).__name__
    if array.ndim == 0:
        return f"{float(array):.6g}" if array.dtype.kind in "biuf" else repr(value)
    if array.size <= 6:
        return np.array2string(array, precision=4, separator=", ", suppress_small=True).replace("\n", "")
    return f"an array of shape {array.shape}"


class LazyModule:
    """A module imported when first used: ``tf = LazyModule("tensorflow")`` imports TensorFlow at the first
    ``tf.something``, so that the labs can be listed (``python course.py progress``) without it."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def last_line(exc: BaseException) -> str:
    """An exception in one line: TensorFlow's own messages end with the line that matters."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last if last.startswith(type(exc).__name__) else f"{type(exc).__name__}: {last}".rstrip(": ")


def _line_in_answer(exc: BaseException, answer: Callable) -> str:
    """ " (line N of the cell that defines it)" for the deepest frame of the learner's own code."""
    method = getattr(answer, "__call__", None)  # noqa: B004 - not a callable test: a callable object's method, for its code
    code = getattr(answer, "__code__", None) or getattr(method, "__code__", None)
    try:
        filename = code.co_filename if code else inspect.getsourcefile(answer) if inspect.isclass(answer) else None
    except TypeError:  # a built-in: it has no source file
        filename = None
    if filename is None:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return f" (line {frames[-1].lineno} of the cell that defines it)" if frames else ""


# ---------------------------------------------------------------------------------------------
# Comparing a result with the expected one, structure first, then entry by entry.


def canonical(value: Any) -> Any:
    """The expected value's structure: tuples (from tuples and lists), dicts, and float arrays."""
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, (int, float, np.number)) for v in value):
            return np.asarray(value, dtype=float)  # a list of numbers is compared as an array
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return np.asarray(value, dtype=float)


def _join(path: str, part: str) -> str:
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}" if path else part


def conform(got: Any, expected: Any, path: str, names: Sequence[str] | None):
    """Bring ``got`` into the structure of ``expected``: returns (converted, None) or (None, what is wrong)."""
    label = path or "your result"
    if isinstance(expected, tuple):
        if isinstance(got, dict) or not isinstance(got, (tuple, list)):
            parts = f" ({', '.join(names)})" if names and len(names) == len(expected) else ""
            return None, f"{label} should be a tuple of {len(expected)} values{parts}, but it is {type(got).__name__} {describe(got)}."
        if len(got) != len(expected):
            return None, f"{label} should have {len(expected)} items, but it has {len(got)}."
        converted: list = []
        for index, (g, e) in enumerate(zip(got, expected)):
            name = names[index] if names and len(names) == len(expected) and not path else f"[{index}]"
            value, problem = conform(g, e, _join(path, name), None)
            if problem:
                return None, problem
            converted.append(value)
        return tuple(converted), None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return None, f"{label} should be a dict with keys {sorted(expected)}, but it is {type(got).__name__}."
        if set(got) != set(expected):
            return None, f"{label} should have the keys {sorted(expected)}, but it has {sorted(got)}."
        by_key = {}
        for key in expected:
            value, problem = conform(got[key], expected[key], _join(path, f"[{key!r}]"), None)
            if problem:
                return None, problem
            by_key[key] = value
        return by_key, None
    try:
        array = np.asarray(got)
    except Exception:  # noqa: BLE001 - learner output of any kind
        array = np.asarray(None, dtype=object)
    if array.dtype == object or array.dtype.kind not in "biuf":
        what = "complex numbers" if array.dtype.kind == "c" else "None" if got is None else f"{type(got).__name__} {describe(got)}"
        return None, f"{label} should be a number or an array of numbers, but it is {what}."
    if array.shape != expected.shape:
        return None, f"{label} should have shape {expected.shape}, but it has shape {array.shape}."
    return array.astype(float), None


def _leaves(value: Any, path: str = "", names: Sequence[str] | None = None):
    """(path, array) for every array in a structure made by :func:`canonical`."""
    if isinstance(value, tuple):
        for index, item in enumerate(value):
            name = names[index] if names and len(names) == len(value) and not path else f"[{index}]"
            yield from _leaves(item, _join(path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, _join(path, f"[{key!r}]"))
    else:
        yield path, value


def _entry(path: str, index: tuple) -> str:
    where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
    return f"{path}{where}" if path else f"your result{where}" if where else "your result"


def first_difference(got: Any, expected: Any, rtol: float, atol: float, names: Sequence[str] | None = None) -> str | None:
    """None when ``got`` and ``expected`` (same structure and shapes) agree; else where they first differ."""
    for (path, g), (_, e) in zip(_leaves(got, names=names), _leaves(expected, names=names)):
        bad_values = ~np.isfinite(g) & np.isfinite(e)
        if bad_values.any():
            index = np.unravel_index(np.argmax(bad_values), g.shape) if g.ndim else ()
            return f"{_entry(path, index)} is {g[index] if g.ndim else g}: your result contains nan or inf."
        close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            index = np.unravel_index(np.argmin(close), g.shape) if g.ndim else ()
            gv, ev = (g[index], e[index]) if g.ndim else (g, e)
            count = "" if g.size == 1 else f" ({int((~close).sum())} of {g.size} entries differ)"
            return f"{_entry(path, index)} is {float(gv):.6g}, expected {float(ev):.6g}{count}."
    return None


def order_problem(got: Any, expected: Any, names: Sequence[str] | None, rtol: float, atol: float) -> str | None:
    """When ``got`` holds the right parts in the wrong order, or one part twice: a message saying so."""
    if not isinstance(expected, tuple) or not isinstance(got, (tuple, list)) or len(got) != len(expected) or len(got) > 5:
        return None
    labels = list(names) if names and len(names) == len(expected) else [f"item {i}" for i in range(len(expected))]
    matches = [[j for j, e in enumerate(expected) if same(g, e, rtol, atol)] for g in got]
    if all(matches) and sorted(m[0] for m in matches) == list(range(len(got))) and any(m[0] != i for i, m in enumerate(matches)):
        returned = ", ".join(labels[m[0]] for m in matches)
        return f"your result has the right parts in the wrong order: you return ({returned}); the lab expects ({', '.join(labels)})."
    for i in range(len(got)):
        for j in range(i + 1, len(got)):
            if same(got[i], got[j], 0.0, 0.0) and not same(expected[i], expected[j], rtol, atol) and matches[i]:
                both = labels[matches[i][0]]
                return f"your result gives the same value twice: its {labels[i]} and its {labels[j]} are equal (both are {both})."
    return None


#: Words of an error message that point at shapes: then, and only then, the lab's shape hint helps.
_SHAPE_WORDS = re.compile(r"shape|broadcast|dimension|align|mismatch|size|matmul|incompatible|index .* out of bounds", re.IGNORECASE)


def looks_like_shapes(exc: BaseException) -> bool:
    """Whether an error is about shapes (NumPy's and TensorFlow's words for it)."""
    return isinstance(exc, (ValueError, IndexError, TypeError)) and bool(_SHAPE_WORDS.search(str(exc)))


def short_text(text: str, characters: int = 300, lines: int = 3) -> str:
    """An error message cut to its first lines and characters, saying how much was left out."""
    kept = "\n".join(text.strip().splitlines()[:lines])[:characters]
    left = len(text.strip()) - len(kept)
    return kept + (f" … ({left:,} more characters)" if left > 20 else "")


def same(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Whether two results agree within the tolerances, part by part (lists and tuples alike, a list of
    numbers as an array, dicts by key, arrays by shape and value); a None matches only a None."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k], rtol, atol) for k in a)
    a_parts, b_parts = (isinstance(v, (list, tuple)) and not _numbers(v) for v in (a, b))
    if a_parts or b_parts:
        return a_parts and b_parts and len(a) == len(b) and all(same(x, y, rtol, atol) for x, y in zip(a, b))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # complex numbers are not a real result
            x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError, Warning):
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))


def _numbers(value: Sequence) -> bool:
    return bool(value) and all(isinstance(v, (int, float, np.number)) for v in value)


def resolve(target: Any) -> Any:
    """A solution or reference named by its dotted path ("utils.tf_network.train_step") is imported on
    first use, so that listing the labs needs no TensorFlow; anything else is returned as it is."""
    if isinstance(target, str):
        module, _, attribute = target.rpartition(".")
        return getattr(importlib.import_module(module), attribute)
    return target


# ---------------------------------------------------------------------------------------------
# Labs.


def source_of(function: Callable) -> str:
    """The text of a function or class: what :func:`build_from_source` kept, else its source file's lines,
    without the ``@arguments(...)`` line that declares a library function's argument checks (a learner's
    notebook has no such thing, and the lab checks the body)."""
    kept = getattr(function, "__source__", None)
    if isinstance(kept, str):
        return kept
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    checks = [d for d in getattr(definition, "decorator_list", []) if _is_arguments_call(d)]
    if not checks:
        return source
    lines = source.splitlines(keepends=True)
    dropped = {n for d in checks for n in range(d.lineno - 1, (d.end_lineno or d.lineno))}
    return "".join(line for number, line in enumerate(lines) if number not in dropped)


def _is_arguments_call(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(called, ast.Name) and called.id == "arguments") or (isinstance(called, ast.Attribute) and called.attr == "arguments")


def namespace_of(function: Callable) -> dict:
    """The global names a function or class sees (its module's), for building an edited copy of it."""
    if inspect.isclass(function):
        return dict(vars(sys.modules[function.__module__]))
    return dict(getattr(inspect.unwrap(function), "__globals__", {}))


class Exercise:
    """What every lab has: its name, its step, a title, two hints, a reference solution, a stub name."""

    #: "lab" (the learner writes code the notebook is about) or "warm-up" (a short exercise before one).
    kind = "lab"

    def __init__(
        self,
        name: str,
        title: str,
        idea: str | None = None,
        solution: Callable | None = None,
        *,
        structure: str | None = None,
        stub: str | None = None,
        step: int = 0,
        kind: str | None = None,
        mistakes: Sequence[Mistake] = (),
        hint: str | None = None,
        reference_name: str | None = None,
        time_limit: float = 10.0,
        paste: Callable[[Any], str] | None = None,
    ):
        self.name, self.title, self._solution, self.step = name, title, solution, step
        idea = idea or hint  # ``hint=`` is the older name of the first hint
        self.hints = tuple(h for h in (idea, structure) if h)
        if not self.hints:
            raise ValueError(f"exercise {name!r} needs at least the idea as a hint")
        self.stub = stub or (solution.rpartition(".")[2] if isinstance(solution, str) else getattr(solution, "__name__", name))
        if kind:
            self.kind = kind
        self._declared_mistakes: list[Mistake] = list(mistakes)
        self._bound_mistakes: list[Mistake] | None = None
        self.reference_name = reference_name
        self.time_limit = time_limit
        self._paste = paste

    @property
    def solution(self) -> Any:
        """The tested solution (imported on first use when it was given by its dotted name)."""
        self._solution = resolve(self._solution)
        return self._solution

    @property
    def mistakes(self) -> list[Mistake]:
        """The typical mistakes, each with its wrong function (built from its declared edit on first use)."""
        if self._bound_mistakes is None:
            self._bound_mistakes = [self._bind(mistake) for mistake in self._declared_mistakes]
        return self._bound_mistakes

    @mistakes.setter
    def mistakes(self, value: Sequence[Mistake]) -> None:
        self._declared_mistakes, self._bound_mistakes = list(value), None

    def _bind(self, mistake: Mistake) -> Mistake:
        """``mistake`` with ``compute`` built from the solution's source with the mistake's edits applied."""
        if not mistake.edits:
            return mistake
        where = f"lab {self.name!r}, mistake {mistake.message[:60]!r}"
        source = edited_source(source_of(self.solution), mistake.edits, where)
        return dataclasses.replace(mistake, compute=build_from_source(source, namespace_of(self.solution), f"<{where}>"))

    @property
    def help_line(self) -> str:
        return f'Stuck? hint("{self.name}") gives a hint (run it again for the next one); show_solution("{self.name}") a tested solution.'

    def evaluate(self, answer: Any) -> Verdict:  # pragma: no cover - overridden
        raise NotImplementedError

    def not_attempted(self) -> Verdict:
        return Verdict(
            NOT_ATTEMPTED, f"Write your code in place of `raise NotImplementedError`, then run this cell again.\n{self.help_line}"
        )

    def wrong(self, what: str, hint: str | None = None) -> Verdict:
        """A wrong verdict: what is wrong, an optional pointer that gives nothing away, and where help is."""
        return Verdict(WRONG, f"{what}\n{hint + chr(10) if hint else ''}{self.help_line}")

    def paste_source(self, candidate: Any = None) -> str:
        """The text a learner (or a test) would put in the stub cell to give ``candidate`` as the
        answer (default: the reference solution): its source, renamed to the stub's name."""
        candidate = self.solution if candidate is None else candidate
        if self._paste is not None:
            return self._paste(candidate())  # value labs: the solution and each mistake return the values
        source = source_of(candidate)
        return re.sub(r"^(def|class)\s+\w+", lambda m: f"{m.group(1)} {self.stub}", source, count=1, flags=re.MULTILINE).rstrip() + "\n"


class FunctionExercise(Exercise):
    """The learner writes a function; it is called on each case and its result compared with the
    reference's.

    ``cases``: tuples of arguments or :class:`Case` objects (or a function returning them, called on
    first use, when building them needs TensorFlow). ``reference``: the independent reference
    (default: the solution); it and the solution may be given by dotted name, imported on first use.
    ``speed_case()``: a large case (say, a batch of 1,000) for a lab whose prose asks for array operations
    rather than a loop over the examples: a correct answer much slower than the solution on it gets a
    note (never a failure).
    ``in_training(answer)``: for a function that the notebook runs inside a ``tf.function`` training
    step, once its values agree, runs it that way and returns None or what goes wrong there.
    ``match_rtol`` and ``match_atol``: how close an answer must come to a typical mistake to be named
    as it (default: ``rtol`` and ``atol``). ``names``: names of the parts of a tuple result (``("dW", "db")``), used
    in messages. ``adapter(function)`` turns a learner function into what is compared, for labs
    judged by a side effect (say, updating variables) or by running the function in a harness.
    """

    def __init__(
        self,
        name,
        title,
        idea=None,
        solution=None,
        cases: Sequence[tuple | Case] | Callable = (),
        *,
        reference: Callable | None = None,
        names: Sequence[str] | None = None,
        shape_hint: str | None = None,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        adapter: Callable[[Callable], Callable] | None = None,
        none_message: str | None = None,
        match_rtol: float | None = None,
        match_atol: float | None = None,
        in_training: Callable[[Callable], str | None] | None = None,
        speed_case: Callable[[], Case] | None = None,
        **common,
    ):
        super().__init__(name, title, idea, solution, **common)
        self._cases = cases
        self._reference = reference
        self.names, self.shape_hint, self.rtol, self.atol = names, shape_hint, rtol, atol
        # A known mistake is recognised within these (looser, for float32 answers written differently).
        self.match_rtol = rtol if match_rtol is None else match_rtol
        self.match_atol = atol if match_atol is None else match_atol
        self.adapter = adapter or (lambda function: function)
        self.none_message = none_message or "Your function returned None. Did you forget the `return` statement?"
        self.in_training = in_training
        self.speed_case = speed_case
        self._expected: dict[int, Any] = {}

    @property
    def reference(self) -> Callable:
        """The independent reference the answer is judged against (default: the solution)."""
        self._reference = resolve(self._reference)
        return self._reference or self.solution

    @property
    def cases(self) -> list[Case]:
        if callable(self._cases):
            self._cases = self._cases()
        cases: Sequence[tuple | Case] = self._cases  # type: ignore[assignment]
        return [c if isinstance(c, Case) else Case(tuple(c)) for c in cases]

    def expected(self, number: int) -> Any:
        """The reference's result for case ``number`` (computed once)."""
        if number not in self._expected:
            self._expected[number] = canonical(self.adapter(self.reference)(*fresh_copies(self.cases[number].args)))
        return self._expected[number]

    def _case_words(self, case: Case) -> str:
        return f"the case “{case.label}”" if case.label else f"the input {', '.join(describe(a) for a in case.args)}"

    def evaluate(self, answer: Any) -> Verdict:
        refused = self._refused(answer)
        if refused:
            return refused
        cases, printed, changed = self.cases, "", []
        for number, case in enumerate(cases):
            words = self._case_words(case)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = sandbox.run(self.adapter(answer), case.args, self.time_limit, self.argument_names)
            printed = printed or outcome.printed
            failed = self._failure(outcome, words, answer)
            if failed:
                return failed.with_printed(printed)
            changed += [name for name in outcome.changed if name not in changed]
            if outcome.value is None:
                return self.wrong(self.none_message).with_printed(printed)
            expected = self.expected(number)
            got, problem = conform(outcome.value, expected, "", self.names)
            hint = self.shape_hint if problem else None
            if problem is None:
                problem = first_difference(got, expected, self.rtol, self.atol, self.names)
            if problem is None:
                continue
            known = self._known_mistake(case, outcome.value)
            order = None if known else order_problem(outcome.value, expected, self.names, self.rtol, self.atol)
            also = f"\n(Your function also changed its argument {changed[0]} in place.)" if changed else ""
            if known:
                return self.wrong(f"For {words}: {problem}\nThis is a known mistake: {known}{also}").with_printed(printed)
            return self.wrong(f"For {words}: {order or problem}{also}", None if order else hint).with_printed(printed)
        if changed:
            return self.wrong(
                f"Your function returns the right values, but it changed its argument{'s' if len(changed) > 1 else ''} "
                f"{' and '.join(changed)} in place, and the notebook goes on using what it passed in. Work on a copy, "
                "or build new arrays (x = x - step makes a new one; x -= step changes the caller's)."
            ).with_printed(printed)
        if self.in_training is not None:
            problem = self._problem_in_training(answer)
            if problem:
                return self.wrong(problem).with_printed(printed)
        labels = [c.label for c in cases if c.label]
        against = f" with {self.reference_name}" if self.reference_name else ""
        which = f": {'; '.join(labels)}" if labels else ""
        message = f"{self.title}: your function agrees{against} on all {len(cases)} cases{which}."
        return Verdict(CORRECT, message + self._speed_note(answer), printed)

    #: A correct answer this many times slower than the solution on ``speed_case`` (and slower than
    #: ``SLOW_SECONDS``) gets a note.
    SLOW_FACTOR, SLOW_SECONDS = 20.0, 0.2

    def _speed_note(self, answer: Callable) -> str:
        """A note when the answer is correct but much slower than the solution on a large case."""
        if self.speed_case is None:
            return ""
        case = self.speed_case()

        def seconds(function: Callable) -> float:
            started = time.perf_counter()
            outcome = sandbox.run(self.adapter(function), case.args, self.time_limit)
            return math.inf if outcome.out_of_time else time.perf_counter() - started

        theirs, ours = seconds(answer), seconds(self.solution)
        if theirs < self.SLOW_SECONDS or theirs < self.SLOW_FACTOR * ours:
            return ""
        took = "more than the time limit" if math.isinf(theirs) else f"{theirs:.2f} s"
        return (
            f"\nNote: on {self._case_words(case)} your function took {took}, against {ours:.3f} s for the course's: is there "
            "a loop over the examples where one array operation would do? It is correct; it will only be slow on real data."
        )

    @property
    def argument_names(self) -> list[str]:
        """The names of the stub's arguments (the solution's), for messages."""
        try:
            return list(inspect.signature(self.solution).parameters)
        except (TypeError, ValueError):
            return []

    def _refused(self, answer: Any) -> Verdict | None:
        """A verdict for something that is not the learner's own function: a value, or a built-in."""
        if not callable(answer):
            return self.wrong(
                f'`check` expects your function itself, for example check("{self.name}", {self.stub}), '
                f"not {type(answer).__name__} {describe(answer)}."
            )
        if inspect.isbuiltin(answer) or (inspect.isclass(answer) and answer.__module__ in ("builtins", "numpy")):
            return self.wrong(
                f'`check` expects the function you wrote, for example check("{self.name}", {self.stub}); '
                f"you passed {getattr(answer, '__name__', answer)!s}, which is built into Python or NumPy."
            )
        return None

    def _failure(self, outcome: sandbox.Run, words: str, answer: Callable) -> Verdict | None:
        """The verdict for an answer that did not return: not attempted, out of time, or what it raised."""
        exc = outcome.error
        if outcome.out_of_time:
            return self.wrong(
                f"Your function was still running after {self.time_limit:g} s on {words}, so it was stopped. "
                "Is there a loop that never ends, or a loop over every entry where an array operation would do?"
            )
        if exc is None:
            return None
        if isinstance(exc, NotImplementedError):
            return self.not_attempted()
        if isinstance(exc, RecursionError):
            return self.wrong(f"Your function calls itself without end (RecursionError) on {words}.")
        if isinstance(exc, SystemExit):
            return self.wrong(
                f"Your function called sys.exit() (or raised SystemExit) when called with {words}. A function that "
                "the notebook calls should return its result instead: exiting would stop the notebook's kernel."
            )
        if isinstance(exc, KeyboardInterrupt):
            return self.wrong(f"Your function was interrupted (KeyboardInterrupt) when called with {words}.")
        hint = self.shape_hint if looks_like_shapes(exc) else None
        return self.wrong(
            f"Your function raised {type(exc).__name__}: {short_text(str(exc))}{_line_in_answer(exc, answer)}\nwhen called with {words}.",
            hint,
        )

    def _problem_in_training(self, answer: Callable) -> str | None:
        """What goes wrong when the notebook's ``tf.function`` training step runs ``answer`` (None: nothing)."""
        where = "inside tf.function, as the notebook's training step runs it"
        fails = f"Your function gives the right numbers when run directly, but fails {where}"
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings(), time_limit(self.time_limit):
                warnings.simplefilter("ignore")
                return self.in_training(answer)  # type: ignore[misc]
        except OutOfTime:
            return f"{where.capitalize()}, your function was still running after {self.time_limit:g} s."
        except NotImplementedError as exc:  # what TensorFlow raises when NumPy meets a symbolic tensor
            return (
                f"{fails}: {last_line(exc)}\nNumPy cannot work on the symbolic tensors of a tf.function: "
                "use TensorFlow operations (tf.exp, tf.reduce_sum, ...)."
            )
        except Exception as exc:  # noqa: BLE001 - learner code
            return f"{fails}: {last_line(exc)}"

    def _known_mistake(self, case: Case, value: Any) -> str | None:
        """The message of the typical mistake that computes what the learner returned, if any."""
        for mistake in self.mistakes:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    assert mistake.compute is not None, "a declared mistake is built before it is used"
                    typical = self.adapter(mistake.compute)(*fresh_copies(case.args))
            except Exception:  # noqa: BLE001 - a mistake may fail on some inputs; it is then not this one
                continue
            if same(value, typical, self.match_rtol, self.match_atol):
                return mistake.message
        return None


class ValueExercise(Exercise):
    """The learner provides values (for example weights), or a function of no arguments that builds
    one (for example a model); ``judge`` returns None or what is wrong.

    An answer of None (the stub), or a function raising NotImplementedError, is "not attempted";
    ``judge(answer)`` returns None when correct, or a message (or a ``(message, pointer)`` pair) otherwise.
    ``paste(values)`` gives the stub-cell text for a set of values (for value labs whose stub is
    assignments rather than a function).
    """

    def __init__(self, name, title, idea=None, solution=None, judge: Callable[[Any], Any] | None = None, **common):
        super().__init__(name, title, idea, solution, **common)
        self.judge = judge

    def not_attempted(self) -> Verdict:
        if inspect.isroutine(self.solution) and self._paste is None:
            return super().not_attempted()
        return Verdict(NOT_ATTEMPTED, f"Replace each None with your values, then run this cell again.\n{self.help_line}")

    def evaluate(self, answer: Any) -> Verdict:
        printed = ""
        if inspect.isroutine(answer) or inspect.isclass(answer):  # a function that builds the value, such as a model
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = sandbox.run(answer, (), self.time_limit)
            printed = outcome.printed
            exc = outcome.error
            if isinstance(exc, NotImplementedError):
                return Exercise.not_attempted(self)
            if outcome.out_of_time:
                return self.wrong(f"Your function was still running after {self.time_limit:g} s, so it was stopped.").with_printed(printed)
            if exc is not None:
                what = "called sys.exit()" if isinstance(exc, SystemExit) else f"raised {type(exc).__name__}: {short_text(str(exc))}"
                return self.wrong(f"Your function {what}{_line_in_answer(exc, answer)}.").with_printed(printed)
            answer = outcome.value
        if answer is None or (isinstance(answer, tuple) and all(a is None for a in answer)):
            return self.not_attempted()
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings(), time_limit(self.time_limit):
                warnings.simplefilter("ignore")
                problem = self.judge(answer) if self.judge else "This lab has no judge (a bug of the course)."
        except OutOfTime:
            return self.wrong(f"Checking your answer took more than {self.time_limit:g} s, so it was stopped.").with_printed(printed)
        except Exception as exc:  # noqa: BLE001 - a malformed answer becomes a verdict
            return self.wrong(f"Your values could not be used: {type(exc).__name__}: {short_text(str(exc))}.").with_printed(printed)
        if problem is None:
            return Verdict(CORRECT, f"{self.title}: your answer works.", printed)
        verdict = self.wrong(*problem) if isinstance(problem, tuple) else self.wrong(problem)
        return verdict.with_printed(printed)


def solution_source(exercise: Exercise) -> str:
    """The text of an exercise's tested solution, as it would be pasted into the stub cell."""
    return exercise.paste_source()
