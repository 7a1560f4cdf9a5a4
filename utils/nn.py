"""From-scratch neural-network building blocks in NumPy, reused by later steps.

Conventions (as in the notebooks): a mini-batch is a matrix with one example per row, so a layer
maps ``(batch, inputs) -> (batch, outputs)`` as ``activation(x @ W + b)`` with ``W`` of shape
``(inputs, outputs)`` and ``b`` of shape ``(outputs,)``.

Where each piece is taught:

- ``step``, ``sigmoid``, ``perceptron``, ``nand_parameters``, ``train_perceptron``, ``dense_forward``,
  ``nearest_templates``: step 1, "A neuron", "Perceptrons as logic gates", "Learning the weights: the
  perceptron rule", "A forward pass" and "A first digit classifier" (each is also the reference solution
  of that section's lab).
- ``rotation_matrix``: step 2, "Matrices are maps" (the solution of its warm-up).
- ``sigmoid_prime``, ``tanh_prime``, ``relu``, ``relu_prime``: step 2, "The sigmoid and its friends".
- ``binary_cross_entropy``, ``logistic_gradient``: step 2, "Logistic regression: one sigmoid neuron".
- ``gradient_descent``, and the elongated ``bowl`` with its ``bowl_gradient`` it runs on: step 3,
  "Gradient descent you can see" (the network itself is ``utils.network``).

The ``@arguments`` line above a function declares its argument checks (``utils.checks``): it is not part of
what a learner writes, and a lab's pasted solution leaves it out. ``sigmoid`` has none: step 7's gated cells call
it at every time step, where a check would cost more than the sigmoid (NumPy refuses a string; ``None`` gives NaN).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import (
    Together,
    a_function,
    arguments,
    array,
    arrays,
    diverged_costs,
    fail,
    number,
    positive,
    positive_integer,
    same_length,
    same_shape,
)

_numbers = array()


def binary(function: str, name: str, value: Any) -> Any:
    """Targets (or labels) of 0 and 1, one per example: shape (n,). A column (n, 1) is refused: against a (n,)
    vector NumPy would broadcast it into a (n, n) matrix and give a wrong number without a word."""
    _numbers(function, name, value)
    values = np.asarray(value)
    if values.ndim != 1:
        fail(function, name, value, f"has {values.ndim} dimensions", "give one target per example, shape (n,) (y.ravel() for a column)")
    small = values.size <= 32  # a mini-batch: a Python loop is quicker than three NumPy calls
    if not (all(v == 0 or v == 1 for v in values.tolist()) if small else ((values == 0) | (values == 1)).all()):
        fail(function, name, value, "holds values other than 0 and 1", "give targets of 0 or 1, one per example")
    return value


def probabilities(function: str, name: str, value: Any) -> Any:
    """An array of numbers from 0 to 1 (predicted probabilities, or soft targets)."""
    _numbers(function, name, value)
    values = np.asarray(value)
    if values.size and not (values.min() >= 0 and values.max() <= 1):  # NaN compares false
        problem = "holds NaN" if np.isnan(values).any() else f"holds values from {values.min():g} to {values.max():g}"
        fail(function, name, value, problem, "give probabilities, numbers from 0 to 1")
    return value


def _point(function: str, name: str, value: Any) -> Any:
    """A point of the plane (x, y), or a pair of grids of x and y."""
    _numbers(function, name, value)
    if np.ndim(value) == 0 or len(value) != 2:
        fail(function, name, value, f"has {np.size(value) if np.ndim(value) == 0 else len(value)} coordinates", "give a point (x, y)")
    return value


def one_per_column(matrix: str, vector: str) -> Together:
    """For ``@arguments``: ``vector`` has one entry per column (feature) of ``matrix``: weights for inputs."""

    def check(function: str, values: dict[str, Any]) -> None:
        columns, entries = np.shape(values[matrix])[-1], np.shape(values[vector])[0]
        if entries != columns:
            fail(function, vector, values[vector], f"has {entries} entries", f"give one per column of {matrix} ({columns})")

    return check


def layer_shapes(inputs: str, weights: str = "weights", biases: str = "biases", targets: str | None = None) -> Together:
    """For ``@arguments``: layers that fit together: one bias vector ``(n_out,)`` per weight matrix ``(n_in, n_out)``,
    each matrix with a row per output of the layer below (the first, per column of ``inputs``), and ``targets``
    (if named) of the shape of the last layer's output. ``zip`` would drop a layer, and NumPy broadcast a bias
    of the wrong length, without a word."""

    def check(function: str, values: dict[str, Any]) -> None:
        matrices, vectors, x = values[weights], values[biases], values[inputs]
        if len(matrices) != len(vectors):
            fail(
                function,
                biases,
                vectors,
                f"holds {len(vectors)} array{'s' if len(vectors) != 1 else ''}, {weights} {len(matrices)}",
                "give one bias vector per weight matrix",
            )
        if not matrices:
            fail(function, weights, matrices, "is empty", "give one weight matrix per layer")
        width = np.shape(x)[-1]
        for index, (matrix, bias) in enumerate(zip(matrices, vectors)):
            shape = np.shape(matrix)
            if shape[0] != width and index == 0:
                fail(function, inputs, x, f"has {width} columns", f"give one column per row of {weights}[0] ({shape[0]})")
            if shape[0] != width:
                fail(
                    function,
                    f"{weights}[{index}]",
                    matrix,
                    f"has {shape[0]} rows",
                    f"give one per column of {weights}[{index - 1}] ({width})",
                )
            if np.shape(bias) != shape[1:]:
                fail(
                    function,
                    f"{biases}[{index}]",
                    bias,
                    f"has shape {np.shape(bias)}",
                    f"give one bias per column of {weights}[{index}], shape {shape[1:]}",
                )
            width = shape[-1]
        if targets is not None and np.shape(values[targets]) != np.shape(x)[:-1] + (width,):
            wanted = np.shape(x)[:-1] + (width,)
            fail(
                function,
                targets,
                values[targets],
                f"does not have the shape of the outputs, {wanted}",
                f"give one row of {width} targets per example",
            )

    return check


@arguments(z=array())
def step(z):
    """The perceptron's activation: 1 where ``z > 0``, else 0 (same shape as ``z``)."""
    return (np.asarray(z) > 0).astype(float)


def sigmoid(z):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(-z)), element-wise; any shape -> same shape.

    For z below about -709, e^(-z) overflows to infinity and 1 / (1 + inf) is exactly 0.0, the
    correct limit, so that overflow warning is silenced rather than worked around.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


@arguments(theta=number())
def rotation_matrix(theta):
    """The ``(2, 2)`` matrix that turns the plane counter-clockwise by ``theta`` radians.

    Its columns are where the basis vectors land: e1 on (cos θ, sin θ), e2 a quarter turn further on.
    Step 2, "Matrices are maps": the solution of the warm-up "rotation_matrix".
    """
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]])


@arguments(z=array())
def sigmoid_prime(z):
    """The derivative of the sigmoid: σ'(z) = σ(z) (1 - σ(z)); any shape -> same shape."""
    s = sigmoid(z)
    return s * (1.0 - s)


@arguments(z=array())
def tanh_prime(z):
    """The derivative of tanh: 1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2


@arguments(z=array())
def relu(z):
    """The rectified linear unit max(0, z), element-wise."""
    return np.maximum(0.0, z)


@arguments(z=array())
def relu_prime(z):
    """The derivative of ReLU: 1 for z > 0, else 0 (the value at exactly 0 is a convention)."""
    return (np.asarray(z) > 0).astype(float)


@arguments(one_per_column("x", "w"), x=array(ndim=(1, 2)), w=array(ndim=1), b=number())
def perceptron(x, w, b):
    """A perceptron: ``step(x @ w + b)``. ``x``: ``(batch, n)`` or ``(n,)``; ``w``: ``(n,)``; ``b``: scalar."""
    return step(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)


def nand_parameters() -> tuple[np.ndarray, float]:
    """Weights ``(2,)`` and bias of a perceptron that computes NAND (the example of Nielsen's chapter 1).

    Step 1, "Perceptrons as logic gates": the solution of the warm-up "nand_perceptron".
    """
    weights = np.array([-2.0, -2.0])  # each input that is on pulls the sum down by 2 ...
    bias = 3.0  # ... so the sum 3 - 2·(number of inputs on) is negative only when both are on
    return weights, bias


@arguments(
    same_length("inputs", "targets"),
    inputs=array(ndim=2, finite=True),
    targets=binary,
    epochs=positive_integer,
    learning_rate=positive,
)
def train_perceptron(inputs, targets, epochs, learning_rate=1.0):
    """Rosenblatt's perceptron learning rule: one example at a time, in order, from zero weights.

    ``inputs``: ``(n, d)``; ``targets``: ``(n,)`` of 0 and 1. Each example nudges the weights by
    ``learning_rate * (target - prediction) * x`` (nothing when the prediction is right). Returns
    ``(weights (d,), bias, mistakes)``: ``mistakes[k]`` counts the examples misclassified during epoch
    ``k`` (each judged just before its own update).
    """
    weights, bias = np.zeros(inputs.shape[1]), 0.0
    mistakes = []
    for _ in range(epochs):
        wrong = 0
        for x, target in zip(inputs, targets):
            error = target - step(x @ weights + bias)
            weights = weights + learning_rate * error * x
            bias = bias + learning_rate * error
            wrong += int(error != 0)
        mistakes.append(wrong)
    return weights, bias, mistakes


@arguments(layer_shapes("x"), x=array(ndim=(1, 2)), weights=arrays(ndim=2), biases=arrays(ndim=1), activation=a_function)
def dense_forward(x, weights, biases, activation=sigmoid):
    """A forward pass through dense layers: ``a = activation(a @ W + b)`` for each ``(W, b)``.

    ``x``: ``(batch, n_in)``; ``weights[i]``: ``(n_i, n_{i+1})``; ``biases[i]``: ``(n_{i+1},)``.
    Returns the last layer's activations, ``(batch, n_out)``.
    """
    activations = np.asarray(x, dtype=float)
    for weight, bias in zip(weights, biases):
        activations = activation(activations @ weight + bias)
    return activations


def _every_class(function: str, values: dict[str, Any]) -> None:
    """Labels from 0 to ``classes`` - 1, each at least once (a class with no example has no mean: NaN)."""
    labels, classes = np.asarray(values["labels"]), values["classes"]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        fail(
            function,
            "labels",
            values["labels"],
            f"holds labels from {labels.min():g} to {labels.max():g}",
            f"give labels from 0 to {classes - 1}",
        )
    missing = np.flatnonzero(np.bincount(labels.astype(int), minlength=classes) == 0)
    if missing.size:
        fail(
            function,
            "labels",
            values["labels"],
            f"has no example of class {missing[0]}",
            f"give at least one example of each of the {classes} classes",
        )


@arguments(
    same_length("vectors", "labels"),
    _every_class,
    vectors=array(ndim=2),
    labels=array(ndim=1, integers=True),
    classes=positive_integer,
)
def nearest_templates(vectors, labels, classes=10):
    """The nearest-template classifier as a layer of neurons: one template (the mean) per class.

    ``vectors``: ``(n, d)``; ``labels``: ``(n,)`` of ``0 .. classes - 1``. Returns ``(templates
    (classes, d), biases (classes,))`` such that ``vectors @ templates.T + biases`` is largest for the
    nearest template: each bias is ``-½ ||template||²``.
    """
    templates = np.stack([vectors[labels == k].mean(axis=0) for k in range(classes)])
    biases = -0.5 * np.sum(templates**2, axis=1)
    return templates, biases


@arguments(same_shape("predicted", "target"), predicted=probabilities, target=probabilities, eps=number(above=0, maximum=0.5))
def binary_cross_entropy(predicted, target, eps: float = 1e-12):
    """Mean of -[t log p + (1 - t) log(1 - p)] over examples; ``predicted`` and ``target`` ``(n,)``.

    Probabilities are clipped to [eps, 1 - eps] so a confident mistake costs a large but finite amount.
    """
    p = np.clip(np.asarray(predicted, dtype=float), eps, 1 - eps)
    t = np.asarray(target, dtype=float)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


@arguments(same_length("X", "y"), one_per_column("X", "w"), X=array(ndim=2), y=binary, w=array(ndim=1), b=number())
def logistic_gradient(X, y, w, b):
    """The gradient of the mean binary cross-entropy of one sigmoid neuron, p = σ(X @ w + b).

    ``X``: ``(n, features)``; ``y``: ``(n,)`` of 0/1; ``w``: ``(features,)``; ``b``: a number.
    Returns ``(dw, db)``: ``dw`` ``(features,)`` and ``db`` a float. Step 2 derives it: for each
    example the derivative of its loss with respect to z = x·w + b is simply p - y, so
    dw = X.T @ (p - y) / n and db = mean(p - y).
    """
    error = sigmoid(X @ w + b) - y
    return X.T @ error / len(y), float(np.mean(error))


@arguments(point=_point)
def bowl(point):
    """The elongated bowl f(x, y) = x² + 10 y² of step 3: (2,) -> a number."""
    return point[0] ** 2 + 10 * point[1] ** 2


@arguments(point=_point)
def bowl_gradient(point):
    """∇f = (2x, 20y): (2,) -> (2,). Gradient descent on it is stable only for η < 2/20 = 0.1."""
    return np.array([2 * point[0], 20 * point[1]])


@arguments(
    diverged_costs(lambda path: path[1:].sum(axis=1)),
    gradient=a_function,
    start=array(ndim=1, finite=True),
    learning_rate=positive,
    steps=positive_integer,
)
def gradient_descent(gradient, start, learning_rate: float, steps: int) -> np.ndarray:
    """Plain gradient descent: p <- p - learning_rate * gradient(p), ``steps`` times from ``start``.

    ``gradient``: a function ``(d,) -> (d,)``; ``start``: ``(d,)``. Returns the path, ``(steps + 1, d)``,
    starting point first. Taught in step 3, "Gradient descent you can see".
    """
    point = np.array(start, dtype=float)
    path = [point.copy()]
    for _ in range(steps):
        point = point - learning_rate * np.asarray(gradient(point), dtype=float)
        path.append(point.copy())
    return np.array(path)
