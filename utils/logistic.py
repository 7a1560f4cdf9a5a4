"""Sigmoid (logistic) neurons in step 2: the slopes of a chain of two, and one trained by gradient descent.

Taught in step 2 (``notebooks/02_getting_technical.ipynb``): ``two_neuron_slopes`` in "The chain
rule", ``train_logistic`` in "Logistic regression: one sigmoid neuron that learns". The learner
writes both there (the labs ``chain_rule`` and ``train_logistic``); these are the course's tested
versions, which the notebook uses until the learner's pass, and the labs' solutions. The gradient of
one neuron's loss is ``utils.nn.logistic_gradient``, here by the notebook's name for it, ``loss_gradient``.
The ``@arguments`` line above a function declares its argument checks (``utils.checks``), not part of a lab's solution.
"""

from __future__ import annotations

import inspect

import numpy as np

from utils import nn
from utils.checks import arguments, array, diverged_costs, number, positive, positive_integer, same_length
from utils.nn import binary, sigmoid

#: The notebook's name for the gradient of one neuron's loss: there, the learner's ``my_logistic_gradient`` once
#: it has passed its check, ``utils.nn.logistic_gradient`` until then. ``train_logistic`` calls it by this name so
#: that, pasted into the notebook as the lab's solution, it trains with the same gradient as the notebook. Here it
#: and the loss are the functions without their argument checks: ``train_logistic`` checks its arguments once.
loss_gradient = inspect.unwrap(nn.logistic_gradient)
binary_cross_entropy = inspect.unwrap(nn.binary_cross_entropy)


@arguments(x=array(), w1=number(), b1=number(), w2=number(), b2=number())
def two_neuron_slopes(x, w1, b1, w2, b2):
    """The slopes of y = σ(w2 h + b2), where h = σ(w1 x + b1), with respect to its four parameters
    (step 2, "The chain rule": the solution of the lab "chain_rule").

    ``x``: inputs ``(n,)``; ``w1, b1, w2, b2``: numbers. Returns ``(dy_dw1, dy_db1, dy_dw2, dy_db2)``,
    each ``(n,)``: the slope at each input. By the chain rule each is the product of the slopes of the
    links from the parameter to y: ∂y/∂z2 = σ'(z2) = y (1 - y), ∂z2/∂h = w2, ∂h/∂z1 = σ'(z1) = h (1 - h),
    ∂z1/∂w1 = x, and 1 for each bias.
    """
    h = sigmoid(w1 * x + b1)
    y = sigmoid(w2 * h + b2)
    slope_of_output = y * (1 - y)
    slope_to_hidden_sum = slope_of_output * w2 * h * (1 - h)
    return slope_to_hidden_sum * x, slope_to_hidden_sum, slope_of_output * h, slope_of_output


@arguments(
    same_length("X", "y"),
    diverged_costs(lambda result: result[2]),
    X=array(ndim=2, finite=True),
    y=binary,
    learning_rate=positive,
    steps=positive_integer,
)
def train_logistic(X, y, learning_rate, steps):
    """Full-batch gradient descent on the mean binary cross-entropy of one sigmoid neuron (step 2, "Logistic
    regression": the solution of the lab "train_logistic").

    ``X``: ``(n, features)``; ``y``: ``(n,)`` of 0/1. Starts from ``w = 0``, ``b = 0``; each of the
    ``steps`` steps computes the gradient at the current ``(w, b)`` on all of ``X`` and moves against
    it by ``learning_rate`` times it. Returns ``(w (features,), b, losses)``, where ``losses`` is a
    list of ``steps`` numbers: ``losses[k]`` is the training loss after step ``k + 1`` (the loss before
    the first step is always ln 2, every prediction being 0.5).
    """
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(steps):
        dw, db = loss_gradient(X, y, w, b)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        losses.append(binary_cross_entropy(sigmoid(X @ w + b), y))
    return w, b, losses
