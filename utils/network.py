"""A fully connected sigmoid network written from scratch in NumPy: forward pass, backpropagation,
mini-batch gradient descent, two costs and L2 regularisation.

Taught in step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``): its labs have you write
``sgd_epoch`` (section 1), ``quadratic_output_error`` and ``network_gradients`` (section 3, "The vectorized
network") and ``l2_gradients`` (section 6); these functions are the labs' solutions, written with the
notebook's names so that they run there as they are. Step 4 checks the network against TensorFlow's
automatic differentiation.

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
uses ``network_gradients`` and ``QuadraticCost.delta`` is ``quadratic_output_error``; only
``Network.train_epoch`` is written separately, for speed (forward pass, backpropagation and update
fused, in place: the subject of step 3's "Speed" paragraph and of ``python course.py benchmark
backprop``), and tested equal to ``sgd_epoch`` with ``network_gradients``.

``nielsen_sgd_epoch`` (with ``nielsen_backprop``) is the classic algorithm of Michael Nielsen's
``network.py`` (https://github.com/mnielsen/neural-networks-and-deep-learning, chapter 1 of his book):
his column-vector layout, ``np.dot(w, a) + b``, every ``z`` kept, one example at a time, summed per
mini-batch. It is written here independently, step for step, as the speed baseline of
``python -m utils.benchmark backprop``; ``train_epoch_per_example`` runs it on a ``Network``.

The ``@arguments`` line above a function declares its argument checks (``utils.checks``), not part of a lab's
solution; the library's own inner calls (per mini-batch, per example) go to the functions without them.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from utils.checks import (
    Afterwards,
    ArgumentTypeError,
    a_function,
    arguments,
    array,
    arrays,
    fail,
    is_a,
    number,
    one_of,
    optional,
    positive,
    positive_integer,
    random_generator,
    same_length,
    same_shape,
    warn_if_diverged,
)
from utils.nn import layer_shapes, probabilities, sigmoid


def class_labels(integer_type: bool = False):
    """Class labels, one per example: shape (n,), whole numbers (of an integer type, with ``integer_type``)."""

    def check(function: str, name: str, value: Any) -> Any:
        array(integers=True)(function, name, value)
        values = np.asarray(value)
        if integer_type and values.dtype.kind not in "iu":
            fail(function, name, value, f"holds {values.dtype} values", "give integer labels (labels.astype(int))", ArgumentTypeError)
        if values.ndim != 1:
            wanted = "give one label per example, shape (n,) (labels.ravel() for a column, Y.argmax(axis=1) for one-hot rows)"
            fail(function, name, value, f"has {values.ndim} dimension{'s' if values.ndim != 1 else ''}", wanted)
        return value

    return check


def labels_below(name: str, classes) -> Any:
    """For ``@arguments``: the labels named ``name`` are from 0 to ``classes(values)`` - 1."""

    def check(function: str, values: dict[str, Any]) -> None:
        given, count = np.asarray(values[name]), classes(values)
        if given.size and (given.min() < 0 or given.max() >= count):
            fail(
                function, name, values[name], f"holds labels from {given.min():g} to {given.max():g}", f"give labels from 0 to {count - 1}"
            )

    return check


def _cost(function: str, name: str, value: Any) -> Any:
    if not (callable(getattr(value, "value", None)) and callable(getattr(value, "delta", None))):
        fail(
            function,
            name,
            value,
            "is not a cost",
            "give QuadraticCost or CrossEntropyCost (a class with value and delta)",
            ArgumentTypeError,
        )
    return value


def _sizes(function: str, name: str, value: Any) -> Any:
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        fail(
            function,
            name,
            value,
            is_a(value),
            "give a list of layer widths, inputs first, such as [784, 30, 10]",
            ArgumentTypeError,
        )
    if len(value) < 2:
        fail(
            function,
            name,
            value,
            f"lists {len(value)} layer{'s' if len(value) != 1 else ''}",
            "give at least two widths, the inputs and the outputs",
        )
    for index, width in enumerate(value):
        number(minimum=1, integer=True)(function, f"{name}[{index}]", width)
    return value


def _float_dtype(function: str, name: str, value: Any) -> Any:
    try:
        kind = np.dtype(value)
    except TypeError:
        kind = None
    if kind not in (np.float32, np.float64):
        fail(function, name, value, "is not a floating-point type", "give np.float64 or np.float32")
    return value


_numbers = array()


def _epoch_diverged(parameters) -> Afterwards:
    """After an epoch: warn when the output layer's biases, ``parameters(values, result)``, are NaN or infinite
    (the weights are then too: every update passes through them). One look at a few numbers, nothing recomputed."""

    def check(function: str, values: dict[str, Any], result: Any) -> None:
        last = np.asarray(parameters(values, result))
        if not np.isfinite(last).all():
            warn_if_diverged(function, float(np.sum(last)), "the end of an epoch", values.get("learning_rate"), stacklevel=4)

    return Afterwards(check)


@arguments(labels_below("labels", lambda values: values["classes"]), labels=class_labels(integer_type=True), classes=positive_integer)
def one_hot(labels, classes: int = 10) -> np.ndarray:
    """Integer labels ``(n,)`` -> one-hot float rows ``(n, classes)``."""
    labels = np.asarray(labels)
    encoded = np.zeros((len(labels), classes))
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


@arguments(n=number(minimum=0, integer=True), batch_size=positive_integer, rng=random_generator)
def minibatches(n: int, batch_size: int, rng) -> list[np.ndarray]:
    """Shuffle ``range(n)`` with ``rng`` and cut it into mini-batches of ``batch_size`` (the last may be smaller).

    Every training loop of the course (NumPy, TensorFlow and Keras, steps 3 and 4) draws its batches
    this way (``sgd_epoch`` and ``Network.train_epoch`` write out the same two lines), so the same seed
    gives the same batches in the same order everywhere.
    """
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


@arguments(same_shape("a", "y"), a=array(), y=array())
def quadratic_output_error(a, y):
    """The output error δ_L = ∂C_x/∂z_L of the quadratic cost C_x = ½ ||a - y||² with sigmoid outputs a = σ(z_L).

    ``a``, ``y``: ``(batch, outputs)`` -> ``(batch, outputs)``, one row per example: (a - y) ⊙ σ'(z_L),
    where σ'(z_L) = a (1 - a) comes from the forward pass. Step 3, "The vectorized network": the
    solution of the warm-up "output_error"; ``QuadraticCost.delta``.
    """
    return (a - y) * a * (1 - a)


_output_error = inspect.unwrap(quadratic_output_error)  # per mini-batch: the network's inputs are checked once per epoch


class QuadraticCost:
    """C = mean over examples of ½ ||a - y||². Its output error carries σ'(z), hence slow learning when saturated."""

    @staticmethod
    @arguments(same_shape("a", "y"), a=array(), y=array())
    def value(a: np.ndarray, y: np.ndarray) -> float:
        return float(0.5 * np.sum((a - y) ** 2) / len(a))

    @staticmethod
    def delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂C_x/∂z_L for each example row: ``quadratic_output_error``."""
        return _output_error(a, y)


class CrossEntropyCost:
    """C = mean over examples of -Σ [y ln a + (1 - y) ln(1 - a)]. With sigmoid outputs, δ_L = a - y: no σ'."""

    @staticmethod
    @arguments(same_shape("a", "y"), a=probabilities, y=probabilities)
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


@arguments(layer_shapes("X", targets="Y"), weights=arrays(ndim=2), biases=arrays(ndim=1), X=array(ndim=2), Y=array(ndim=2), cost=_cost)
def network_gradients(weights, biases, X, Y, cost=QuadraticCost):
    """Backpropagation through sigmoid layers: the gradients of the mean ``cost`` over the batch.

    ``X``: ``(batch, n_0)``; ``Y``: ``(batch, n_L)``; ``weights[l]``: ``(n_l, n_{l+1})``; ``biases[l]``:
    ``(n_{l+1},)``. Returns ``(weight_grads, bias_grads)``, lists shaped like ``weights`` and ``biases``.
    Step 3, "The vectorized network": the solution of the lab "network_backward" (with the quadratic cost).
    """
    activations = [X]  # the forward pass keeps every layer's output: σ'(z) = a (1 - a) comes from them
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    delta = cost.delta(activations[-1], Y)  # the output error, (batch, n_L)
    weight_grads, bias_grads = [None] * len(weights), [None] * len(biases)
    for layer in reversed(range(len(weights))):
        below = activations[layer]  # this layer's input, the output of the layer below: (batch, n_layer)
        weight_grads[layer] = below.T @ delta / len(X)
        bias_grads[layer] = delta.mean(axis=0)
        if layer > 0:  # the error of the layer below, through the weights as they were in the forward pass
            delta = (delta @ weights[layer].T) * below * (1 - below)
    return weight_grads, bias_grads


_network_gradients = inspect.unwrap(network_gradients)  # for Network.gradients, whose arguments are checked already


@arguments(
    same_length("X", "Y"),
    same_length("weights", "biases"),
    _epoch_diverged(lambda values, result: result[1][-1]),
    weights=arrays(),
    biases=arrays(),
    X=array(),
    Y=array(),
    batch_size=positive_integer,
    learning_rate=positive,
    rng=random_generator,
    backward=a_function,
)
def sgd_epoch(weights, biases, X, Y, batch_size: int, learning_rate: float, rng, backward):
    """One epoch of mini-batch gradient descent; returns the new ``(weights, biases)`` lists.

    The examples (rows of ``X`` and ``Y``) are shuffled by one ``rng.permutation`` and visited in
    consecutive mini-batches of ``batch_size``, the last one possibly smaller (as ``minibatches`` cuts
    them). For each, ``backward(weights, biases, X_batch, Y_batch)`` gives the gradients of the mean
    cost over that batch, and every parameter steps by ``- learning_rate * gradient``. The arrays
    passed in are not changed. Step 3, "Stochastic and mini-batch gradient descent": the solution of
    the lab "sgd_epoch"; with ``network_gradients``, the same epoch as ``Network.train_epoch``.
    """
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        weight_grads, bias_grads = backward(weights, biases, X[batch], Y[batch])
        weights = [W - learning_rate * dW for W, dW in zip(weights, weight_grads)]
        biases = [b - learning_rate * db for b, db in zip(biases, bias_grads)]
    return weights, biases


@arguments(
    same_length("X", "Y"),
    same_length("weights", "biases"),
    weights=arrays(),
    biases=arrays(),
    X=array(),
    Y=array(),
    l2=number(minimum=0),
    n_train=positive_integer,
    backward=a_function,
)
def l2_gradients(weights, biases, X, Y, l2: float, n_train: int, backward):
    """The gradients of the L2-regularised cost C + (l2 / 2n) Σ ||W||² over a mini-batch ``X``, ``Y``, where
    n = ``n_train`` is the size of the whole training set and ``backward(weights, biases, X, Y)`` gives the
    gradients of C. The penalty adds (l2 / n) W to each weight gradient; the biases are not regularised.
    A gradient step with them is weight decay, W <- (1 - η l2 / n) W - η ∂C/∂W. Returns ``(weight_grads,
    bias_grads)``, lists shaped like ``weights`` and ``biases``. Step 3, "Overfitting, L2 regularisation
    and early stopping": the solution of the lab "l2_gradients".
    """
    weight_grads, bias_grads = backward(weights, biases, X, Y)
    weight_grads = [dW + l2 / n_train * W for dW, W in zip(weight_grads, weights)]
    return weight_grads, list(bias_grads)


class Network:
    """A fully connected network of sigmoid layers.

    ``sizes``: neurons per layer, inputs first, e.g. ``[784, 30, 10]``.
    ``init``: ``"scaled"`` draws weights from N(0, 1/n_in) (keeps neurons unsaturated), ``"standard"``
    from N(0, 1) as in Nielsen's chapter 1. Biases come from N(0, 1) either way.
    ``dtype``: of the parameters (drawn in float64, then converted); ``train_epoch`` computes in it.
    """

    @arguments(
        sizes=_sizes, cost=_cost, init=one_of("scaled", "standard"), seed=optional(number(minimum=0, integer=True)), dtype=_float_dtype
    )
    def __init__(self, sizes, cost=CrossEntropyCost, init: str = "scaled", seed: int = 0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        self.sizes, self.cost = list(sizes), cost
        scale = (lambda n_in: 1 / np.sqrt(n_in)) if init == "scaled" else (lambda n_in: 1.0)
        self.weights = [rng.normal(scale=scale(n_in), size=(n_in, n_out)).astype(dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.normal(size=n_out).astype(dtype) for n_out in sizes[1:]]

    def _check(self, X, Y=None, function: str = "Network.forward"):
        """Shapes checked (``function`` names the caller in a message); float32 arrays kept as they are (no
        copy), anything else as float64."""
        _numbers(function, "X", X)
        X = np.asarray(X)
        X = X if X.dtype == np.float32 else X.astype(float, copy=False)
        inputs = self.sizes[0]
        if X.ndim != 2:
            single = " (x.reshape(1, -1) for a single one)" if X.ndim == 1 else ""
            fail(
                function,
                "X",
                X,
                f"has {X.ndim} dimension{'s' if X.ndim != 1 else ''}",
                f"give (batch, {inputs}), one example per row{single}",
            )
        if X.shape[1] != inputs:
            fail(function, "X", X, f"has {X.shape[1]} columns", f"give {inputs}, one per input of the network")
        if Y is not None:
            _numbers(function, "Y", Y)
            Y = np.asarray(Y)
            Y = Y if Y.dtype == np.float32 else Y.astype(float, copy=False)
            if Y.shape != (len(X), self.sizes[-1]):
                wanted = f"give ({len(X)}, {self.sizes[-1]}): a one-hot row per example (one_hot(labels, {self.sizes[-1]}))"
                fail(function, "Y", Y, "does not fit X and the network", wanted)
        return X, Y

    def forward(self, X):
        """All weighted inputs and activations: ``zs[l]`` and ``activations[l + 1]`` are ``(batch, sizes[l + 1])``;
        ``activations[0]`` is the input."""
        X, _ = self._check(X, function="Network.forward")
        return self._forward(X)

    def _forward(self, X):
        return forward_pass(self.weights, self.biases, X)

    def predict(self, X) -> np.ndarray:
        """The output activations, ``(batch, n_in) -> (batch, n_out)``."""
        return self._forward(self._check(X, function="Network.predict")[0])[1][-1]

    def gradients(self, X, Y):
        """Backpropagation: the gradients of the mean cost over the batch, ``(weight_grads, bias_grads)``,
        shaped like ``weights`` and ``biases``."""
        return self._backpropagate(*self._check(X, Y, "Network.gradients"))

    def _backpropagate(self, X, Y):
        return _network_gradients(self.weights, self.biases, X, Y, self.cost)  # inputs already checked by the caller

    @arguments(l2=number(minimum=0), n_train=optional(positive_integer))
    def total_cost(self, X, Y, l2: float = 0.0, n_train: int | None = None) -> float:
        """The mean cost, plus (l2 / 2n) Σ w² when ``l2`` > 0 (n = ``n_train``, default the batch size)."""
        X, Y = self._check(X, Y, "Network.total_cost")
        penalty = 0.5 * l2 / (n_train or len(X)) * sum(np.sum(W**2) for W in self.weights) if l2 else 0.0
        return self.cost.value(self.predict(X), Y) + penalty

    @arguments(
        same_length("X", "labels"), labels_below("labels", lambda values: values["self"].sizes[-1]), X=array(ndim=2), labels=class_labels()
    )
    def accuracy(self, X, labels) -> float:
        """The share of rows whose largest output is at the true label."""
        return float(np.mean(self.predict(X).argmax(axis=1) == np.asarray(labels)))

    @arguments(
        _epoch_diverged(lambda values, result: values["self"].biases[-1]),
        batch_size=positive_integer,
        learning_rate=positive,
        rng=random_generator,
        l2=number(minimum=0),
    )
    def train_epoch(self, X, Y, batch_size: int, learning_rate: float, rng, l2: float = 0.0) -> None:
        """One pass of mini-batch gradient descent over shuffled ``(X, Y)``, in place.

        The same epoch as ``sgd_epoch`` with ``network_gradients`` (the same shuffle and batches, the
        same updates up to rounding), written for speed: each batch is taken with ``np.take`` from one
        permutation, η/m is folded into the output error once (backpropagation is linear in δ, so
        every δ below it comes out scaled too), the sigmoid and the updates work in place, and the
        weight gradients go straight into preallocated buffers. The arithmetic runs in the dtype of
        the weights (float64 unless the network was made with ``dtype=np.float32``).
        With ``l2`` > 0 the weights also decay: W <- (1 - η λ / n) W - η ∂C/∂W, n = len(X).
        """
        X, Y = self._check(X, Y, "Network.train_epoch")
        weights, biases, dtype = self.weights, self.biases, self.weights[0].dtype
        decay = 1 - learning_rate * l2 / len(X)
        buffers = [np.empty_like(W) for W in weights]
        if X.dtype != dtype or Y.dtype != dtype:
            X, Y = X.astype(dtype), Y.astype(dtype)
        order = rng.permutation(len(X))  # the shuffle of minibatches(): consecutive runs of it are the batches
        with np.errstate(over="ignore"):  # exp(-z) -> inf gives σ = 0, the right limit (as utils.nn.sigmoid)
            for start in range(0, len(X), batch_size):
                batch = order[start : start + batch_size]
                x, y = X.take(batch, axis=0), Y.take(batch, axis=0)
                activations = [x]
                for W, b in zip(weights, biases):
                    z = activations[-1] @ W
                    z += b
                    np.negative(z, out=z)
                    np.exp(z, out=z)
                    z += 1.0
                    activations.append(np.reciprocal(z, out=z))  # σ(z) = 1 / (1 + e^(-z)), in place
                delta = self.cost.delta(activations[-1], y)
                delta *= learning_rate / len(x)  # η/m δ_L
                for layer in range(len(weights) - 1, -1, -1):
                    W, below = weights[layer], activations[layer]
                    if layer:
                        next_delta = delta @ W.T  # with the weights before this step's update
                        next_delta *= below
                        next_delta *= 1.0 - below  # σ'(z) = a (1 - a)
                    np.matmul(below.T, delta, out=buffers[layer])  # η ∂C/∂W
                    if l2:
                        W *= decay
                    W -= buffers[layer]
                    biases[layer] -= np.add.reduce(delta, axis=0)  # η ∂C/∂b
                    if layer:
                        delta = next_delta


def _nielsen_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _nielsen_sigmoid_prime(z):
    return _nielsen_sigmoid(z) * (1 - _nielsen_sigmoid(z))


def nielsen_backprop(weights, biases, x, y, cost=QuadraticCost):
    """One example, as in Nielsen's ``network.py``: column vectors ``x`` (n_0, 1) and ``y`` (n_L, 1),
    ``weights[l]`` (n_{l+1}, n_l) and ``biases[l]`` (n_{l+1}, 1). Returns ``(nabla_b, nabla_w)``, this
    example's gradients, in that order (his). Every ``z`` is kept and σ'(z) recomputed from it, as he does."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation, activations, zs = x, [x], []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = _nielsen_sigmoid(z)
        activations.append(activation)
    if cost is QuadraticCost:
        delta = (activations[-1] - y) * _nielsen_sigmoid_prime(zs[-1])  # his cost_derivative times σ'(z)
    else:
        delta = cost.delta(activations[-1], y)  # network2.py's CrossEntropyCost.delta: a - y
    nabla_b[-1], nabla_w[-1] = delta, np.dot(delta, activations[-2].transpose())
    for back in range(2, len(weights) + 1):
        delta = np.dot(weights[-back + 1].transpose(), delta) * _nielsen_sigmoid_prime(zs[-back])
        nabla_b[-back], nabla_w[-back] = delta, np.dot(delta, activations[-back - 1].transpose())
    return nabla_b, nabla_w


@arguments(mini_batch_size=positive_integer, eta=positive, rng=random_generator, cost=_cost)
def nielsen_sgd_epoch(weights, biases, training_data, mini_batch_size: int, eta: float, rng, cost=QuadraticCost):
    """One epoch of Nielsen's ``SGD``: shuffle the list of ``(x, y)`` column pairs, cut it into mini-batches,
    and for each one (his ``update_mini_batch``) sum ``nielsen_backprop`` over its examples one at a time,
    then step by η/m times the sums. Returns the new ``(weights, biases)`` lists, in his layout.
    The shuffle is ``minibatches(len(training_data), mini_batch_size, rng)`` (his ``random.shuffle``
    and slicing, made reproducible) so that it visits the same batches as ``Network.train_epoch``."""
    for batch in minibatches(len(training_data), mini_batch_size, rng):
        mini_batch = [training_data[index] for index in batch]
        nabla_b = [np.zeros(b.shape) for b in biases]
        nabla_w = [np.zeros(w.shape) for w in weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = nielsen_backprop(weights, biases, x, y, cost)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(weights, nabla_w)]
        biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases


def to_nielsen(network: Network, X=None, Y=None):
    """``network``'s parameters in Nielsen's layout (weights (n_out, n_in), biases (n_out, 1)), and, given
    ``X`` and ``Y``, his training data: a list of ``(x, y)`` column-vector pairs (his ``load_data_wrapper``)."""
    weights = [W.T.copy() for W in network.weights]
    biases = [b.reshape(-1, 1).copy() for b in network.biases]
    data = None if X is None else [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]
    return weights, biases, data


def a_network(function: str, name: str, value: Any) -> Any:
    if not isinstance(value, Network):
        fail(function, name, value, is_a(value), "give a Network (utils.network.Network)", ArgumentTypeError)
    return value


@arguments(network=a_network, batch_size=positive_integer, learning_rate=positive, rng=random_generator)
def train_epoch_per_example(network: Network, X, Y, batch_size: int, learning_rate: float, rng) -> None:
    """The classic baseline, in place: ``nielsen_sgd_epoch`` on ``network``'s parameters (converted to
    Nielsen's layout and back), the same shuffle and the same updates as ``Network.train_epoch``."""
    X, Y = network._check(X, Y, "train_epoch_per_example")
    weights, biases, data = to_nielsen(network, X, Y)
    weights, biases = nielsen_sgd_epoch(weights, biases, data, batch_size, learning_rate, rng, network.cost)
    network.weights = [w.T.copy() for w in weights]
    network.biases = [b.ravel().copy() for b in biases]


def mazur_example():
    """Matt Mazur's 2-2-2 example network (step 3, section 2) in this course's layout, with its one
    training example: returns ``(network, X (1, 2), Y (1, 2))``. ``W[i, j]`` connects input i to neuron j,
    so the first layer holds w1..w4 as [[w1, w3], [w2, w4]] and the second w5..w8 as [[w5, w7], [w6, w8]].
    """
    network = Network([2, 2, 2], cost=QuadraticCost)
    network.weights = [np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])]
    network.biases = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
    return network, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
