"""A fully connected sigmoid network written from scratch in NumPy: forward pass, backpropagation,
mini-batch gradient descent, two costs and L2 regularisation.

Taught in step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``): its labs have you write
``sgd_epoch`` (section 1), ``network_gradients`` (section 3, "The vectorized network") and
``l2_gradients`` (section 6); step 4 checks the network against TensorFlow's automatic differentiation.

Conventions: one example per row. A layer maps ``(batch, n_in) -> (batch, n_out)`` as
``a = σ(a_prev @ W + b)`` with ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``.
Targets are one-hot rows, ``(batch, n_out)``. Costs and gradients are means over the batch.

The four equations of backpropagation, in this layout (⊙ is element-wise product, L the last layer):

- output error:     δ_L = ∂C/∂z_L  (the cost's ``delta``, per example)
- backwards:        δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ σ'(z_l)
- weight gradient:  ∂C/∂W_l = a_{l-1}.T @ δ_l / batch
- bias gradient:    ∂C/∂b_l = mean of δ_l over the rows

The same pieces as plain functions of ``(weights, biases)`` lists, as the step-3 labs write them:
``network_gradients`` (backpropagation), ``sgd_epoch`` (one epoch of mini-batch gradient descent with
any backward function) and ``l2_gradients`` (the gradients of the L2-regularised cost). ``Network``
uses ``network_gradients``; its ``train_epoch`` is written separately and tested equal to ``sgd_epoch``.

``train_epoch_per_example`` is the classic loop over single examples (column vectors, as in
Nielsen's ``network.py``), written here independently as the speed baseline for the vectorized code.
"""

from __future__ import annotations

import numpy as np

from utils.nn import sigmoid


def one_hot(labels, classes: int = 10) -> np.ndarray:
    """Integer labels ``(n,)`` -> one-hot float rows ``(n, classes)``."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"one_hot needs a 1-D array of integer labels in 0..{classes - 1}, got shape {labels.shape}.")
    encoded = np.zeros((len(labels), classes))
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


def minibatches(n: int, batch_size: int, rng) -> list[np.ndarray]:
    """Shuffle ``range(n)`` with ``rng`` and cut it into mini-batches of ``batch_size`` (the last may be smaller).

    Every training loop of the course (NumPy, TensorFlow and Keras, steps 3 and 4) draws its batches
    here, so the same seed gives the same batches in the same order everywhere.
    """
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


class QuadraticCost:
    """C = mean over examples of ½ ||a - y||². Its output error carries σ'(z), hence slow learning when saturated."""

    @staticmethod
    def value(a: np.ndarray, y: np.ndarray) -> float:
        return float(0.5 * np.sum((a - y) ** 2) / len(a))

    @staticmethod
    def delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂C_x/∂z_L for each example row: (a - y) ⊙ σ'(z), with σ'(z) = a (1 - a) from the forward pass."""
        return (a - y) * a * (1 - a)


class CrossEntropyCost:
    """C = mean over examples of -Σ [y ln a + (1 - y) ln(1 - a)]. With sigmoid outputs, δ_L = a - y: no σ'."""

    @staticmethod
    def value(a: np.ndarray, y: np.ndarray) -> float:
        a = np.clip(a, 1e-12, 1 - 1e-12)
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / len(a))

    @staticmethod
    def delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂C_x/∂z_L for each example row: the σ'(z) of the chain rule cancels against the cost's slope."""
        return a - y


def forward_pass(weights, biases, X):
    """All weighted inputs and activations of a sigmoid network: ``zs[l]`` and ``activations[l + 1]``
    are ``(batch, n_{l+1})``; ``activations[0]`` is the input ``X``."""
    zs, activations = [], [X]
    for W, b in zip(weights, biases):
        zs.append(activations[-1] @ W + b)
        activations.append(sigmoid(zs[-1]))
    return zs, activations


def network_gradients(weights, biases, X, Y, cost=QuadraticCost):
    """Backpropagation through sigmoid layers: the gradients of the mean ``cost`` over the batch.

    ``X``: ``(batch, n_0)``; ``Y``: ``(batch, n_L)``; ``weights[l]``: ``(n_l, n_{l+1})``; ``biases[l]``:
    ``(n_{l+1},)``. Returns ``(weight_grads, bias_grads)``, lists shaped like ``weights`` and ``biases``.
    The reference of step 3's lab "network_backward" (with the quadratic cost).
    """
    _, activations = forward_pass(weights, biases, X)
    delta = cost.delta(activations[-1], Y)  # (batch, n_out)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        weight_grads[layer] = activations[layer].T @ delta / len(X)
        bias_grads[layer] = delta.sum(axis=0) / len(X)
        if layer > 0:
            hidden = activations[layer]  # σ(z) of the layer below, so σ'(z) = hidden (1 - hidden)
            delta = (delta @ weights[layer].T) * hidden * (1 - hidden)
    return weight_grads, bias_grads


def sgd_epoch(weights, biases, X, Y, batch_size: int, learning_rate: float, rng, backward=network_gradients):
    """One epoch of mini-batch gradient descent; returns the new ``(weights, biases)`` lists.

    The examples (rows of ``X`` and ``Y``) are shuffled by ``minibatches`` (one ``rng.permutation``)
    and visited in consecutive mini-batches of ``batch_size``, the last one possibly smaller. For
    each, ``backward(weights, biases, X_batch, Y_batch)`` gives the gradients of the mean cost over
    that batch, and every parameter steps by ``- learning_rate * gradient``. The arrays passed in are
    not changed. The reference of step 3's lab "sgd_epoch"; equal to ``Network.train_epoch``.
    """
    for batch in minibatches(len(X), batch_size, rng):
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


def l2_gradients(weights, biases, X, Y, l2: float, n_train: int, backward=network_gradients):
    """The gradients of the L2-regularised cost C + (l2 / 2n) Σ ||W||² over a mini-batch (n = ``n_train``,
    the size of the whole training set): ``backward``'s weight gradients plus (l2 / n) W; the biases
    are not regularised. A gradient step with them is weight decay, W <- (1 - η l2 / n) W - η ∂C/∂W.
    The reference of step 3's lab "l2_gradients".
    """
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    return [dW + l2 / n_train * W for dW, W in zip(weight_grads, weights)], list(bias_grads)


class Network:
    """A fully connected network of sigmoid layers.

    ``sizes``: neurons per layer, inputs first, e.g. ``[784, 30, 10]``.
    ``init``: ``"scaled"`` draws weights from N(0, 1/n_in) (keeps neurons unsaturated), ``"standard"``
    from N(0, 1) as in Nielsen's chapter 1. Biases come from N(0, 1) either way.
    """

    def __init__(self, sizes, cost=CrossEntropyCost, init: str = "scaled", seed: int = 0):
        if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
            raise ValueError(f"sizes must list at least two positive layer widths, got {sizes!r}.")
        if init not in ("scaled", "standard"):
            raise ValueError(f"init must be 'scaled' or 'standard', got {init!r}.")
        rng = np.random.default_rng(seed)
        self.sizes, self.cost = list(sizes), cost
        scale = (lambda n_in: 1 / np.sqrt(n_in)) if init == "scaled" else (lambda n_in: 1.0)
        self.weights = [rng.normal(scale=scale(n_in), size=(n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.normal(size=n_out) for n_out in sizes[1:]]

    def _check(self, X, Y=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"inputs must have shape (batch, {self.sizes[0]}), one example per row; got {X.shape}.")
        if Y is not None:
            Y = np.asarray(Y, dtype=float)
            if Y.shape != (len(X), self.sizes[-1]):
                raise ValueError(f"targets must have shape ({len(X)}, {self.sizes[-1]}) (one-hot rows); got {Y.shape}.")
        return X, Y

    def forward(self, X):
        """All weighted inputs and activations: ``zs[l]`` and ``activations[l + 1]`` are ``(batch, sizes[l + 1])``;
        ``activations[0]`` is the input."""
        X, _ = self._check(X)
        return self._forward(X)

    def _forward(self, X):
        return forward_pass(self.weights, self.biases, X)

    def predict(self, X) -> np.ndarray:
        """The output activations, ``(batch, n_in) -> (batch, n_out)``."""
        return self.forward(X)[1][-1]

    def gradients(self, X, Y):
        """Backpropagation: the gradients of the mean cost over the batch, ``(weight_grads, bias_grads)``,
        shaped like ``weights`` and ``biases``."""
        return self._backpropagate(*self._check(X, Y))

    def _backpropagate(self, X, Y):
        return network_gradients(self.weights, self.biases, X, Y, self.cost)  # inputs already checked by the caller

    def total_cost(self, X, Y, l2: float = 0.0, n_train: int | None = None) -> float:
        """The mean cost, plus (l2 / 2n) Σ w² when ``l2`` > 0 (n = ``n_train``, default the batch size)."""
        X, Y = self._check(X, Y)
        penalty = 0.5 * l2 / (n_train or len(X)) * sum(np.sum(W**2) for W in self.weights) if l2 else 0.0
        return self.cost.value(self.predict(X), Y) + penalty

    def accuracy(self, X, labels) -> float:
        """The share of rows whose largest output is at the true label."""
        return float(np.mean(self.predict(X).argmax(axis=1) == np.asarray(labels)))

    def train_epoch(self, X, Y, batch_size: int, learning_rate: float, rng, l2: float = 0.0) -> None:
        """One pass of mini-batch gradient descent over shuffled ``(X, Y)``, in place.

        With ``l2`` > 0 the weights also decay: W <- (1 - η λ / n) W - η ∂C/∂W, n = len(X).
        """
        X, Y = self._check(X, Y)
        decay = 1 - learning_rate * l2 / len(X)
        for batch in minibatches(len(X), batch_size, rng):
            weight_grads, bias_grads = self._backpropagate(X[batch], Y[batch])  # (checked once, above)
            for W, b, dW, db in zip(self.weights, self.biases, weight_grads, bias_grads):
                if l2:
                    W *= decay
                W -= learning_rate * dW
                b -= learning_rate * db


def train_epoch_per_example(network: Network, X, Y, batch_size: int, learning_rate: float, rng) -> None:
    """The classic baseline: the same epoch as ``Network.train_epoch`` (same shuffle, same updates),
    but backpropagating one example at a time as a column vector and summing the gradients in a loop."""
    X, Y = network._check(X, Y)
    for batch in minibatches(len(X), batch_size, rng):
        sum_w = [np.zeros_like(W) for W in network.weights]
        sum_b = [np.zeros_like(b) for b in network.biases]
        for index in batch:
            activation = X[index].reshape(-1, 1)  # a column, (n_in, 1)
            activations = [activation]
            for W, b in zip(network.weights, network.biases):
                activation = sigmoid(W.T @ activation + b.reshape(-1, 1))
                activations.append(activation)
            delta = network.cost.delta(activations[-1], Y[index].reshape(-1, 1))
            for layer in reversed(range(len(network.weights))):
                sum_w[layer] += activations[layer] @ delta.T
                sum_b[layer] += delta.ravel()
                if layer > 0:
                    hidden = activations[layer]
                    delta = (network.weights[layer] @ delta) * hidden * (1 - hidden)
        for W, b, dW, db in zip(network.weights, network.biases, sum_w, sum_b):
            W -= learning_rate * dW / len(batch)
            b -= learning_rate * db / len(batch)


def mazur_example():
    """Matt Mazur's 2-2-2 example network (step 3, section 2) in this course's layout, with its one
    training example: returns ``(network, X (1, 2), Y (1, 2))``. ``W[i, j]`` connects input i to neuron j,
    so the first layer holds w1..w4 as [[w1, w3], [w2, w4]] and the second w5..w8 as [[w5, w7], [w6, w8]].
    """
    network = Network([2, 2, 2], cost=QuadraticCost)
    network.weights = [np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])]
    network.biases = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
    return network, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
