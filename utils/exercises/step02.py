"""The exercises of step 2 (``notebooks/02_getting_technical.ipynb``)."""

from __future__ import annotations

import numpy as np

from utils import gradcheck, nn
from utils.exercises.core import FunctionExercise, Mistake


def rotation_matrix(theta):
    """The 2 x 2 matrix that rotates the plane by ``theta`` radians, counter-clockwise."""
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]])


ROTATION = FunctionExercise(
    name="rotation_matrix",
    title="A rotation as a matrix",
    hint="The columns of the matrix are where e1 = (1, 0) and e2 = (0, 1) land. Draw the unit circle: where is each after turning by θ?",
    solution=rotation_matrix,
    cases=[(np.pi / 6,), (np.pi / 2,), (2.0,)],
    mistakes=[
        Mistake(lambda t: rotation_matrix(t).T, "That is the transpose: it rotates clockwise. Swap the two sines."),
        Mistake(lambda t: rotation_matrix(np.deg2rad(t)), "θ is already in radians; np.cos and np.sin take radians, so no conversion is needed."),
    ],
    shape_hint="Return a 2 x 2 array: np.array([[a, b], [c, d]]).",
)


def cube(x):
    return x**3


CENTRAL_DIFFERENCE = FunctionExercise(
    name="central_difference",
    title="The central difference",
    hint="Look as far to the left as to the right: (f(x + h) - f(x - h)) / (2h).",
    solution=gradcheck.central_difference,
    cases=[(np.sin, 1.0, 1e-3), (cube, 2.0, 1e-2), (np.exp, 0.5, 1e-4)],
    mistakes=[
        Mistake(lambda f, x, h: (f(x + h) - f(x)) / h, "That is the forward difference; the central one looks both ways and is far more accurate."),
        Mistake(lambda f, x, h: (f(x) - f(x - h)) / h, "That is the backward difference; the central one looks both ways."),
        Mistake(lambda f, x, h: (f(x + h) - f(x - h)) / h, "Twice too large: the two points are 2h apart, so divide by 2h."),
    ],
    rtol=1e-9,
)

SIGMOID_PRIME = FunctionExercise(
    name="sigmoid_prime",
    title="The derivative of the sigmoid",
    hint="σ'(z) = σ(z) (1 - σ(z)): compute s = sigmoid(z) first, then use s twice.",
    solution=nn.sigmoid_prime,
    cases=[(np.array([-3.0, 0.0, 0.5, 6.0]),), (np.array([[1.0, -1.0], [10.0, -10.0]]),)],
    mistakes=[
        Mistake(lambda z: z * (1 - z), "You applied s (1 - s) to z itself; it must be applied to s = sigmoid(z)."),
        Mistake(nn.sigmoid, "That is σ(z) itself, not its slope."),
        Mistake(lambda z: nn.sigmoid(z) * (1 - z), "Both factors need σ(z): σ(z) (1 - σ(z)), not σ(z) (1 - z)."),
    ],
    shape_hint="Work element by element so the output has the same shape as z.",
)

_rng = np.random.default_rng(2)
_LOGISTIC_CASES = [
    (_rng.normal(size=(6, 3)), np.array([0.0, 1, 1, 0, 1, 0]), _rng.normal(size=3), 0.1),
    (_rng.normal(size=(10, 2)), np.array([1.0, 0, 0, 1, 1, 1, 0, 0, 1, 0]), _rng.normal(size=2), -0.5),
]


def _summed_gradient(X, y, w, b):
    dw, db = nn.logistic_gradient(X, y, w, b)
    return dw * len(y), db * len(y)


def _unsquashed_gradient(X, y, w, b):
    error = X @ w + b - y
    return X.T @ error / len(y), float(np.mean(error))


LOGISTIC_GRADIENT = FunctionExercise(
    name="logistic_gradient",
    title="The gradient of logistic regression",
    hint="With p = sigmoid(X @ w + b): dw = X.T @ (p - y) / n and db = mean(p - y), where n = len(y).",
    solution=nn.logistic_gradient,
    cases=_LOGISTIC_CASES,
    mistakes=[
        Mistake(lambda X, y, w, b: tuple(-g for g in nn.logistic_gradient(X, y, w, b)),
                "Your gradient has the wrong sign: use p - y, not y - p (the gradient points uphill; descent subtracts it)."),
        Mistake(_summed_gradient, "Your gradient is n times too large: the loss is a mean over the n examples, so divide by n."),
        Mistake(_unsquashed_gradient, "Apply the sigmoid first: p = sigmoid(X @ w + b), then use p - y."),
    ],
    shape_hint="Return (dw, db): dw has one entry per weight, X.T @ (p - y) / n has shape (features,); db is a single number.",
)

EXERCISES = [ROTATION, CENTRAL_DIFFERENCE, SIGMOID_PRIME, LOGISTIC_GRADIENT]
