"""The step-3 network in TensorFlow: the same model, starting weights and batches, two more ways.

Taught in step 4 (``notebooks/04_getting_practical.ipynb``), where the learner writes four of these
pieces as labs and the course's tested versions here take over until theirs pass: ``sigmoid_slope``
(warm-up) and ``tape_gradients`` in "Automatic differentiation", ``train_step`` at the end of that
section, ``SigmoidDense`` in "Keras idioms" (``utils/exercises/step04.py`` checks them and declares each
typical mistake as a small edit of them). The costs, ``train_tf_loop``, ``to_keras`` and ``train_keras``
have their one source in the notebook's cells ("The same network three ways"): ``python course.py
export`` copies them into ``utils/from_step04.py``, which this module imports. The ``@arguments`` line above a
function declares its argument checks (``utils.checks``), not part of a lab's solution (nor of its lines of code).
"""

from __future__ import annotations

import ast
import inspect
import io
import textwrap
import tokenize
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from utils.checks import (
    ArgumentTypeError,
    a_function,
    arguments,
    array,
    arrays,
    fail,
    number,
    optional,
    positive,
    positive_integer,
    same_length,
)
from utils.from_step04 import cross_entropy_cost, quadratic_cost, to_keras, train_keras, train_tf_loop
from utils.network import CrossEntropyCost, Network, a_network, class_labels
from utils.nn import layer_shapes


def _variables(function: str, name: str, value: Any) -> Any:
    """A list of tf.Variable (which a training step changes in place: an array or a tensor cannot be)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, tf.Variable) for item in value):
        wanted = "give a list of tf.Variable, one per layer ([tf.Variable(W) for W in weights])"
        fail(function, name, value, "is not a list of tf.Variable", wanted, ArgumentTypeError)
    return value


def _rate(function: str, name: str, value: Any) -> Any:
    """A positive number; a tensor (inside tf.function) is let through."""
    return value if isinstance(value, (tf.Tensor, tf.Variable)) else positive(function, name, value)


def _fits(network: str, *pairs: tuple[str, str]):
    """For ``@arguments``: each (inputs, targets) pair fits the network named ``network``: a column per input,
    and a one-hot row (2-D targets) or a label (1-D) per output."""

    def check(function: str, values: dict[str, Any]) -> None:
        sizes = values[network].sizes
        for inputs, targets in pairs:
            if np.shape(values[inputs])[-1] != sizes[0]:
                fail(
                    function,
                    inputs,
                    values[inputs],
                    f"has {np.shape(values[inputs])[-1]} columns",
                    f"give {sizes[0]}, one per input of {network}",
                )
            given = np.asarray(values[targets])
            if given.ndim == 2 and given.shape[1] != sizes[-1]:
                fail(function, targets, values[targets], f"has {given.shape[1]} columns", f"give {sizes[-1]}, one per output of {network}")
            if given.ndim == 1 and given.size and (given.min() < 0 or given.max() >= sizes[-1]):
                fail(
                    function,
                    targets,
                    values[targets],
                    f"holds labels from {given.min():g} to {given.max():g}",
                    f"give labels from 0 to {sizes[-1] - 1}",
                )

    return check


@arguments(z=array())
def sigmoid_slope(z):
    """dσ/dz at every entry of z, by automatic differentiation: array (any shape) -> tensor (same shape).

    Taught in step 4, section 2 (the warm-up ``tape_sigmoid_slope``: this is its solution).
    """
    z = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(z)  # a constant is recorded only when watched; variables are watched automatically
        a = tf.sigmoid(z)
    return tape.gradient(a, z)


@arguments(layer_shapes("X", targets="Y"), weights=arrays(ndim=2), biases=arrays(ndim=1), X=array(ndim=2), Y=array(ndim=2), cost=a_function)
def tape_gradients(weights, biases, X, Y, cost):
    """The gradients of the mean cost of a network of sigmoid layers, by tf.GradientTape, in float64.

    weights[l] (n_l, n_{l+1}) and biases[l] (n_{l+1},) are NumPy arrays; X (batch, n_in) holds one example
    per row and Y (batch, n_out) the targets; cost(targets, outputs) gives one number per example.
    Returns (weight_grads, bias_grads): two lists of tensors shaped like weights and biases.
    Taught in step 4, section 2, "The gradients of a whole network" (the lab ``tape_gradients``: this is its solution).
    """
    weights = [tf.Variable(W, dtype=tf.float64) for W in weights]  # variables: the tape watches them
    biases = [tf.Variable(b, dtype=tf.float64) for b in biases]
    with tf.GradientTape() as tape:
        activation = tf.constant(X, dtype=tf.float64)
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(cost(tf.constant(Y, dtype=tf.float64), activation))  # the mean over the batch
    return tape.gradient(loss, (weights, biases))


def tf_gradients(network: Network, X, Y):
    """TensorFlow's gradients of the network's mean cost, in float64: the same ``(weight_grads, bias_grads)``
    as ``network.gradients(X, Y)`` (NumPy arrays), computed by automatic differentiation instead of by hand."""
    cost = cross_entropy_cost if network.cost is CrossEntropyCost else quadratic_cost
    weight_grads, bias_grads = tape_gradients(network.weights, network.biases, X, Y, cost)
    return [g.numpy() for g in weight_grads], [g.numpy() for g in bias_grads]


@arguments(same_length("weights", "biases"), weights=_variables, biases=_variables, learning_rate=_rate)
def train_step(weights, biases, X, Y, learning_rate):
    """One step of gradient descent on the mean quadratic cost, changing the tf.Variables in place.

    weights, biases: lists of tf.Variable, (n_l, n_{l+1}) and (n_{l+1},); X (batch, n_in), Y (batch, n_out):
    tensors of the variables' dtype. Returns the cost before the step (a scalar tensor).
    Taught in step 4, section 2, "A training step" (the lab ``tf_train_step``: this is its solution).
    """
    variables = weights + biases
    with tf.GradientTape() as tape:
        activation = X
        for W, b in zip(weights, biases):
            activation = tf.sigmoid(activation @ W + b)
        loss = tf.reduce_mean(quadratic_cost(Y, activation))
    for variable, gradient in zip(variables, tape.gradient(loss, variables)):
        variable.assign_sub(learning_rate * gradient)
    return loss


class SigmoidDense(keras.layers.Layer):
    """A dense layer of sigmoid neurons, σ(x W + b): (batch, n_in) -> (batch, units).

    The same computation and weights as ``keras.layers.Dense(units, activation="sigmoid")``: a kernel
    (n_in, units) and a bias (units,), created in ``build`` once the input size is known.
    Taught in step 4, section 6, "A layer of your own" (the lab ``sigmoid_dense_layer``: this is its solution).
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return tf.sigmoid(inputs @ self.kernel + self.bias)


# The check of the number of units, outside the class: the class is a lab's solution, pasted as it is.
SigmoidDense.__init__ = arguments(units=positive_integer)(SigmoidDense.__init__)  # type: ignore[method-assign]


def lines_of_code(*functions) -> int:
    """Lines of code in the given functions or classes: not counting blank lines, comments, docstrings or the
    ``@arguments`` line that declares a function's argument checks."""
    total = 0
    for function in functions:
        source = _without_argument_checks(textwrap.dedent(inspect.getsource(function)))
        docstring_lines: set[int] = set()
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        for previous, token in zip([None, *tokens], tokens):
            # a docstring is a string token standing alone as a statement
            if token.type == tokenize.STRING and (
                previous is None or previous.type in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT)
            ):
                docstring_lines.update(range(token.start[0], token.end[0] + 1))
        total += sum(
            1
            for number, line in enumerate(source.splitlines(), start=1)
            if line.strip() and not line.strip().startswith("#") and number not in docstring_lines
        )
    return total


def _without_argument_checks(source: str) -> str:
    """``source`` without the ``@arguments(...)`` decorator of its definition (kept as blank lines)."""
    try:
        definition = ast.parse(source).body[0]
    except (SyntaxError, IndexError):  # a lambda's line, say: nothing to leave out
        return source
    lines = source.splitlines(keepends=True)
    for decorator in getattr(definition, "decorator_list", []):
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(called, "id", getattr(called, "attr", None)) == "arguments":
            for number in range(decorator.lineno - 1, decorator.end_lineno or decorator.lineno):
                lines[number] = "\n"
    return "".join(lines)


@arguments(
    same_length("X", "Y"),
    same_length("X_test", "test_labels"),
    _fits("network", ("X", "Y"), ("X_test", "test_labels")),
    network=a_network,
    X=array(ndim=2),
    Y=array(ndim=2),
    X_test=array(ndim=2),
    test_labels=class_labels(),
    epochs=positive_integer,
    batch_size=positive_integer,
    learning_rate=positive,
    seed=number(minimum=0, integer=True),
    step=optional(a_function),
    tf_loop=a_function,
    keras_fit=a_function,
)
def compare_three_ways(
    network,
    X,
    Y,
    X_test,
    test_labels,
    epochs,
    batch_size=10,
    learning_rate=3.0,
    seed=0,
    step=None,
    tf_loop=train_tf_loop,
    keras_fit=train_keras,
):
    """Train copies of ``network`` with NumPy (step 3), a TensorFlow loop and Keras, on the same batches.

    ``step``: the TensorFlow loop's training step (default ``train_step``; the notebook passes the
    learner's once it has passed its check). ``tf_loop`` and ``keras_fit``: the two training functions
    (the notebook passes the ones its cells define). Returns one row per way: test accuracy, seconds per epoch
    and lines of code of the training code.
    """
    import copy
    import time

    from utils.network import QuadraticCost

    rows = {}
    start = time.perf_counter()
    numpy_network, rng = copy.deepcopy(network), np.random.default_rng(seed)
    for _ in range(epochs):
        numpy_network.train_epoch(X, Y, batch_size, learning_rate, rng)
    rows["NumPy by hand (step 3)"] = (
        numpy_network.accuracy(X_test, test_labels),
        time.perf_counter() - start,
        lines_of_code(Network.train_epoch, QuadraticCost.delta),
    )
    start = time.perf_counter()
    step = step or train_step
    weights, biases = tf_loop(network, X, Y, epochs, batch_size, learning_rate, seed, step)
    activation = tf.constant(X_test, dtype=tf.float32)
    for W, b in zip(weights, biases):
        activation = tf.sigmoid(activation @ W + b)
    rows["TensorFlow loop"] = (
        float(np.mean(activation.numpy().argmax(axis=1) == test_labels)),
        time.perf_counter() - start,
        lines_of_code(_source_or(tf_loop, train_tf_loop), _source_or(step, train_step), quadratic_cost),
    )
    start = time.perf_counter()
    model = keras_fit(network, X, Y, epochs, batch_size, learning_rate, seed)
    rows["Keras compile/fit"] = (
        float(np.mean(model.predict(X_test, verbose=0).argmax(axis=1) == test_labels)),
        time.perf_counter() - start,
        lines_of_code(_source_or(keras_fit, train_keras), to_keras, quadratic_cost),
    )
    return {
        name: {"accuracy": accuracy, "seconds_per_epoch": seconds / epochs, "lines": lines}
        for name, (accuracy, seconds, lines) in rows.items()
    }


def _source_or(function, default):
    """``function`` if its source can be read (to count its lines), else ``default``."""
    try:
        inspect.getsource(function)
        return function
    except (OSError, TypeError):
        return default


def print_three_ways(rows) -> None:
    """The comparison table, and whether the accuracies agree within half a percentage point."""
    print(f"{'way':24} {'test accuracy':>13} {'per epoch':>10} {'lines of code':>14}")
    for name, row in rows.items():
        print(f"{name:24} {row['accuracy']:13.2%} {row['seconds_per_epoch']:8.2f} s {row['lines']:14}")
    accuracies = [row["accuracy"] for row in rows.values()]
    print(f"accuracies agree within half a percentage point: {max(accuracies) - min(accuracies) <= 0.005}")


@arguments(
    same_length("X", "Y"),
    _fits("network", ("X", "Y")),
    network=a_network,
    X=array(ndim=2),
    Y=array(ndim=2),
    batch_size=positive_integer,
    learning_rate=positive,
    step=optional(a_function),
)
def seconds_per_image(network, X, Y, batch_size, learning_rate=0.1, step=None) -> dict[str, float]:
    """Wall-clock seconds per training image of one epoch over ``(X, Y)`` in mini-batches of ``batch_size``, the
    three ways of ``compare_three_ways``, all three in float32 and once they run: step 3's ``Network.train_epoch``
    (on a float32 copy of ``network``), a ``tf.function`` training step (``step``, default ``train_step``) and Keras
    ``fit``. The first call of each, which traces the graph or compiles the model, is not timed. Taught in step 4,
    "The same network three ways": how the frameworks' fixed cost per step weighs with a small and a wide network.
    """
    import copy
    import time

    X, Y = np.asarray(X, dtype=np.float32), np.asarray(Y, dtype=np.float32)
    batches = [np.arange(start, min(start + batch_size, len(X))) for start in range(0, len(X), batch_size)]
    seconds = {}
    numpy_network = copy.deepcopy(network)
    numpy_network.weights = [W.astype(np.float32) for W in network.weights]
    numpy_network.biases = [b.astype(np.float32) for b in network.biases]
    numpy_network.train_epoch(X[batches[0]], Y[batches[0]], batch_size, learning_rate, np.random.default_rng(0))
    start = time.perf_counter()
    numpy_network.train_epoch(X, Y, batch_size, learning_rate, np.random.default_rng(0))
    seconds["NumPy by hand (step 3)"] = time.perf_counter() - start
    graph = tf.function(step or train_step)
    weights = [tf.Variable(W, dtype="float32") for W in network.weights]
    biases = [tf.Variable(b, dtype="float32") for b in network.biases]
    graph(weights, biases, X[batches[0]], Y[batches[0]], learning_rate)  # traced here, once
    start = time.perf_counter()
    for batch in batches:
        graph(weights, biases, X[batch], Y[batch], learning_rate)
    seconds["TensorFlow loop"] = time.perf_counter() - start
    model = to_keras(network)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=quadratic_cost)
    model.fit(X[batches[0]], Y[batches[0]], batch_size=batch_size, epochs=1, verbose=0)  # compiled here, once
    start = time.perf_counter()
    model.fit(X, Y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    seconds["Keras compile/fit"] = time.perf_counter() - start
    return {way: value / len(X) for way, value in seconds.items()}


def max_gradient_difference(network, X, Y) -> float:
    """The largest difference between TensorFlow's gradients and the hand-written backpropagation."""
    ours, theirs = network.gradients(X, Y), tf_gradients(network, X, Y)
    return max(float(np.abs(a - b).max()) for part_a, part_b in zip(ours, theirs) for a, b in zip(part_a, part_b))
