"""Self-checking exercises. In a notebook::

    from utils.exercises import check, show_solution

    def my_sigmoid(z):
        raise NotImplementedError   # your turn

    check("sigmoid", my_sigmoid)    # prints: correct, not attempted yet, or what is wrong + a hint
    # show_solution("sigmoid")      # uncomment to print a worked solution

Each step's exercises are defined in ``utils/exercises/stepNN.py``; the names are unique across
the course. ``check`` prints and never raises; ``evaluate`` returns the :class:`Verdict` (used by
the tests).
"""

from __future__ import annotations

from utils.exercises import step01, step02, step03, step04, step05, step06, step07
from utils.exercises.core import Exercise, Verdict, solution_source

EXERCISES: dict[str, Exercise] = {ex.name: ex for module in (step01, step02, step03, step04, step05, step06, step07) for ex in module.EXERCISES}


def _lookup(name: str) -> Exercise | None:
    return EXERCISES.get(name)


def _unknown(name: str) -> str:
    return f"There is no exercise called {name!r}. Exercises: {', '.join(EXERCISES)}."


def evaluate(name: str, answer) -> Verdict:
    """Judge ``answer`` for exercise ``name`` and return the verdict (never raises for bad answers)."""
    exercise = _lookup(name)
    if exercise is None:
        raise KeyError(_unknown(name))
    return exercise.evaluate(answer)


def check(name: str, answer) -> None:
    """Print the verdict for ``answer``: correct, not attempted yet, or what is wrong and a hint."""
    exercise = _lookup(name)
    print(_unknown(name) if exercise is None else exercise.evaluate(answer))


def show_solution(name: str) -> None:
    """Print a worked solution (the tested reference code) for exercise ``name``."""
    exercise = _lookup(name)
    print(_unknown(name) if exercise is None else f"# A worked solution for: {exercise.title}\n{solution_source(exercise)}")


__all__ = ["EXERCISES", "check", "evaluate", "show_solution"]
