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
"""

from __future__ import annotations

import numpy as np


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


def rotation_matrix(theta):
    """The ``(2, 2)`` matrix that turns the plane counter-clockwise by ``theta`` radians.

    Its columns are where the basis vectors land: e1 on (cos θ, sin θ), e2 a quarter turn further on.
    Step 2, "Matrices are maps": the solution of the warm-up "rotation_matrix".
    """
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]])


def sigmoid_prime(z):
    """The derivative of the sigmoid: σ'(z) = σ(z) (1 - σ(z)); any shape -> same shape."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_prime(z):
    """The derivative of tanh: 1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    """The rectified linear unit max(0, z), element-wise."""
    return np.maximum(0.0, z)


def relu_prime(z):
    """The derivative of ReLU: 1 for z > 0, else 0 (the value at exactly 0 is a convention)."""
    return (np.asarray(z) > 0).astype(float)


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


def dense_forward(x, weights, biases, activation=sigmoid):
    """A forward pass through dense layers: ``a = activation(a @ W + b)`` for each ``(W, b)``.

    ``x``: ``(batch, n_in)``; ``weights[i]``: ``(n_i, n_{i+1})``; ``biases[i]``: ``(n_{i+1},)``.
    Returns the last layer's activations, ``(batch, n_out)``.
    """
    activations = np.asarray(x, dtype=float)
    for weight, bias in zip(weights, biases):
        activations = activation(activations @ weight + bias)
    return activations


def nearest_templates(vectors, labels, classes=10):
    """The nearest-template classifier as a layer of neurons: one template (the mean) per class.

    ``vectors``: ``(n, d)``; ``labels``: ``(n,)`` of ``0 .. classes - 1``. Returns ``(templates
    (classes, d), biases (classes,))`` such that ``vectors @ templates.T + biases`` is largest for the
    nearest template: each bias is ``-½ ||template||²``.
    """
    templates = np.stack([vectors[labels == k].mean(axis=0) for k in range(classes)])
    biases = -0.5 * np.sum(templates**2, axis=1)
    return templates, biases


def binary_cross_entropy(predicted, target, eps: float = 1e-12):
    """Mean of -[t log p + (1 - t) log(1 - p)] over examples; ``predicted`` and ``target`` ``(n,)``.

    Probabilities are clipped to [eps, 1 - eps] so a confident mistake costs a large but finite amount.
    """
    p = np.clip(np.asarray(predicted, dtype=float), eps, 1 - eps)
    t = np.asarray(target, dtype=float)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


def logistic_gradient(X, y, w, b):
    """The gradient of the mean binary cross-entropy of one sigmoid neuron, p = σ(X @ w + b).

    ``X``: ``(n, features)``; ``y``: ``(n,)`` of 0/1; ``w``: ``(features,)``; ``b``: a number.
    Returns ``(dw, db)``: ``dw`` ``(features,)`` and ``db`` a float. Step 2 derives it: for each
    example the derivative of its loss with respect to z = x·w + b is simply p - y, so
    dw = X.T @ (p - y) / n and db = mean(p - y).
    """
    error = sigmoid(X @ w + b) - y
    return X.T @ error / len(y), float(np.mean(error))


def bowl(point):
    """The elongated bowl f(x, y) = x² + 10 y² of step 3: (2,) -> a number."""
    return point[0] ** 2 + 10 * point[1] ** 2


def bowl_gradient(point):
    """∇f = (2x, 20y): (2,) -> (2,). Gradient descent on it is stable only for η < 2/20 = 0.1."""
    return np.array([2 * point[0], 20 * point[1]])


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
