"""The labs: you write the code that matters, a checker proves it right or says what is wrong.

In a notebook::

    from utils.exercises import check, hint, show_solution

    def my_sigmoid(z):
        raise NotImplementedError   # your turn

    check("sigmoid", my_sigmoid)    # prints: correct, not attempted yet, or what is wrong
    # hint("sigmoid")               # the idea; run it again for the structure
    # show_solution("sigmoid")      # a tested solution, when you want it

Each step's labs are defined in ``utils/exercises/stepNN.py``; the names are unique across the
course. ``check`` prints, records the verdict in your progress file (``utils.progress``) and never
raises; ``evaluate`` only returns the :class:`Verdict` (used by the tests). After a lab, a notebook
goes on with ``yours_or_reference``: your function once it has passed, the course's tested one
until then, so that being stuck never blocks the rest of the notebook.
"""

from __future__ import annotations

import ast
import inspect
import re
import traceback

from utils import progress
from utils.exercises.core import CORRECT, Exercise, Verdict, solution_source, source_of
from utils.exercises.registry import EXERCISES
from utils.exercises.report import show_progress

#: The hint level each lab has reached in this session (hint() shows the next one each time).
_hints_seen: dict[str, int] = {}
#: The latest verdict of each lab in this session, with the answer it was given.
_last_checked: dict[str, tuple[object, Verdict]] = {}


def _lookup(name: str) -> Exercise | None:
    return EXERCISES.get(name)


def _unknown(name: str) -> str:
    return f"There is no lab called {name!r}. Labs: {', '.join(EXERCISES)}."


def evaluate(name: str, answer) -> Verdict:
    """Judge ``answer`` for lab ``name`` and return the verdict (never raises for bad answers)."""
    exercise = _lookup(name)
    if exercise is None:
        raise KeyError(_unknown(name))
    return exercise.evaluate(answer)


def _source_of(answer) -> str | None:
    """The text that rebuilds ``answer`` in a later step: the notebook functions and simple constants it
    uses (found by name in its code, and in theirs), then the answer itself."""
    try:
        if not (inspect.isroutine(answer) or inspect.isclass(answer)):
            return None
        answer = inspect.unwrap(answer)  # a library function's argument checks (@arguments) are not saved
        own = source_of(answer)
    except (OSError, TypeError, SyntaxError):
        return None
    scope = getattr(answer, "__globals__", None) or vars(inspect.getmodule(answer) or inspect)
    parts: dict[str, str] = {}

    def names_in(code) -> set[str]:
        found = set(code.co_names)
        for constant in code.co_consts:
            if inspect.iscode(constant):
                found |= names_in(constant)
        return found

    def collect(function) -> None:
        codes = (
            [function.__code__] if inspect.isfunction(function) else [m.__code__ for m in vars(function).values() if inspect.isfunction(m)]
        )
        for name in sorted(set().union(*map(names_in, codes)) if codes else ()):
            value = scope.get(name)
            if name in parts or value is answer or value is None:
                continue
            if (inspect.isfunction(value) or inspect.isclass(value)) and getattr(value, "__module__", None) == answer.__module__:
                try:
                    parts[name] = inspect.getsource(value)
                except (OSError, TypeError):
                    continue
                collect(value)
            elif isinstance(value, (bool, int, float, str)) and not name.startswith("_"):
                parts[name] = f"{name} = {value!r}\n"

    collect(answer)
    return "".join(reversed(parts.values())) + own


def _judge(exercise: Exercise, answer) -> Verdict:
    """The verdict; should the checker itself fail (a bug of the course), a message, not a traceback."""
    try:
        return exercise.evaluate(answer)
    except Exception as exc:  # noqa: BLE001 - checking never raises
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Verdict(
            "wrong",
            f"The checker itself failed ({type(exc).__name__}: {exc}, in {where.name}). This is a bug "
            "in the course, not in your answer: please report it with this message.",
        )


def check(name: str, answer) -> None:
    """Print the verdict for ``answer`` (correct, not attempted yet, or what is wrong) and record it."""
    exercise = _lookup(name)
    if exercise is None:
        print(_unknown(name))
        return
    verdict = _judge(exercise, answer)
    _last_checked[name] = (answer, verdict)
    if verdict.printed:
        print("Your function printed, while it was checked (the first lines):\n" + verdict.printed + "\n")
    print(verdict)
    progress.record_check(exercise, verdict.status, _source_of(answer) if verdict.correct else None)


def hint(name: str, level: int | None = None) -> None:
    """Print the next hint for lab ``name``: first the idea, then the structure. ``level`` picks one."""
    exercise = _lookup(name)
    if exercise is None:
        print(_unknown(name))
        return
    count = len(exercise.hints)
    shown = level if level is not None else _hints_seen.get(name, 0) + 1
    if shown > count:
        print(
            f'That was the last hint for {name!r}. show_solution("{name}") prints a tested solution, '
            f'or hint("{name}", 1) shows the first hint again.'
        )
        return
    shown = max(1, shown)
    _hints_seen[name] = max(_hints_seen.get(name, 0), shown)
    what = ("the idea", "the structure")[shown - 1] if count == 2 else "the idea"
    more = f' Run hint("{name}") again for the structure.' if shown < count else ""
    print(f"Hint {shown} of {count}, {what}: {exercise.hints[shown - 1]}{more}")
    progress.record_help(exercise, hints=shown)


def show_solution(name: str) -> None:
    """Print a tested solution for lab ``name``, ready to paste in place of your function."""
    exercise = _lookup(name)
    if exercise is None:
        print(_unknown(name))
        return
    proven = f", proven against {exercise.reference_name}" if getattr(exercise, "reference_name", None) else ""
    print(
        f"# A tested solution for: {exercise.title} (the course's reference{proven}).\n"
        f"# Read it, then try to write it yourself without looking.\n{solution_source(exercise)}"
    )
    progress.record_help(exercise, solution_shown=True)


def _passed(name: str, answer) -> bool:
    """Whether ``answer`` passes lab ``name``: the verdict of this session's check when it was given
    this very answer, otherwise checked now (without printing or recording)."""
    checked = _last_checked.get(name)
    if checked is not None and checked[0] is answer:
        return checked[1].correct
    return _judge(EXERCISES[name], answer).correct


def _from_record(name: str) -> tuple[object | None, str]:
    """The function saved in the progress record when lab ``name`` passed, rebuilt and re-checked, or
    None and why it cannot be used ("" when the record holds no passing answer)."""
    source = progress.saved_source(name)
    if not source:
        return None, ""
    import numpy as np

    from utils import nn

    # The saved code runs with NumPy and the step-1-2 building blocks (sigmoid, step, ...) at hand.
    namespace = {k: v for k, v in vars(nn).items() if not k.startswith("_")}
    namespace.update(np=np, __name__=f"saved_{name}")
    try:
        exec(compile(source, f"<your {name} from the progress record>", "exec"), namespace)  # noqa: S102 - your own code
        defined = [node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    except Exception as exc:  # noqa: BLE001 - a saved answer that no longer runs is not used, and we say why
        return None, f"the saved code does not run here ({type(exc).__name__}: {exc})"
    function = namespace.get(defined[-1]) if defined else None
    if function is None:
        return None, "the record holds no function for it"
    verdict = _judge(EXERCISES[name], function)
    if verdict.correct:
        return function, ""
    missing = re.search(r"NameError: name '(\w+)' is not defined", verdict.message)
    if missing:
        return None, (
            f"it uses {missing.group(1)}, which was defined in that notebook but is not a function or a number "
            "that the record keeps: define it inside your function, or run that notebook's cell again here"
        )
    return None, "it no longer passes its check here: " + verdict.message.splitlines()[0]


def yours_or_reference(name: str, answer, reference, reference_name: str | None = None):
    """Your answer to lab ``name`` once it passes, else the course's ``reference``, saying which.

    ``answer`` is your function from this notebook, or None to use the one you wrote in an earlier
    step (saved in your progress record when it passed there).
    """
    exercise = EXERCISES[name]
    label = reference_name or f"{reference.__module__}.{reference.__qualname__}"
    if answer is not None:
        mine = getattr(answer, "__name__", exercise.stub)
        if _passed(name, answer):
            print(f"→ Using your {mine} from here on (it passed its check).")
            return answer
        print(f"→ Using the course's {label} from here on: your {mine} has not passed its check yet.")
        return reference
    saved, why_not = _from_record(name)
    if saved is not None:
        print(f"→ Using your {exercise.stub} from step {exercise.step} (saved in your progress record when it passed, and re-checked).")
        return saved
    if why_not:
        print(f"→ Using the course's {label}: your {exercise.stub} from step {exercise.step} is in your progress record, but {why_not}.")
        return reference
    print(
        f"→ Using the course's {label}: your {exercise.stub} from step {exercise.step} is not in your progress record "
        "(not solved yet, or solved on another computer or Colab session)."
    )
    return reference


__all__ = ["CORRECT", "EXERCISES", "check", "evaluate", "hint", "show_progress", "show_solution", "yours_or_reference"]
