"""The exercises of step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``)."""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.exercises.core import FunctionExercise, Mistake
from utils.widgets import bowl_gradient


def tilted_gradient(point):
    """The gradient of f(x, y) = (x - 1)² + 2 (y + 0.5)² + x y."""
    x, y = point
    return np.array([2 * (x - 1) + y, 4 * (y + 0.5) + x])


def _ascent(gradient, start, learning_rate, steps):
    return nn.gradient_descent(gradient, start, -learning_rate, steps)


GRADIENT_DESCENT = FunctionExercise(
    name="gradient_descent",
    title="Gradient descent",
    hint="Start a list with the starting point; then, steps times, set p = p - learning_rate * gradient(p) and append it.",
    solution=nn.gradient_descent,
    cases=[(bowl_gradient, np.array([-4.0, 1.5]), 0.05, 10), (tilted_gradient, np.array([0.0, 0.0]), 0.1, 25)],
    mistakes=[
        Mistake(_ascent, "You are climbing: subtract the gradient (p - η ∇f), do not add it."),
        Mistake(lambda g, s, r, n: nn.gradient_descent(g, s, r, n)[1:], "The starting point is missing: the path begins with it, so it has steps + 1 rows."),
        Mistake(lambda g, s, r, n: nn.gradient_descent(g, s, r, n)[-1], "Return the whole path (every point, one per row), not just the last point."),
    ],
    shape_hint="The path has one row per point: steps + 1 rows (the start included) and one column per coordinate.",
)


def output_error(a, y):
    """δ_L for the quadratic cost with sigmoid outputs: (a - y) ⊙ σ'(z), where σ'(z) = a (1 - a)."""
    return (a - y) * a * (1 - a)


_rng = np.random.default_rng(3)
_OUTPUTS = [(_rng.uniform(0.05, 0.95, size=(4, 3)), np.eye(3)[[0, 2, 1, 0]]), (_rng.uniform(0.05, 0.95, size=(1, 10)), np.eye(10)[[7]])]

OUTPUT_ERROR = FunctionExercise(
    name="output_error",
    title="The output error of the quadratic cost",
    hint="δ = ∂C/∂z = ∂C/∂a · ∂a/∂z: the first factor is (a - y), the second is σ'(z), which equals a (1 - a).",
    solution=output_error,
    cases=_OUTPUTS,
    mistakes=[
        Mistake(lambda a, y: a - y, "That is the output error of the cross-entropy cost. The quadratic cost keeps the factor σ'(z) = a (1 - a)."),
        Mistake(lambda a, y: (y - a) * a * (1 - a), "The sign is flipped: the derivative of ½(a - y)² with respect to a is (a - y)."),
        Mistake(lambda a, y: (a - y) * nn.sigmoid_prime(a), "σ' must be taken at z, not at a. Since a = σ(z), σ'(z) = a (1 - a)."),
    ],
    shape_hint="δ has the same shape as a: one row per example, one column per output neuron; all operations are element-wise.",
)


def backward_step(delta, W, a_prev):
    """One layer of backpropagation, one example per row.

    delta: ∂C/∂z of this layer (batch, n_out); W: its weights (n_in, n_out); a_prev: the activations
    feeding it (batch, n_in), outputs of sigmoid neurons. Returns (dW (n_in, n_out), db (n_out,),
    delta_prev (batch, n_in)), the gradients of the mean cost over the batch.
    """
    dW = a_prev.T @ delta / len(delta)
    db = delta.mean(axis=0)
    delta_prev = (delta @ W.T) * a_prev * (1 - a_prev)
    return dW, db, delta_prev


_BACKWARD = [
    (_rng.normal(size=(5, 3)), _rng.normal(size=(4, 3)), _rng.uniform(0.05, 0.95, size=(5, 4))),
    (_rng.normal(size=(2, 2)), _rng.normal(size=(6, 2)), _rng.uniform(0.05, 0.95, size=(2, 6))),
]


def _summed(delta, W, a_prev):
    dW, db, delta_prev = backward_step(delta, W, a_prev)
    return dW * len(delta), db * len(delta), delta_prev


def _no_slope(delta, W, a_prev):
    dW, db, _ = backward_step(delta, W, a_prev)
    return dW, db, delta @ W.T


BACKWARD_STEP = FunctionExercise(
    name="backward_step",
    title="One layer of backpropagation",
    hint="dW = a_prev.T @ delta / batch, db = the mean of delta over rows, delta_prev = (delta @ W.T) * a_prev * (1 - a_prev).",
    solution=backward_step,
    cases=_BACKWARD,
    mistakes=[
        Mistake(_summed, "dW and db are batch-size times too large: the cost is a mean over the batch, so divide by the number of rows."),
        Mistake(_no_slope, "delta_prev is missing the slope of the layer below: multiply by σ'(z_prev) = a_prev * (1 - a_prev)."),
    ],
    shape_hint="dW has the shape of W, (n_in, n_out): a_prev.T @ delta gives (n_in, batch) @ (batch, n_out). "
               "delta_prev has the shape of a_prev: delta @ W.T gives (batch, n_out) @ (n_out, n_in).",
)

EXERCISES = [GRADIENT_DESCENT, OUTPUT_ERROR, BACKWARD_STEP]
