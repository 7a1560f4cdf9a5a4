"""The course's one convention for refusing bad input: a clear error that names the function, the
argument, the value it was given and what is allowed, raised before any arithmetic runs, instead of a
silently wrong result or a NumPy error from five frames down.

A message always reads ``function: argument=value is <what is wrong>; <what is allowed>.``, for example::

    conv2d: padding='bogus' is not one of the allowed values; use 'valid' or 'same'.
    Network.accuracy: labels, an array of shape (100, 1), has 2 dimensions; give one label per example, shape (n,).

Wrong types raise ``TypeError``; wrong values, shapes and sizes raise ``ValueError`` (both as
:class:`ArgumentError`, which is each of them, so a caller may catch either). A public function
declares its checks with :func:`arguments` (one line above its ``def``: the function's body stays the
code a notebook teaches, and what the tests paste into a lab's stub cell leaves the line out), and checks
that involve several arguments at once with :func:`require` in its body, or, for a lab's solution (whose
body is what the learner writes), in the same line (:func:`same_length`, or any ``check(function, values)``).
A training loop whose cost turns NaN or infinite says so once with :func:`warn_if_diverged`, naming the
usual causes (a lab's solution, from the same line again: :func:`diverged_costs`).

Standard library and NumPy only: every room of ``utils`` may use it.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


class ArgumentError(ValueError):
    """A bad argument: the message names the function, the argument, its value and what is allowed."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of the wrong type (a ``TypeError`` too)."""


def shown(value: Any) -> str:
    """A value as a message shows it: numbers and short strings as they are, arrays by shape and type."""
    if isinstance(value, np.ndarray):
        if value.size <= 4 and value.ndim <= 1:
            return f"{np.array2string(value, separator=', ')} (an array)"
        return f"an array of shape {value.shape} ({value.dtype})"
    if isinstance(value, (list, tuple)) and any(hasattr(item, "shape") for item in value):  # arrays, tensors, variables
        return f"a {type(value).__name__} of {len(value)} array{'s' if len(value) != 1 else ''}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_a(value: Any) -> str:
    """What a message says of a value of the wrong type: "is a str", "is an int"."""
    kind = type(value).__name__
    return f"is {'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def fail(function: str, name: str, value: Any, problem: str, allowed: str, kind: type[ArgumentError] = ArgumentError) -> None:
    """Raise the convention's error: ``function: name=value problem; allowed.``"""
    raise kind(f"{function}: {name}={shown(value)} {problem}; {allowed}.")


def require(condition: bool, function: str, name: str, value: Any, problem: str, allowed: str) -> None:
    """For a check that involves several arguments: fail unless ``condition`` holds."""
    if not condition:
        fail(function, name, value, problem, allowed)


# --- What an argument may be: each check takes (function, name, value) and returns the value to use ----------------


Check = Callable[[str, str, Any], Any]


def one_of(*choices: Any) -> Check:
    """One of a few exact values (strings are compared as given: 'VALID' is not 'valid')."""

    def check(function: str, name: str, value: Any) -> Any:
        if not any(value is choice or (type(value) is type(choice) and value == choice) for choice in choices):
            allowed = " or ".join(repr(c) for c in choices)
            fail(function, name, value, "is not one of the allowed values", f"use {allowed}")
        return value

    return check


def number(*, minimum: float | None = None, maximum: float | None = None, above: float | None = None, integer: bool = False) -> Check:
    """A finite real number (or whole number), within the given bounds; NumPy scalars count too."""
    kind = "a whole number" if integer else "a number"
    bounds = []
    if above is not None:
        bounds.append(f"above {above:g}")
    if minimum is not None:
        bounds.append(f"at least {minimum:g}")
    if maximum is not None:
        bounds.append(f"at most {maximum:g}")
    wanted = f"give {kind}" + (f", {' and '.join(bounds)}" if bounds else "")

    def check(function: str, name: str, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            fail(function, name, value, is_a(value), wanted, ArgumentTypeError)
        if integer and not float(value).is_integer():
            fail(function, name, value, "is not a whole number", wanted)
        if not math.isfinite(value):
            fail(function, name, value, "is not finite", wanted)
        if (above is not None and value <= above) or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            fail(function, name, value, "is out of range", wanted)
        return int(value) if integer else value

    return check


positive = number(above=0)
positive_integer = number(minimum=1, integer=True)
probability = number(minimum=0, maximum=1)


def array(*, ndim: int | Sequence[int] | None = None, finite: bool = False, integers: bool = False) -> Check:
    """Something NumPy reads as an array of real numbers, with so many dimensions (one of several);
    ``finite``: no NaN or infinity; ``integers``: whole numbers only (labels, character ids)."""
    dims = (ndim,) if isinstance(ndim, int) else tuple(ndim) if ndim is not None else None

    def check(function: str, name: str, value: Any) -> Any:
        if isinstance(value, (str, bytes, dict)) or value is None:
            fail(function, name, value, is_a(value), "give an array of numbers", ArgumentTypeError)
        try:
            values = np.asarray(value)
        except (TypeError, ValueError) as exc:  # ragged lists
            fail(function, name, value, f"is not an array ({exc})", "give an array of numbers, every row the same length")
        if values.dtype.kind not in "biuf":
            fail(function, name, value, f"holds {values.dtype} values", "give real numbers", ArgumentTypeError)
        if dims is not None and values.ndim not in dims:
            wanted = " or ".join(str(d) for d in dims)
            fail(function, name, value, f"has {values.ndim} dimension{'s' if values.ndim != 1 else ''}", f"give {wanted}")
        if finite and values.dtype.kind == "f" and not np.isfinite(values).all():
            fail(function, name, value, "holds NaN or infinite values", "give finite numbers (look for a division by zero upstream)")
        if integers and values.dtype.kind == "f" and not np.array_equal(values, np.round(values)):
            fail(function, name, value, "holds fractions", "give whole numbers (labels and ids are integers)")
        return value

    return check


def a_function(function: str, name: str, value: Any) -> Any:
    """Something to call (a function, a gradient, a cost)."""
    if not callable(value):
        fail(function, name, value, f"{is_a(value)}, not a function", "give a function (without calling it)", ArgumentTypeError)
    return value


def numbers_by_name(*, required: Sequence[str] = (), allowed: str = "give a dict of numbers by name") -> Check:
    """A dict of numbers: the keys ``required``, each a number (other keys are let through unchecked),
    or, with none required, every value a number."""

    def check(function: str, name: str, value: Any) -> Any:
        if not isinstance(value, dict):
            fail(function, name, value, is_a(value), allowed, ArgumentTypeError)
        for key in required:
            if key not in value:
                fail(function, name, value, f"has no {key!r}", allowed)
        for key in required or list(value):
            number()(function, f"{name}[{key!r}]", value[key])
        return value

    return check


def optional(check: Check) -> Check:
    """None, or what ``check`` allows (a size that defaults to the profile's, say)."""

    def checked(function: str, name: str, value: Any) -> Any:
        return None if value is None else check(function, name, value)

    return checked


def random_generator(function: str, name: str, value: Any) -> Any:
    """A NumPy random generator (``np.random.default_rng(seed)``), not a seed."""
    if not isinstance(value, (np.random.Generator, np.random.RandomState)):
        fail(
            function,
            name,
            value,
            is_a(value),
            "give a NumPy random generator, np.random.default_rng(seed)",
            ArgumentTypeError,
        )
    return value


def arrays(*, ndim: int | Sequence[int] | None = None) -> Check:
    """A list or tuple of arrays (a network's weights, say), each checked as :func:`array` does."""
    each = array(ndim=ndim)

    def check(function: str, name: str, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            fail(function, name, value, is_a(value), "give a list of arrays, one per layer", ArgumentTypeError)
        for index, item in enumerate(value):
            each(function, f"{name}[{index}]", item)
        return value

    return check


#: A check of several arguments at once, for :func:`arguments`: ``check(function, values)``, where ``values``
#: holds every argument by name (defaults included).
Together = Callable[[str, dict[str, Any]], Any]


class Afterwards:
    """For :func:`arguments`: a check that runs after the body, ``check(function, values, result)`` (a training
    loop's costs, say, which a lab's solution returns but cannot check itself)."""

    def __init__(self, check: Callable[[str, dict[str, Any], Any], Any]):
        self.check = check


def arguments(*together: Together | Afterwards, **checks: Check) -> Callable[[Callable], Callable]:
    """Declare a public function's argument checks, one line above its ``def``::

        @arguments(padding=one_of("valid", "same"), stride=positive_integer)
        def conv2d(image, kernel, stride=1, padding="valid"): ...

    Each named argument, when given (defaults are trusted), is checked before the body runs. The check is
    cheap (a few microseconds): names are matched to positions once, when the function is defined.
    Checks that involve several arguments come first, unnamed (``same_length("X", "y")``, or any
    ``check(function, values)``), and run after the named ones; an :class:`Afterwards` check runs after
    the body. On ``__init__``, the function is named by its class."""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        parameters = list(signature.parameters)
        unknown = set(checks) - set(parameters)
        if unknown:
            raise TypeError(f"@arguments on {function.__qualname__} names no such argument: {', '.join(sorted(unknown))}")
        positions = [(parameters.index(name), name, check) for name, check in checks.items()]
        label = function.__qualname__.removesuffix(".__init__")
        before = [check for check in together if not isinstance(check, Afterwards)]
        after = [check.check for check in together if isinstance(check, Afterwards)]
        empty = inspect.Parameter.empty
        defaults = [(name, p.default) for name, p in signature.parameters.items() if p.default is not empty]
        variable = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        required = {name for name, p in signature.parameters.items() if p.default is empty and p.kind not in variable}
        if together and any(p.kind == p.VAR_POSITIONAL for p in signature.parameters.values()):
            raise TypeError(f"@arguments on {function.__qualname__}: checks of several arguments need named arguments, not *args")

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            for position, name, check in positions:
                if position < len(args):
                    check(label, name, args[position])
                elif name in kwargs:
                    check(label, name, kwargs[name])
            if not together:
                return function(*args, **kwargs)
            values = dict(zip(parameters, args))
            if kwargs:
                values.update(kwargs)
            if len(args) > len(parameters) or not required <= values.keys():
                return function(*args, **kwargs)  # a call Python itself refuses, with its own message
            for name, default in defaults:
                values.setdefault(name, default)
            for whole in before:
                whole(label, values)
            result = function(*args, **kwargs)
            for afterwards in after:
                afterwards(label, values, result)
            return result

        checked.__checks__ = checks  # type: ignore[attr-defined]
        checked.__signature__ = signature  # type: ignore[attr-defined]  # for getfullargspec too (Keras reads it)
        return checked

    return decorate


def same_length(first: str, *others: str) -> Together:
    """For :func:`arguments`: the arguments named ``others`` have one entry (row) for each row of ``first``
    (labels for the examples of X, say); an argument that is None is not checked."""

    def length(value: Any) -> tuple[int, ...]:
        return (len(value),) if isinstance(value, (list, tuple)) else np.shape(value)[:1]  # a list of arrays may be ragged

    def check(function: str, values: dict[str, Any]) -> None:
        rows = length(values[first])
        for name in others:
            value = values[name]
            if value is None or length(value) == rows:
                continue
            count = f"{length(value)[0]} entr{'ies' if length(value)[0] != 1 else 'y'}" if length(value) else "a single number"
            unit = "entries" if isinstance(values[first], (list, tuple)) else "rows"
            wanted = f"give one for each of the {rows[0]} {unit} of {first}" if rows else f"give as many as {first} has"
            fail(function, name, value, f"has {count}", wanted)

    return check


def same_shape(first: str, *others: str) -> Together:
    """For :func:`arguments`: the arguments named ``others`` have the shape of ``first`` (targets for outputs,
    say: NumPy would broadcast a (n, 1) against a (n,) into a (n, n) and give a wrong number without a word)."""

    def check(function: str, values: dict[str, Any]) -> None:
        shape = np.shape(values[first])
        for name in others:
            if np.shape(values[name]) != shape:
                fail(function, name, values[name], f"does not have the shape of {first}, {shape}", f"give an array of shape {shape}")

    return check


def diverged_costs(costs: Callable[[Any], Any], when: str = "step", rate: str | None = "learning_rate") -> Afterwards:
    """For :func:`arguments`: after a training loop, warn (as :func:`warn_if_diverged`, once) at the first of
    the costs it returned, ``costs(result)``, that is NaN or infinite: ``"{when} {k}"``, counted from 1, with
    the argument named ``rate`` as the learning rate."""

    def check(function: str, values: dict[str, Any], result: Any) -> None:
        seen = np.asarray(costs(result), dtype=float).ravel()
        wrong = np.flatnonzero(~np.isfinite(seen))
        if wrong.size:
            learning_rate = values.get(rate) if rate else None
            warn_if_diverged(function, float(seen[wrong[0]]), f"{when} {wrong[0] + 1}", learning_rate, stacklevel=4)

    return Afterwards(check)


def warn_if_diverged(function: str, cost: float, when: str, learning_rate: float | None = None, stacklevel: int = 3) -> bool:
    """Warn (once per call) when a training cost is NaN or infinite, saying when and what usually causes
    it; returns whether it did. ``when``: "epoch 3", "step 120"...; ``stacklevel``: as ``warnings.warn``'s,
    counted from the caller of the function that calls this one."""
    if math.isfinite(cost):
        return False
    rate = f" (learning rate {learning_rate:g})" if learning_rate is not None else ""
    warnings.warn(
        f"{function}: the cost became {cost} at {when}{rate}: training has diverged, and every weight it touches is "
        "now meaningless. Usual causes: a learning rate too large (try a tenth of it), NaN or infinity in the data, or "
        "a log or division of zero in the cost.",
        RuntimeWarning,
        stacklevel=stacklevel,
    )
    return True
