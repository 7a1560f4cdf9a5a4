"""Every lab and warm-up of the course, by name: each step's exercises (``utils/exercises/stepNN.py``),
numbered with their step. The names are unique across the course."""

from __future__ import annotations

from utils.exercises import step01, step02, step03, step04, step05, step06, step07
from utils.exercises.core import Exercise

STEP_MODULES = (step01, step02, step03, step04, step05, step06, step07)
EXERCISES: dict[str, Exercise] = {}
for _number, _module in enumerate(STEP_MODULES, start=1):
    for _exercise in _module.EXERCISES:
        _exercise.step = _number
        if _exercise.name in EXERCISES:
            raise ValueError(f"two exercises are called {_exercise.name!r}: names must be unique across the course")
        EXERCISES[_exercise.name] = _exercise
