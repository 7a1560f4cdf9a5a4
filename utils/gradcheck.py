"""Numerical derivatives: the independent reference every hand-written gradient is checked against.

Taught in step 2 ("Derivatives: the limit, numerically"), used for gradient checks from step 3 on. The
``@arguments`` line above a function declares its argument checks (``utils.checks``), not part of a lab's solution.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import ArgumentTypeError, a_function, arguments, array, fail, is_a, positive, same_shape


def _float64_array(function: str, name: str, value: Any) -> Any:
    """A float64 NumPy array, which can be nudged in place (a list cannot, and float32 rounds h away)."""
    if not isinstance(value, np.ndarray) or value.dtype != np.float64:
        kind = f"is a {value.dtype} array" if isinstance(value, np.ndarray) else is_a(value)
        fail(
            function,
            name,
            value,
            kind,
            "give a float64 NumPy array to nudge in place (np.asarray(x, dtype=float))",
            ArgumentTypeError,
        )
    return value


@arguments(f=a_function, x=array(), h=positive)
def central_difference(f, x: float | np.ndarray, h: float = 1e-5) -> float | np.ndarray:
    """The derivative of a function of one number at ``x``: (f(x + h) - f(x - h)) / 2h (at every entry of an
    array ``x`` of points, for an ``f`` that works entry by entry). The solution of step 2's warm-up "central_difference".

    Its error shrinks like h², against h for the one-sided (f(x + h) - f(x)) / h, until rounding
    error (about machine epsilon / h) takes over; step 2 plots both.
    """
    return (f(x + h) - f(x - h)) / (2 * h)


@arguments(f=a_function, x=_float64_array, h=positive)
def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """The gradient of a scalar function ``f(x)`` with respect to every entry of the array ``x`` (step 2,
    "Gradients": the solution of the lab "numerical_gradient").

    Each entry is nudged by ±h in place (and restored), so ``f`` may close over ``x`` itself, as a
    loss closes over a network's weights. ``x`` should be float64. Returns an array shaped like ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            f"numerical_gradient needs a float64 NumPy array to nudge in place, got {type(x).__name__} {getattr(x, 'dtype', '')}."
        )
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f(x)
        x[index] = original - h
        f_minus = f(x)
        x[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


@arguments(same_shape("a", "b"), a=array(), b=array(), floor=positive)
def relative_error(a, b, floor: float = 1e-12) -> float:
    """‖a - b‖ / (‖a‖ + ‖b‖), with Euclidean norms over all entries: 1e-7 or below means the two agree.

    Comparing whole vectors (as in Andrew Ng's gradient-checking recipe) rather than entry by entry
    keeps the many near-zero entries of a gradient, where central differences are only accurate to
    about 1e-11 in absolute terms, from swamping the ratio. The floor keeps it finite when both are zero.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(float(np.linalg.norm(a) + np.linalg.norm(b)), floor))
